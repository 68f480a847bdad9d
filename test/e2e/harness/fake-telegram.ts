/**
 * A fake Telegram Bot API server for end-to-end tests: OpenClaw's bundled Telegram channel pointed at it
 * with `channels.telegram.apiRoot` polls it for updates and sends its replies to it, so a test can play a
 * Telegram user talking to the agent and read exactly what the bot sent back. 127.0.0.1 only.
 *
 * Routes: `/bot<token>/<method>` (GET or POST; JSON, form or no body).
 *   getMe            -> the bot user
 *   getUpdates       -> queued updates after `offset`; with nothing queued it waits (long poll) up to
 *                       min(timeout, 1 s) so the channel's loop stays cheap and stop() is prompt
 *   sendMessage      -> recorded in `sent`, answered with a Message
 *   editMessageText  -> recorded in `sent` too (stream previews edit a message)
 *   anything else    -> `{ok: true, result: true}` (webhook, commands, chat actions, reactions,
 *                       answerCallbackQuery, editMessageReplyMarkup …)
 * A user's text message and a press of an inline button (a `callback_query`, as approval prompts use)
 * are queued as updates.
 * A wrong token gets 401 like the real API.
 */
import { createServer } from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { readBody } from "./fake-llm.ts";

export interface FakeTelegramOptions {
  /** The bot token the channel must use; default `123456:clawshield-e2e`. */
  token?: string;
  /** The bot's username; default `clawshield_e2e_bot`. */
  botUsername?: string;
}

export interface TelegramSent {
  method: string;
  /** The message id the fake gave it (for sendMessage) or the id it edits. */
  messageId: number;
  chatId: number | string;
  text: string;
  /** The whole request body as parsed. */
  body: Record<string, unknown>;
  at: number;
}

export interface FakeTelegramHandle {
  /** `http://127.0.0.1:<port>`: the value for `channels.telegram.apiRoot`. */
  apiRoot: string;
  token: string;
  botId: number;
  /** Every text the bot sent or edited, oldest first. */
  sent: TelegramSent[];
  /** Methods called, oldest first (for diagnosis). */
  calls: string[];
  /** Queue a private-chat text message from a user; returns its update_id. */
  sendUserText(user: { id: number; firstName?: string; username?: string }, text: string): number;
  /** Queue a press of an inline button (`callback_data`) on a message the bot sent; returns its update_id. */
  pressButton(user: { id: number; firstName?: string }, message: TelegramSent, callbackData: string): number;
  /** Resolves once getUpdates has been polled at least `n` times (the channel is up). */
  waitForPolls(n: number, timeoutMs: number): Promise<void>;
  /** Resolves with the first sent text after index `from` that `match` accepts. */
  waitForSent(match: (s: TelegramSent) => boolean, timeoutMs: number, from?: number): Promise<TelegramSent>;
  close(): Promise<void>;
}

const MAX_BODY = 1024 * 1024;
const MAX_POLL_WAIT_MS = 1000;

/** A Bot API request's parameters: JSON, form-encoded, or none. */
async function readParams(req: IncomingMessage): Promise<Record<string, unknown>> {
  const raw = await readBody(req, MAX_BODY);
  if (raw === "") return {};
  const type = String(req.headers["content-type"] ?? "");
  if (type.includes("json")) return JSON.parse(raw) as Record<string, unknown>;
  if (type.includes("x-www-form-urlencoded")) return Object.fromEntries(new URLSearchParams(raw));
  return { _raw: raw };
}

