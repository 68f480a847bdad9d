/**
 * Scripted OpenAI-compatible model server for end-to-end tests against a real OpenClaw Gateway.
 *
 * The "model" reads a script marker from the newest real user message (the argument runs to the end of
 * that line):
 *   RUN: <shell command>          -> tool call `exec {command}`
 *   RUNTOOL: <tool> <json-args>   -> tool call `<tool> <json-args>` (any tool, e.g. tool_call / write)
 *   SAY: <text>                   -> plain text reply `<text>`
 * A tool call is emitted only while no `role:"tool"` message follows that user message AND the tool is
 * offered in `tools`; otherwise the model answers with a normal sentence
 * (`All done. tool said: <first 500 chars of the last tool result>`). Requests without a marker
 * (background runs: memory flush, skill review) get a plain text answer, so nothing loops.
 *
 * Endpoints (127.0.0.1 only): POST /v1/chat/completions (SSE + non-stream), POST /v1/responses (SSE +
 * non-stream), GET /v1/models. Every request is recorded in `requests` (and optionally a JSONL log).
 */
import { appendFileSync } from "node:fs";
import { createServer } from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export const FAKE_MODEL_ID = "fake-model";
/** User messages starting with this are OpenClaw's synthetic context, never a script. */
export const INTERNAL_CONTEXT_PREFIX = "<<<BEGIN_OPENCLAW_INTERNAL_CONTEXT>>>";
/** How many characters of the last tool result the final sentence quotes. */
export const TOOL_RESULT_QUOTE_CHARS = 500;

export type FakeLlmReply =
  | { kind: "tool"; tool: string; args: Record<string, unknown> }
  | { kind: "text"; text: string };

/** What the script logic saw in one model request (a normalised view of both API flavours). */
export interface FakeLlmConversation {
  /** Messages in order; `content` flattened to text. */
  messages: Array<{ role: string; text: string }>;
  /** Names of the tools offered in this request. */
  tools: string[];
}

export interface FakeLlmRequestRecord {
  seq: number;
  at: number;
  method: string;
  path: string;
  /** Parsed JSON body (undefined for GET). */
  body: unknown;
  /** Tools offered, for quick assertions. */
  tools: string[];
  /** What the fake answered (undefined for /models and errors). */
  reply?: FakeLlmReply;
}

export interface FakeLlmOptions {
  /** Port to bind on 127.0.0.1; default 0 (random free port). */
  port?: number;
  /** Append every request as one JSON line to this file. */
  logFile?: string;
  /**
   * Override the script: return a reply to use it, or undefined to fall back to the default script.
   * Called for every chat/responses request.
   */
  respond?: (conversation: FakeLlmConversation) => FakeLlmReply | undefined;
}

export interface FakeLlmHandle {
  port: number;
  /** `http://127.0.0.1:<port>/v1`: the provider `baseUrl` for OpenClaw. */
  baseUrl: string;
  /** Every request received, oldest first (mutable: `requests.length = 0` clears it). */
  requests: FakeLlmRequestRecord[];
  close(): Promise<void>;
}

const MARKER_RE = /(RUNTOOL|RUN|SAY):[ \t]*/;

/** Flatten OpenAI message content (string or parts array) to text. */
export function contentText(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) {
    return content
      .map((part) => {
        if (typeof part === "string") return part;
        if (part && typeof part === "object") {
          const p = part as Record<string, unknown>;
          if (typeof p.text === "string") return p.text;
          if (typeof p.output === "string") return p.output;
        }
        return "";
      })
      .join("");
  }
  if (content && typeof content === "object" && typeof (content as { text?: unknown }).text === "string") {
    return (content as { text: string }).text;
  }
  return "";
}

type Script = { kind: "RUN" | "RUNTOOL" | "SAY"; arg: string };

/** Find the script marker in one user message text, or undefined. */
export function parseScript(text: string): Script | undefined {
  const m = MARKER_RE.exec(text);
  if (!m) return undefined;
  const kind = m[1] as Script["kind"];
  // The argument ends at the end of the line: OpenClaw appends text after it (the "Runtime: …" suffix
  // on a session's first turn, a "Continue the current task…" note when it retries a failed model call).
  const arg = (text.slice(m.index + m[0].length).split("\n", 1)[0] ?? "").trim();
  return { kind, arg };
}

