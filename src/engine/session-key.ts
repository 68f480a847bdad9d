// Typed OpenClaw session-key parsing: agent:<agentId>:<rest>, main, cron:/hook:/node- keys,
// direct/group/channel scopes (with an optional account segment), thread/topic suffixes,
// subagents. Channel and scope aliases are normalized (`tg` → telegram, `dm` → direct). Pure.
//
// Shapes seen on a real Gateway 2026.9.6 (docs/channels/channel-routing.md, session.dmScope):
//   agent:main:main                                   main session (DMs collapse here by default)
//   agent:main:main:thread:1777244748                 main session, thread
//   agent:main:demo                                   operator/webchat session (chat.send "demo")
//   agent:main:telegram:direct:123                    per-peer / per-channel-peer DM
//   agent:main:telegram:acct1:direct:123              per-account-channel-peer DM
//   agent:main:discord:channel:123456:thread:987654   channel thread
//   agent:main:telegram:group:-1001234567890:topic:42 forum topic
//   agent:main:discord:slash:42                       native slash command (a direct interaction)
//   agent:main:subagent:search-helper                 subagent
//   agent:main:cron:nightly:run:8821, cron:x, hook:x, node-x

export type SessionKind = "main" | "direct" | "group" | "channel" | "cron" | "hook" | "node" | "subagent" | "other";

/** Normalized chat type: where the message was said. */
export type ChatType = "direct" | "group" | "channel" | "thread" | "topic";

export interface ParsedSessionKey {
  readonly raw: string;
  /** Canonical form: "main" → "agent:main:main", bare "x:y" → "agent:main:x:y". */
  readonly canonical: string;
  readonly kind: SessionKind;
  readonly agentId?: string;
  /** Canonical channel id (aliases resolved: tg → telegram, teams → msteams, gchat → googlechat). */
  readonly channel?: string;
  /** Channel account segment (per-account-channel-peer keys). */
  readonly accountId?: string;
  /** Peer/group/channel id within the channel. */
  readonly peerId?: string;
  readonly threadId?: string;
  readonly topicId?: string;
  readonly subagent?: string;
  /** direct/group/channel, or thread/topic when the key has such a suffix. Absent for cron/hook/node. */
  readonly chatType?: ChatType;
}

/** Channel aliases → canonical OpenClaw channel ids. */
export const CHANNEL_ALIASES: Readonly<Record<string, string>> = {
  tg: "telegram",
  telegram: "telegram",
  teams: "msteams",
  msteams: "msteams",
  "ms-teams": "msteams",
  microsoftteams: "msteams",
  gchat: "googlechat",
  "google-chat": "googlechat",
  googlechat: "googlechat",
  google_chat: "googlechat",
  wa: "whatsapp",
  whatsapp: "whatsapp",
  imsg: "imessage",
  imessage: "imessage",
  bluebubbles: "imessage",
  dc: "discord",
  discord: "discord",
  slack: "slack",
  signal: "signal",
  matrix: "matrix",
  irc: "irc",
  line: "line",
  webchat: "webchat",
  web: "webchat",
};

/** Canonical channel id for a channel name or alias (lower-cased, trimmed; unknown names pass through). */
export function normalizeChannel(name: string | undefined | null): string | undefined {
  if (name === undefined || name === null) return undefined;
  const n = String(name).trim().toLowerCase();
  if (n === "") return undefined;
  return CHANNEL_ALIASES[n] ?? n;
}

const SCOPE_KIND: Readonly<Record<string, SessionKind>> = {
  dm: "direct",
  direct: "direct",
  private: "direct",
  im: "direct",
  slash: "direct",
  group: "group",
  mpim: "group",
  supergroup: "group",
  channel: "channel",
  room: "channel",
  space: "channel",
};

/** Normalizes a chat type word from a payload (`dm`, `private`, `supergroup`, `room`, …). */
export function normalizeChatType(v: unknown): ChatType | undefined {
  if (typeof v !== "string") return undefined;
  const s = v.trim().toLowerCase();
  if (s === "thread") return "thread";
  if (s === "topic" || s === "forum") return "topic";
  const k = SCOPE_KIND[s];
  return k === "direct" || k === "group" || k === "channel" ? k : undefined;
}

// Every decision parses its session key several times (observer, scheduler, idempotency, event);
// the parse is pure, so the last few thousand keys are remembered (the result is frozen).
const parsedCache = new Map<string, ParsedSessionKey>();
const PARSED_CACHE_MAX = 4096;

