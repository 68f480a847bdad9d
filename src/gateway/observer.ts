// Observed Gateway traffic → Actions. With `sessions.subscribe {}` an operator connection receives
// `session.message` (every transcript row of every session) and `session.tool` (tool start args,
// updates and results of every run). Each inbound user message becomes a `prompt` action, each tool
// start a `tool_call` action with the real arguments, each tool result a `tool_output` action.
// Channel context comes from the session key and the session row through the channel drivers.
// Pure: no I/O. Malformed payloads throw FrameError("malformed"), too-large content
// FrameError("oversized"); the sidecar logs, counts and skips them.

import { newActionId } from "../engine/action.ts";
import { normalizeChannel, normalizeChatType, parseSessionKey } from "../engine/session-key.ts";
import type { Action, ActionContext } from "../engine/types.ts";
import { asRec, type Rec } from "./drivers/base.ts";
import { normalizeMessage, type NormalizedMessage } from "./drivers/index.ts";

export type QueueMode = "followup" | "steer" | "collect" | "steer-backlog" | "interrupt";
export interface ObservedMeta {
  readonly queueMode?: QueueMode;
  readonly groupActivation?: "mention" | "always";
}

export class FrameError extends Error {
  readonly reason: "malformed" | "oversized";
  constructor(reason: "malformed" | "oversized", message: string) {
    super(message);
    this.reason = reason;
  }
}

export type Observation =
  | { readonly type: "message"; readonly action: Action; readonly meta: ObservedMeta; readonly message: NormalizedMessage }
  | { readonly type: "tool_start"; readonly action: Action; readonly meta: ObservedMeta; readonly runId?: string; readonly toolCallId?: string; readonly tool: string }
  | {
      readonly type: "tool_result";
      readonly action?: Action;
      readonly meta: ObservedMeta;
      readonly runId?: string;
      readonly toolCallId?: string;
      readonly tool: string;
      /** Set when the plugin (before_tool_call) blocked the call: proof the hook ran. */
      readonly deniedReason?: string;
    };

/** OpenClaw's synthetic context rows; never a person's message. */
export const INTERNAL_CONTEXT_PREFIX = "<<<BEGIN_OPENCLAW_INTERNAL_CONTEXT>>>";
const QUEUE_MODES = new Set<string>(["followup", "steer", "collect", "steer-backlog", "interrupt"]);

function str(v: unknown): string | undefined {
  if (typeof v === "string" && v.trim() !== "") return v;
  if (typeof v === "number" && Number.isFinite(v)) return String(v);
  return undefined;
}

/** Flattens message content (string, or parts `[{type:"text",text}]`) to text. */
export function contentText(content: unknown): string | undefined {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return undefined;
  const parts: string[] = [];
  for (const p of content) {
    if (typeof p === "string") parts.push(p);
    const r = asRec(p);
    if (r && typeof r.text === "string" && (r.type === undefined || r.type === "text" || r.type === "input_text" || r.type === "output_text")) parts.push(r.text);
  }
  return parts.length > 0 ? parts.join("\n") : undefined;
}

/** Image/file parts of a content array as attachment-like records. */
function contentAttachments(content: unknown): Rec[] {
  if (!Array.isArray(content)) return [];
  const out: Rec[] = [];
  for (const p of content) {
    const r = asRec(p);
    if (!r || r.type === "text") continue;
    const url = str(r.url) ?? str(r.image_url) ?? str(asRec(r.image_url)?.url) ?? str(r.source && asRec(r.source)?.url);
    if (url) out.push({ kind: str(r.type) ?? "file", url, ...(str(r.mimeType) ? { mimeType: r.mimeType } : {}) });
  }
  return out;
}

