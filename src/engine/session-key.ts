// Typed OpenClaw session-key parsing: agent:<agentId>:<rest>, main, cron:/hook:/node- keys,
// direct/group/channel scopes, thread/topic suffixes, subagents. Pure.

export type SessionKind = "main" | "direct" | "group" | "channel" | "cron" | "hook" | "node" | "subagent" | "other";

export interface ParsedSessionKey {
  readonly raw: string;
  /** Canonical form: "main" → "agent:main:main", bare "x:y" → "agent:main:x:y". */
  readonly canonical: string;
  readonly kind: SessionKind;
  readonly agentId?: string;
  readonly channel?: string;
  /** Peer/group/channel id within the channel. */
  readonly peerId?: string;
  readonly threadId?: string;
  readonly topicId?: string;
  readonly subagent?: string;
}

const SCOPE_KIND: Readonly<Record<string, SessionKind>> = { dm: "direct", direct: "direct", group: "group", channel: "channel", room: "channel", slash: "direct" };

/** Parses a session key; never throws (unknown shapes are kind "other"). */
export function parseSessionKey(key: string): ParsedSessionKey {
  const raw = key.trim();
  const lower = raw.toLowerCase();
  if (lower === "" || lower === "global") return { raw, canonical: raw || "global", kind: "other" };
  if (lower === "main") return { raw, canonical: "agent:main:main", kind: "main", agentId: "main" };
  if (lower.startsWith("cron:")) return { raw, canonical: raw, kind: "cron", channel: "internal" };
  if (lower.startsWith("hook:")) return { raw, canonical: raw, kind: "hook", channel: "internal" };
  if (lower.startsWith("node-") || lower.startsWith("node:")) return { raw, canonical: raw, kind: "node", channel: "internal" };
  const canonical = lower.startsWith("agent:") ? raw : raw.includes(":") ? `agent:main:${raw}` : `agent:main:${raw}`;
  const parts = canonical.split(":");
  const agentId = parts[1];
  const rest = parts.slice(2);
  const base = { raw, canonical, ...(agentId ? { agentId } : {}) };
  if (rest.length === 0) return { ...base, kind: "other" };
  if (rest.length === 1) return { ...base, kind: rest[0]!.toLowerCase() === "main" ? "main" : "direct" };
  const subIdx = rest.findIndex((p) => p.toLowerCase() === "subagent");
  if (subIdx >= 0) return { ...base, kind: "subagent", ...(rest[subIdx + 1] ? { subagent: rest[subIdx + 1] } : {}) };
  const head = rest[0]!.toLowerCase();
  if (head === "cron" || head === "hook" || head === "node") return { ...base, kind: head };
  const channel = head;
  const scope = rest[1]?.toLowerCase() ?? "";
  const kind = SCOPE_KIND[scope] ?? "other";
  const out: { -readonly [K in keyof ParsedSessionKey]?: ParsedSessionKey[K] } = { ...base, kind, channel };
  // <channel>:<scope>:<id>[:thread:<id>][:topic:<id>]
  const tail = rest.slice(2);
  const idParts: string[] = [];
  for (let i = 0; i < tail.length; i++) {
    const p = tail[i]!.toLowerCase();
    if ((p === "thread" || p === "topic") && tail[i + 1] !== undefined) {
      if (p === "thread") out.threadId = tail[i + 1]!;
      else out.topicId = tail[i + 1]!;
      i++;
    } else idParts.push(tail[i]!);
  }
  if (idParts.length > 0) out.peerId = idParts.join(":");
  return out as ParsedSessionKey;
}