function parseRunTool(arg: string): { tool: string; args: Record<string, unknown> } | undefined {
  const m = /^(\S+)\s*([\s\S]*)$/.exec(arg);
  if (!m || !m[1]) return undefined;
  const raw = (m[2] ?? "").trim();
  if (!raw) return { tool: m[1], args: {} };
  try {
    const parsed: unknown = JSON.parse(raw);
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) {
      return { tool: m[1], args: parsed as Record<string, unknown> };
    }
  } catch {
    // fall through
  }
  return undefined;
}

/** The default script (exported so tests can unit-check it without a server). */
export function decideReply(conv: FakeLlmConversation): FakeLlmReply {
  const msgs = conv.messages;
  let userIdx = -1;
  let script: Script | undefined;
  for (let i = msgs.length - 1; i >= 0; i--) {
    const m = msgs[i];
    if (!m || m.role !== "user") continue;
    if (m.text.trimStart().startsWith(INTERNAL_CONTEXT_PREFIX)) continue;
    const s = parseScript(m.text);
    if (s) {
      userIdx = i;
      script = s;
      break;
    }
  }
  if (!script) return { kind: "text", text: "OK. Nothing to do here." };
  if (script.kind === "SAY") return { kind: "text", text: script.arg || "OK." };

  const after = msgs.slice(userIdx + 1);
  const toolResults = after.filter((m) => m.role === "tool");
  if (toolResults.length > 0) {
    const last = toolResults[toolResults.length - 1]?.text ?? "";
    return { kind: "text", text: `All done. tool said: ${last.slice(0, TOOL_RESULT_QUOTE_CHARS)}` };
  }

  let call: { tool: string; args: Record<string, unknown> } | undefined;
  if (script.kind === "RUN") call = { tool: "exec", args: { command: script.arg } };
  else call = parseRunTool(script.arg);
  if (!call) return { kind: "text", text: `I could not parse the RUNTOOL line: ${script.arg.slice(0, 200)}` };
  if (!conv.tools.includes(call.tool)) {
    return { kind: "text", text: `The tool ${call.tool} is not available in this request, so nothing was done. Offered: ${conv.tools.join(", ")}` };
  }
  return { kind: "tool", tool: call.tool, args: call.args };
}

// ---------------------------------------------------------------------------------------------
// API flavour adapters

function toolNamesFromChat(tools: unknown): string[] {
  if (!Array.isArray(tools)) return [];
  const names: string[] = [];
  for (const t of tools) {
    if (!t || typeof t !== "object") continue;
    const rec = t as { name?: unknown; function?: { name?: unknown } };
    const name = rec.function?.name ?? rec.name;
    if (typeof name === "string") names.push(name);
  }
  return names;
}

function conversationFromChat(body: Record<string, unknown>): FakeLlmConversation {
  const messages = Array.isArray(body.messages) ? body.messages : [];
  return {
    messages: messages.map((m) => {
      const rec = (m ?? {}) as { role?: unknown; content?: unknown };
      return { role: String(rec.role ?? ""), text: contentText(rec.content) };
    }),
    tools: toolNamesFromChat(body.tools),
  };
}

function conversationFromResponses(body: Record<string, unknown>): FakeLlmConversation {
  const out: FakeLlmConversation["messages"] = [];
  const input = body.input;
  if (typeof input === "string") out.push({ role: "user", text: input });
  else if (Array.isArray(input)) {
    for (const item of input) {
      if (!item || typeof item !== "object") continue;
      const it = item as Record<string, unknown>;
      if (it.type === "function_call_output") out.push({ role: "tool", text: contentText(it.output) });
      else if (it.type === "function_call") out.push({ role: "assistant", text: "" });
      else if (typeof it.role === "string") out.push({ role: it.role, text: contentText(it.content) });
    }
  }
  return { messages: out, tools: toolNamesFromChat(body.tools) };
}

// ---------------------------------------------------------------------------------------------
// Response writers

