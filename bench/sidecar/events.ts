// Event frames for the sidecar load test, in the shapes the real Gateway sends (recorded in
// test/fixtures/frames/): `session.message` for inbound user messages and `session.tool` phase
// "start" for tool calls with their arguments, across many sessions (operator webchat sessions and
// Discord guild channels). Content is the engine bench's realistic mix (corpus prompts, commands,
// URLs, or the built-in generated mix): prompts become messages, commands `exec` calls, URLs
// `web_fetch` calls. Payloads are pre-serialized in two halves around the send stamp, so the
// generator only concatenates strings at send time.
//
// The stamp `b<step>_<seq>_<sendMs>` is the messageId / toolCallId (the sidecar's action ids carry
// it; the child reads it back at decision time). Content is not changed. The pipeline's idempotency
// cache keys on content + session; with N inputs and S sessions a pair repeats only every lcm(N, S)
// events, far beyond the cache's 5,000 entries, so every event is a real evaluation (the child
// reports idempotency hits separately anyway).

import { realisticMix } from "../engine/inputs.ts";

export interface EventTemplate {
  readonly event: "session.message" | "session.tool";
  /** payload JSON = head + stamp + tail */
  readonly head: string;
  readonly tail: string;
  readonly kind: "message" | "exec" | "web_fetch";
}

const operatorParticipant = [{ identity: { type: "observation", pluginId: null, accountId: null, senderKind: "unknown", id: "gateway-client" } }];

function sessionOf(i: number): { key: string; row: Record<string, unknown>; extra: Record<string, unknown>; metadata?: Record<string, unknown> } {
  if (i % 4 === 3) {
    const chan = String(100_000 + i);
    const key = `agent:main:discord:channel:${chan}`;
    return {
      key,
      row: { key, kind: "channel", chatType: "channel", agentId: "main", participants: [{ identity: { type: "channel", pluginId: "discord", accountId: "default", senderKind: "user", id: String(500 + (i % 7)) } }], effectiveQueueMode: "steer" },
      extra: {},
      metadata: { provider: "discord", surface: "discord", originatingChannel: "discord", originatingTo: `channel:${chan}`, senderId: String(500 + (i % 7)), guildId: "42", botUserId: "999", wasMentioned: true },
    };
  }
  const key = `agent:main:bench-${i}`;
  return {
    key,
    row: { key, kind: "direct", chatType: "direct", classification: "direct", agentId: "main", isMain: false, participants: operatorParticipant, effectiveQueueMode: "steer", createdVia: "operator" },
    extra: { participants: operatorParticipant, kind: "direct", chatType: "direct" },
  };
}

const MARK = "\u0000STAMP\u0000";

function split(payload: Record<string, unknown>): { head: string; tail: string } {
  const json = JSON.stringify(payload);
  const at = json.indexOf(MARK.replace(/\u0000/g, "\\u0000"));
  if (at < 0) throw new Error("stamp marker missing");
  return { head: json.slice(0, at), tail: json.slice(at + JSON.stringify(MARK).length - 2) };
}

/**
 * Builds templates: content i goes to session (i + pass * 97) % sessions in each of `passes`
 * passes, so a (content, session) pair recurs only every passes × N events (beyond the
 * idempotency cache's 5,000 entries).
 */
export function eventTemplates(sessions = 256, passes = 3): { templates: EventTemplate[]; source: string } {
  const mix = realisticMix();
  const templates: EventTemplate[] = [];
  const ts = 1_795_493_279_072;
  const inputs = Array.from({ length: passes }, () => mix.inputs).flat();
  inputs.forEach((input, j) => {
    const i = j % mix.inputs.length;
    const s = sessionOf((i + Math.floor(j / mix.inputs.length) * 97) % sessions);
    if (typeof input.text === "string") {
      const payload = {
        sessionKey: s.key,
        agentId: "main",
        message: {
          role: "user",
          content: input.text,
          timestamp: ts,
          __openclaw: { ...(s.metadata ? {} : { transport: { clients: [{ id: "gateway-client", mode: "backend" }] } }), id: MARK, seq: 1 },
        },
        messageId: MARK,
        messageSeq: 1,
        ...(s.metadata ? { metadata: s.metadata } : {}),
        session: s.row,
        sessionId: `sid-${s.key}`,
        ...s.extra,
      };
      // Both occurrences of the marker carry the stamp: split on the messageId one and fix the other.
      const json = JSON.stringify(payload).replace(`"id":"${MARK.replace(/\u0000/g, "\\u0000")}"`, `"id":"bench-${j}"`);
      templates.push({ event: "session.message", kind: "message", ...split(JSON.parse(json) as Record<string, unknown>) });
      return;
    }
    const tool = typeof input.command === "string" ? "exec" : "web_fetch";
    const args = tool === "exec" ? { command: input.command } : { url: input.url };
    const payload = {
      runId: `run-${j}`,
      stream: "tool",
      data: { phase: "start", name: tool, toolCallId: MARK, args },
      sessionKey: s.key,
      agentId: "main",
      seq: 8,
      ts,
      isHeartbeat: false,
      session: s.row,
      sessionId: `sid-${s.key}`,
      ...s.extra,
    };
    templates.push({ event: "session.tool", kind: tool, ...split(payload) });
  });
  return { templates, source: mix.source };
}

/** The payload JSON of template t with its stamp. */
export function payloadOf(t: EventTemplate, stamp: string): string {
  return t.head + stamp + t.tail;
}
