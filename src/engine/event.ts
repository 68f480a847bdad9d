// The `security.decision` event, exact shape of the Rust runtime (rust-agent-spec §1.4), kept for
// compatibility: decision fields are snake_case inside `decision`; hints are read from the raw
// payload's top-level keys, as Rust did.

import { coerceBool } from "./coerce.ts";
import { parseSessionKey } from "./session-key.ts";
import type { Action, Decision } from "./types.ts";

export interface DecisionEventFrame {
  readonly type: "event";
  readonly event: string;
  readonly payload: Record<string, unknown>;
}

export function toDecisionEvent(action: Action, decision: Decision, eventName = "security.decision"): DecisionEventFrame {
  const raw = (typeof action.raw === "object" && action.raw !== null ? action.raw : {}) as Record<string, unknown>;
  const ctx = action.context;
  const payload: Record<string, unknown> = { requestId: action.id };
  if (ctx.sessionKey) payload.sessionId = ctx.sessionKey;
  payload.source = ctx.source ?? "clawshield";
  if (ctx.channel) payload.channel = ctx.channel;
  if (ctx.sessionKey) payload.sessionKind = parseSessionKey(ctx.sessionKey).kind;
  const chatType = ctx.chatType ?? strHint(raw, "chatType", "chat_type");
  if (chatType) payload.chatType = chatType;
  const mentioned = ctx.wasMentioned ?? boolHint(raw, "wasMentioned", "WasMentioned");
  if (mentioned !== undefined) payload.wasMentioned = mentioned;
  const replyBack = ctx.replyBack ?? boolHint(raw, "replyBack", "reply_back");
  if (replyBack !== undefined) payload.replyBack = replyBack;
  const dcChannel = strHint(raw, "channel", "provider", "platform") ?? ctx.channel ?? (ctx.sessionKey ? parseSessionKey(ctx.sessionKey).channel : undefined);
  const to = ctx.to ?? strHint(raw, "to", "recipient", "peer", "target");
  const accountId = ctx.accountId ?? strHint(raw, "accountId", "account_id");
  const threadId = ctx.threadId ?? strHint(raw, "threadId", "thread_id", "topicId", "topic_id");
  if (dcChannel !== undefined || to !== undefined || accountId !== undefined || threadId !== undefined) {
    payload.deliveryContext = { channel: dcChannel ?? null, to: to ?? null, ...(accountId ? { accountId } : {}), ...(threadId ? { threadId } : {}) };
  }
  payload.decision = {
    action: decision.action,
    risk_score: decision.riskScore,
    reasons: decision.reasons,
    tags: decision.tags,
    source: decision.source,
  };
  return { type: "event", event: eventName, payload };
}

function strHint(o: Record<string, unknown>, ...keys: string[]): string | undefined {
  for (const k of keys) {
    const v = o[k];
    if (typeof v === "string" && v.trim() !== "") return v.trim();
  }
  return undefined;
}

function boolHint(o: Record<string, unknown>, ...keys: string[]): boolean | undefined {
  for (const k of keys) {
    const b = coerceBool(o[k]);
    if (b !== undefined) return b;
  }
  return undefined;
}