let idCounter = 0;
function newId(prefix: string): string {
  idCounter += 1;
  return `${prefix}${Date.now().toString(36)}${idCounter}`;
}

const USAGE = { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 };

function splitInTwo(s: string): string[] {
  if (s.length < 2) return [s];
  const mid = Math.floor(s.length / 2);
  return [s.slice(0, mid), s.slice(mid)];
}

function sse(res: ServerResponse): (data: unknown) => void {
  res.writeHead(200, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-cache",
    connection: "keep-alive",
  });
  return (data) => res.write(`data: ${typeof data === "string" ? data : JSON.stringify(data)}\n\n`);
}

function writeChatCompletion(res: ServerResponse, body: Record<string, unknown>, reply: FakeLlmReply): void {
  const id = newId("chatcmpl-");
  const created = Math.floor(Date.now() / 1000);
  const model = typeof body.model === "string" ? body.model : FAKE_MODEL_ID;
  const callId = newId("call_");
  const args = reply.kind === "tool" ? JSON.stringify(reply.args) : "";

  if (body.stream !== true) {
    const message =
      reply.kind === "tool"
        ? {
            role: "assistant",
            content: null,
            tool_calls: [{ id: callId, type: "function", function: { name: reply.tool, arguments: args } }],
          }
        : { role: "assistant", content: reply.text };
    const json = JSON.stringify({
      id,
      object: "chat.completion",
      created,
      model,
      choices: [{ index: 0, message, finish_reason: reply.kind === "tool" ? "tool_calls" : "stop" }],
      usage: USAGE,
    });
    res.writeHead(200, { "content-type": "application/json" });
    res.end(json);
    return;
  }

  const send = sse(res);
  const chunk = (delta: Record<string, unknown>, finish: string | null) =>
    send({ id, object: "chat.completion.chunk", created, model, choices: [{ index: 0, delta, finish_reason: finish }] });
  chunk({ role: "assistant", content: "" }, null);
  if (reply.kind === "tool") {
    chunk({ tool_calls: [{ index: 0, id: callId, type: "function", function: { name: reply.tool, arguments: "" } }] }, null);
    for (const part of splitInTwo(args)) chunk({ tool_calls: [{ index: 0, function: { arguments: part } }] }, null);
    chunk({}, "tool_calls");
  } else {
    for (const part of splitInTwo(reply.text)) chunk({ content: part }, null);
    chunk({}, "stop");
  }
  send({ id, object: "chat.completion.chunk", created, model, choices: [], usage: USAGE });
  send("[DONE]");
  res.end();
}

function writeResponses(res: ServerResponse, body: Record<string, unknown>, reply: FakeLlmReply): void {
  const respId = newId("resp_");
  const itemId = newId(reply.kind === "tool" ? "fc_" : "msg_");
  const callId = newId("call_");
  const model = typeof body.model === "string" ? body.model : FAKE_MODEL_ID;
  const created_at = Math.floor(Date.now() / 1000);
  const usage = { input_tokens: 10, output_tokens: 5, total_tokens: 15 };
  const args = reply.kind === "tool" ? JSON.stringify(reply.args) : "";
  const doneItem =
    reply.kind === "tool"
      ? { type: "function_call", id: itemId, call_id: callId, name: reply.tool, arguments: args, status: "completed" }
      : {
          type: "message",
          id: itemId,
          role: "assistant",
          status: "completed",
          content: [{ type: "output_text", text: reply.text, annotations: [] }],
        };
  const base = { id: respId, object: "response", created_at, model };
  const completed = { ...base, status: "completed", output: [doneItem], usage };

  if (body.stream !== true) {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify(completed));
    return;
  }
  const send = sse(res);
  let seq = 0;
  const ev = (type: string, data: Record<string, unknown>) => send({ type, sequence_number: seq++, ...data });
  ev("response.created", { response: { ...base, status: "in_progress", output: [] } });
  ev("response.in_progress", { response: { ...base, status: "in_progress", output: [] } });
  if (reply.kind === "tool") {
    ev("response.output_item.added", {
      output_index: 0,
      item: { type: "function_call", id: itemId, call_id: callId, name: reply.tool, arguments: "", status: "in_progress" },
    });
    for (const part of splitInTwo(args)) {
      ev("response.function_call_arguments.delta", { item_id: itemId, output_index: 0, delta: part });
    }
    ev("response.function_call_arguments.done", { item_id: itemId, output_index: 0, arguments: args });
  } else {
    ev("response.output_item.added", {
      output_index: 0,
      item: { type: "message", id: itemId, role: "assistant", status: "in_progress", content: [] },
    });
    ev("response.content_part.added", {
      item_id: itemId,
      output_index: 0,
      content_index: 0,
      part: { type: "output_text", text: "", annotations: [] },
    });
    for (const part of splitInTwo(reply.text)) {
      ev("response.output_text.delta", { item_id: itemId, output_index: 0, content_index: 0, delta: part });
    }
    ev("response.output_text.done", { item_id: itemId, output_index: 0, content_index: 0, text: reply.text });
    ev("response.content_part.done", {
      item_id: itemId,
      output_index: 0,
      content_index: 0,
      part: { type: "output_text", text: reply.text, annotations: [] },
    });
  }
  ev("response.output_item.done", { output_index: 0, item: doneItem });
  ev("response.completed", { response: completed });
  res.end();
}