function approxSize(v: unknown): number {
  if (typeof v === "string") return v.length;
  try {
    return JSON.stringify(v)?.length ?? 0;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

function metaFromRow(row: Rec | undefined): ObservedMeta {
  if (!row) return {};
  const q = str(row.effectiveQueueMode) ?? str(row.queueMode);
  const g = str(row.groupActivation) ?? str(row.effectiveGroupActivation);
  return {
    ...(q && QUEUE_MODES.has(q) ? { queueMode: q as QueueMode } : {}),
    ...(g === "mention" || g === "always" ? { groupActivation: g } : {}),
  };
}

/** The channel a session's traffic belongs to, from the row, the payload and the key. */
export function channelOf(payload: Rec, row: Rec | undefined, message?: Rec): string | undefined {
  const oc = message ? asRec(message.__openclaw) : undefined;
  const dc = row ? asRec(row.deliveryContext) : undefined;
  const origin = row ? asRec(row.origin) : undefined;
  const key = str(payload.sessionKey) ?? (row ? str(row.key) : undefined);
  const parsed = key ? parseSessionKey(key) : undefined;
  const parts = row && Array.isArray(row.participants) ? row.participants : [];
  const pluginId = parts.length === 1 ? str(asRec(asRec(parts[0])?.identity)?.pluginId) : undefined;
  const meta = asRec(payload.metadata) ?? (message ? asRec(message.metadata) : undefined);
  const explicit =
    str(oc?.channel) ??
    str(payload.channel) ??
    str(message?.channel) ??
    str(meta?.originatingChannel) ??
    str(meta?.provider) ??
    str(meta?.surface) ??
    str(dc?.channel) ??
    str(row?.lastChannel) ??
    str(origin?.provider) ??
    str(origin?.channel) ??
    (parsed?.channel && parsed.channel !== "internal" ? parsed.channel : undefined) ??
    pluginId;
  if (explicit) return normalizeChannel(explicit);
  // Operator chat (chat.send / agent RPC): the Gateway reports these turns as channel "webchat".
  const transport = oc ? asRec(oc.transport) : undefined;
  if ((transport && Array.isArray(transport.clients)) || str(row?.createdVia) === "operator") return "webchat";
  return undefined;
}

function baseContext(payload: Rec, row: Rec | undefined, source: string): { ctx: ActionContext; key?: string } {
  const key = str(payload.sessionKey) ?? (row ? str(row.key) : undefined);
  const runId = str(payload.runId);
  const agentId = str(payload.agentId) ?? (row ? str(row.agentId) : undefined);
  return {
    ...(key ? { key } : {}),
    ctx: { ...(key ? { sessionKey: key } : {}), source, ...(runId ? { runId } : {}), ...(agentId ? { agentId } : {}) },
  };
}

/**
 * `session.message` → a prompt action for inbound user rows; undefined for assistant/tool rows
 * and OpenClaw's internal context rows.
 */
export function observeSessionMessage(payload: unknown, maxBytes: number): Observation | undefined {
  const p = asRec(payload);
  if (!p) throw new FrameError("malformed", "session.message payload is not an object");
  const message = asRec(p.message);
  if (!message) throw new FrameError("malformed", "session.message without a message object");
  if (message.role !== "user") return undefined;
  if (approxSize(message.content) > maxBytes) throw new FrameError("oversized", `session.message content larger than ${maxBytes} bytes`);
  const text = contentText(message.content);
  if (text !== undefined && text.trimStart().startsWith(INTERNAL_CONTEXT_PREFIX)) return undefined;
  const row = asRec(p.session);
  const oc = asRec(message.__openclaw);
  const { ctx, key } = baseContext(p, row, "gateway:session.message");
  const channel = channelOf(p, row, message);
  const parsedKey = parseSessionKey(key ?? "");
  const parts = row && Array.isArray(row.participants) ? row.participants : [];
  const identity = parts.length === 1 ? asRec(asRec(parts[0])?.identity) : undefined;
  const identityRec: Rec = identity ? { senderId: identity.id, accountId: identity.accountId } : {};
  const attachments = contentAttachments(message.content);
  const sources: Rec[] = [
    p,
    message,
    ...(oc ? [oc] : []),
    ...(asRec(p.metadata) ? [asRec(p.metadata)!] : []),
    ...(asRec(message.metadata) ? [asRec(message.metadata)!] : []),
    ...(attachments.length > 0 ? [{ attachments }] : []),
    ...(row ? [rowWithoutIdentity(row)] : []),
    ...(row && asRec(row.deliveryContext) ? [asRec(row.deliveryContext)!] : []),
    ...(row && asRec(row.origin) ? [asRec(row.origin)!] : []),
    identityRec,
  ];
  const normalized = normalizeMessage(channel, { ...(key ? { sessionKey: key } : {}), key: parsedKey, ...(text !== undefined ? { text } : {}), sources });
  const messageId = str(p.messageId) ?? str(oc?.id);
  const idem = str(message.idempotencyKey) ?? str(oc?.idempotencyKey);
  const runId = ctx.runId ?? (idem?.endsWith(":user") ? idem.slice(0, -5) : undefined);
  const context: ActionContext = {
    ...ctx,
    channel: normalized.channel,
    chatType: normalized.chatType,
    ...(normalized.sender ? { sender: normalized.sender } : {}),
    ...(normalized.mentioned !== undefined ? { wasMentioned: normalized.mentioned } : {}),
    ...(normalized.accountId ? { accountId: normalized.accountId } : {}),
    ...(normalized.threadId ?? normalized.topicId ? { threadId: (normalized.threadId ?? normalized.topicId)! } : {}),
    ...(normalized.conversationId ? { to: normalized.conversationId } : {}),
    ...(runId ? { runId } : {}),
  };
  const attachmentParams = normalized.attachments.length > 0 ? { attachments: normalized.attachments.map((a) => ({ ...a })) } : undefined;
  const action: Action = {
    id: messageId ? `gw-msg-${messageId}` : newActionId("gw-msg"),
    kind: "prompt",
    ...(text !== undefined ? { text } : {}),
    ...(attachmentParams ? { params: attachmentParams } : {}),
    context,
    raw: {
      event: "session.message",
      sessionKey: key,
      messageId,
      channel: normalized.channel,
      chatType: normalized.chatType,
      sender: normalized.sender,
      wasMentioned: normalized.mentioned,
      message: { role: message.role, content: message.content },
    },
  };
  return { type: "message", action, meta: metaFromRow(row), message: normalized };
}

function rowWithoutIdentity(row: Rec): Rec {
  // The row's `kind`/`chatType` are useful; its participant list is handled separately.
  const { participants: _p, expandedParticipants: _e, ...rest } = row as Record<string, unknown>;
  return rest;
}

/** Text of a tool result (`result.content` text parts, else details.aggregated / error). */
export function toolResultText(result: unknown): string | undefined {
  const r = asRec(result);
  if (!r) return typeof result === "string" ? result : undefined;
  const t = contentText(r.content);
  if (t !== undefined) return t;
  const d = asRec(r.details);
  return str(d?.aggregated) ?? str(d?.error) ?? str(r.error);
}

/** `session.tool` (or an agent `stream:"tool"` event) → tool_call / tool_output observations. */
export function observeSessionTool(payload: unknown, maxBytes: number): Observation | undefined {
  const p = asRec(payload);
  if (!p) throw new FrameError("malformed", "session.tool payload is not an object");
  const data = asRec(p.data);
  if (!data) throw new FrameError("malformed", "session.tool without a data object");
  const phase = str(data.phase);
  const tool = str(data.name);
  if (!phase || !tool) throw new FrameError("malformed", "session.tool without data.phase / data.name");
  const row = asRec(p.session);
  const runId = str(p.runId);
  const toolCallId = str(data.toolCallId);
  const { ctx, key } = baseContext(p, row, "gateway:session.tool");
  const channel = channelOf(p, row);
  const parsed = parseSessionKey(key ?? "");
  const chatType = normalizeChatType(row ? str(row.chatType) : undefined) ?? parsed.chatType;
  const context: ActionContext = {
    ...ctx,
    ...(channel ? { channel } : {}),
    ...(chatType ? { chatType } : {}),
    ...(toolCallId ? { toolCallId } : {}),
  };
  const ids = { ...(runId ? { runId } : {}), ...(toolCallId ? { toolCallId } : {}) };
  const suffix = `${runId ?? "norun"}-${toolCallId ?? newActionId("call")}`;
  if (phase === "start") {
    if (approxSize(data.args) > maxBytes) throw new FrameError("oversized", `session.tool args of ${tool} larger than ${maxBytes} bytes`);
    const args = data.args;
    const params = asRec(args) ? (args as Record<string, unknown>) : args === undefined || args === null ? {} : { args };
    const action: Action = {
      id: `gw-tool-${suffix}`,
      kind: "tool_call",
      tool,
      params,
      context,
      raw: { event: "session.tool", phase, sessionKey: key, runId, toolCallId, name: tool, args },
    };
    return { type: "tool_start", action, meta: metaFromRow(row), tool, ...ids };
  }
  if (phase === "result") {
    const result = asRec(data.result);
    const details = result ? asRec(result.details) : undefined;
    const deniedReason = str(details?.deniedReason);
    const status = str(details?.status);
    // Our own block/deny texts are not content to scan; they still prove the hook ran.
    if (deniedReason || status === "blocked") return { type: "tool_result", meta: {}, tool, ...ids, ...(deniedReason ? { deniedReason } : {}) };
    const text = toolResultText(data.result);
    if (text === undefined || text.trim() === "") return { type: "tool_result", meta: {}, tool, ...ids };
    if (text.length > maxBytes) throw new FrameError("oversized", `session.tool result of ${tool} larger than ${maxBytes} bytes`);
    const action: Action = {
      id: `gw-out-${suffix}`,
      kind: "tool_output",
      tool,
      toolOutput: text,
      context,
      raw: { event: "session.tool", phase, sessionKey: key, runId, toolCallId, name: tool, isError: data.isError === true, text },
    };
    return { type: "tool_result", action, meta: metaFromRow(row), tool, ...ids };
  }
  return undefined; // "update" and other phases: partial output, decided at "result"
}

/**
 * One Gateway event frame → an observation (session.message / session.tool; agent events with
 * stream "tool" are read like session.tool). Other events give undefined. Throws FrameError for
 * malformed or oversized frames. Used by the sidecar and by offline replay.
 */
export function observeFrame(frame: unknown, maxBytes: number): Observation | undefined {
  const f = asRec(frame);
  if (!f) throw new FrameError("malformed", "frame is not an object");
  const event = str(f.event);
  if (f.type !== undefined && f.type !== "event") return undefined;
  if (event === "session.message") return observeSessionMessage(f.payload, maxBytes);
  if (event === "session.tool") return observeSessionTool(f.payload, maxBytes);
  if (event === "agent" && asRec(f.payload)?.stream === "tool") return observeSessionTool(f.payload, maxBytes);
  return undefined;
}