export async function startFakeTelegram(opts: FakeTelegramOptions = {}): Promise<FakeTelegramHandle> {
  const token = opts.token ?? "123456:clawshield-e2e";
  const botId = Number(token.split(":")[0]);
  const botUsername = opts.botUsername ?? "clawshield_e2e_bot";
  const updates: Array<{ update_id: number } & Record<string, unknown>> = [];
  const sent: TelegramSent[] = [];
  const calls: string[] = [];
  let nextUpdateId = 1000;
  let nextMessageId = 1;
  let polls = 0;
  const wakers = new Set<() => void>();
  const wake = (): void => {
    for (const w of [...wakers]) w();
  };
  const timers = new Set<NodeJS.Timeout>();

  const reply = (res: ServerResponse, status: number, body: unknown): void => {
    const text = JSON.stringify(body);
    res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
    res.end(text);
  };

  const pending = (offset: number | undefined): typeof updates => updates.filter((u) => offset === undefined || u.update_id >= offset);

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const m = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(url.pathname);
    if (m === null) return reply(res, 404, { ok: false, error_code: 404, description: "Not Found" });
    if (m[1] !== token) return reply(res, 401, { ok: false, error_code: 401, description: "Unauthorized" });
    const method = m[2]!;
    calls.push(method);
    const body = { ...Object.fromEntries(url.searchParams), ...(await readParams(req)) };
    const now = Math.floor(Date.now() / 1000);
    switch (method) {
      case "getMe":
        return reply(res, 200, { ok: true, result: { id: botId, is_bot: true, first_name: "ClawShield E2E", username: botUsername, can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false } });
      case "getUpdates": {
        polls++;
        const offset = body.offset === undefined || body.offset === null ? undefined : Number(body.offset);
        // Confirmed updates (below offset) are forgotten, as the real API does.
        if (offset !== undefined) for (let i = updates.length - 1; i >= 0; i--) if (updates[i]!.update_id < offset) updates.splice(i, 1);
        let ready = pending(offset);
        const waitMs = Math.min(Number(body.timeout ?? 0) * 1000, MAX_POLL_WAIT_MS);
        if (ready.length === 0 && waitMs > 0) {
          await new Promise<void>((resolve) => {
            const done = (): void => {
              clearTimeout(t);
              timers.delete(t);
              wakers.delete(done);
              resolve();
            };
            const t = setTimeout(done, waitMs);
            timers.add(t);
            wakers.add(done);
          });
          ready = pending(offset);
        }
        return reply(res, 200, { ok: true, result: ready.slice(0, Number(body.limit ?? 100)) });
      }
      case "sendMessage":
      case "editMessageText": {
        const chatId = body.chat_id as number | string;
        const text = String(body.text ?? "");
        const messageId = method === "editMessageText" && body.message_id !== undefined ? Number(body.message_id) : nextMessageId++;
        sent.push({ method, messageId, chatId, text, body, at: Date.now() });
        return reply(res, 200, { ok: true, result: { message_id: messageId, date: now, chat: { id: Number(chatId), type: "private" }, from: { id: botId, is_bot: true, first_name: "ClawShield E2E", username: botUsername }, text } });
      }
      default:
        return reply(res, 200, { ok: true, result: true });
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) reply(res, 400, { ok: false, error_code: 400, description: `Bad Request: ${(e as Error).message}` });
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  const waitFor = async <T>(probe: () => T | undefined, timeoutMs: number, what: string): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = probe();
      if (v !== undefined) return v;
      if (Date.now() > deadline) throw new Error(`fake Telegram: timed out after ${timeoutMs} ms waiting for ${what} (calls so far: ${calls.slice(-20).join(", ")})`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  return {
    apiRoot: `http://127.0.0.1:${port}`,
    token,
    botId,
    sent,
    calls,
    sendUserText(user, text) {
      const update_id = nextUpdateId++;
      const from = { id: user.id, is_bot: false, first_name: user.firstName ?? "Tester", ...(user.username ? { username: user.username } : {}), language_code: "en" };
      updates.push({ update_id, message: { message_id: nextMessageId++, date: Math.floor(Date.now() / 1000), chat: { id: user.id, type: "private", first_name: from.first_name }, from, text } });
      wake();
      return update_id;
    },
    pressButton(user, message, callbackData) {
      const update_id = nextUpdateId++;
      const from = { id: user.id, is_bot: false, first_name: user.firstName ?? "Tester", language_code: "en" };
      const chat = { id: Number(message.chatId), type: "private", first_name: from.first_name };
      updates.push({
        update_id,
        callback_query: {
          id: `cbq-${update_id}`,
          from,
          chat_instance: `ci-${message.chatId}`,
          data: callbackData,
          message: { message_id: message.messageId, date: Math.floor(message.at / 1000), chat, from: { id: botId, is_bot: true, first_name: "ClawShield E2E", username: botUsername }, text: message.text },
        },
      });
      wake();
      return update_id;
    },
    waitForPolls(n, timeoutMs) {
      return waitFor(() => (polls >= n ? true : undefined), timeoutMs, `${n} getUpdates polls`).then(() => undefined);
    },
    waitForSent(match, timeoutMs, from = 0) {
      return waitFor(() => sent.slice(from).find(match), timeoutMs, "a message from the bot");
    },
    async close() {
      wake();
      for (const t of timers) clearTimeout(t);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