// ---------------------------------------------------------------------------------------------
// Server

const MAX_BODY_BYTES = 64 * 1024 * 1024;

/** A request's body as text, refused past `maxBytes` (shared by the harness's fake servers). */
export function readBody(req: IncomingMessage, maxBytes = MAX_BODY_BYTES): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > maxBytes) {
        reject(new Error("request body too large"));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(value));
}

export async function startFakeLlm(opts: FakeLlmOptions = {}): Promise<FakeLlmHandle> {
  const requests: FakeLlmRequestRecord[] = [];
  let seq = 0;

  const record = (rec: FakeLlmRequestRecord): void => {
    requests.push(rec);
    if (opts.logFile) {
      try {
        appendFileSync(opts.logFile, `${JSON.stringify(rec)}\n`);
      } catch {
        // logging is best effort
      }
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    const method = req.method ?? "GET";
    const at = Date.now();

    if (method === "GET" && (path === "/v1/models" || path === "/models")) {
      record({ seq: ++seq, at, method, path, body: undefined, tools: [] });
      sendJson(res, 200, {
        object: "list",
        data: [{ id: FAKE_MODEL_ID, object: "model", created: Math.floor(at / 1000), owned_by: "fake" }],
      });
      return;
    }

    const isChat = path === "/v1/chat/completions" || path === "/chat/completions";
    const isResponses = path === "/v1/responses" || path === "/responses";
    if (method !== "POST" || (!isChat && !isResponses)) {
      record({ seq: ++seq, at, method, path, body: undefined, tools: [] });
      sendJson(res, 404, { error: { message: `fake-llm: no route ${method} ${path}`, type: "not_found" } });
      return;
    }

    let body: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(await readBody(req));
      if (!parsed || typeof parsed !== "object") throw new Error("body is not an object");
      body = parsed as Record<string, unknown>;
    } catch (err) {
      record({ seq: ++seq, at, method, path, body: undefined, tools: [] });
      sendJson(res, 400, { error: { message: `fake-llm: bad JSON body: ${String(err)}`, type: "invalid_request" } });
      return;
    }

    const conv = isChat ? conversationFromChat(body) : conversationFromResponses(body);
    const reply = opts.respond?.(conv) ?? decideReply(conv);
    record({ seq: ++seq, at, method, path, body, tools: conv.tools, reply });
    if (isChat) writeChatCompletion(res, body, reply);
    else writeResponses(res, body, reply);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: { message: `fake-llm: ${String(err)}`, type: "server_error" } });
      else res.end();
    });
  });
  // OpenClaw's fetch (undici) pools keep-alive sockets. A short server keepAliveTimeout races with socket
  // reuse and fails the next model call with UND_ERR_SOCKET, so keep idle sockets open for long; close()
  // drops them explicitly.
  server.keepAliveTimeout = 120_000;
  server.headersTimeout = 125_000;

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  let closing: Promise<void> | undefined;
  return {
    port,
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