/** Parses a session key; never throws (unknown shapes are kind "other"). The result is frozen and may be shared. */
export function parseSessionKey(key: string): ParsedSessionKey {
  const k = String(key ?? "");
  let hit = parsedCache.get(k);
  if (hit === undefined) {
    if (parsedCache.size >= PARSED_CACHE_MAX) parsedCache.clear();
    hit = Object.freeze(parseSessionKeyUncached(k));
    parsedCache.set(k, hit);
  }
  return hit;
}

function parseSessionKeyUncached(key: string): ParsedSessionKey {
  const raw = String(key ?? "").trim();
  const lower = raw.toLowerCase();
  if (lower === "" || lower === "global") return { raw, canonical: raw || "global", kind: "other" };
  if (lower === "main") return { raw, canonical: "agent:main:main", kind: "main", agentId: "main", chatType: "direct" };
  if (lower.startsWith("cron:")) return { raw, canonical: raw, kind: "cron", channel: "internal" };
  if (lower.startsWith("hook:")) return { raw, canonical: raw, kind: "hook", channel: "internal" };
  if (lower.startsWith("node-") || lower.startsWith("node:")) return { raw, canonical: raw, kind: "node", channel: "internal" };
  const canonical = lower.startsWith("agent:") ? raw : `agent:main:${raw}`;
  const parts = canonical.split(":");
  const agentId = parts[1];
  const rest = parts.slice(2);
  const base = { raw, canonical, ...(agentId ? { agentId } : {}) };
  if (rest.length === 0) return { ...base, kind: "other" };
  const head = rest[0]!.toLowerCase();
  if (head === "subagent") return { ...base, kind: "subagent", ...(rest[1] ? { subagent: rest.slice(1).join(":") } : {}) };
  if (head === "cron" || head === "hook" || head === "node") return { ...base, kind: head };
  const subIdx = rest.findIndex((p) => p.toLowerCase() === "subagent");
  if (subIdx > 0) return { ...base, kind: "subagent", ...(rest[subIdx + 1] ? { subagent: rest.slice(subIdx + 1).join(":") } : {}) };
  // Thread/topic suffixes apply to every shape (main, channel sessions).
  const { body, threadId, topicId } = splitSuffixes(rest);
  const suffix = { ...(threadId !== undefined ? { threadId } : {}), ...(topicId !== undefined ? { topicId } : {}) };
  const chatTypeFor = (k: ChatType): ChatType => (topicId !== undefined ? "topic" : threadId !== undefined ? "thread" : k);
  if (body.length === 1) {
    const only = body[0]!.toLowerCase();
    if (only === "main") return { ...base, ...suffix, kind: "main", chatType: chatTypeFor("direct") };
    // agent:main:<name>: an operator/webchat session (the Gateway reports kind/chatType "direct").
    return { ...base, ...suffix, kind: "direct", chatType: chatTypeFor("direct") };
  }
  if (body.length === 0) return { ...base, ...suffix, kind: "other" };
  // <channel>[:<account>]:<scope>:<id…>
  const channel = normalizeChannel(body[0]) ?? head;
  let scopeIdx = -1;
  for (let i = 1; i < Math.min(body.length, 3); i++) {
    if (SCOPE_KIND[body[i]!.toLowerCase()] !== undefined) {
      scopeIdx = i;
      break;
    }
  }
  if (scopeIdx < 0) return { ...base, ...suffix, kind: "other", channel };
  const kind = SCOPE_KIND[body[scopeIdx]!.toLowerCase()]!;
  const accountId = scopeIdx === 2 ? body[1] : undefined;
  const idParts = body.slice(scopeIdx + 1);
  return {
    ...base,
    ...suffix,
    kind,
    channel,
    ...(accountId ? { accountId } : {}),
    ...(idParts.length > 0 ? { peerId: idParts.join(":") } : {}),
    chatType: chatTypeFor(kind as ChatType),
  };
}

function splitSuffixes(rest: readonly string[]): { body: string[]; threadId?: string; topicId?: string } {
  const body: string[] = [];
  let threadId: string | undefined;
  let topicId: string | undefined;
  for (let i = 0; i < rest.length; i++) {
    const p = rest[i]!.toLowerCase();
    // A suffix needs a value and must not be the channel position (index 0) of the key.
    if (i > 0 && (p === "thread" || p === "topic") && rest[i + 1] !== undefined) {
      if (p === "thread") threadId = rest[i + 1]!;
      else topicId = rest[i + 1]!;
      i++;
    } else body.push(rest[i]!);
  }
  return { body, ...(threadId !== undefined ? { threadId } : {}), ...(topicId !== undefined ? { topicId } : {}) };
}
