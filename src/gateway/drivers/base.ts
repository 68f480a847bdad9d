// Shared helpers of the channel drivers: field lookup across payload sources, generic
// normalization (sender, mention, thread, attachments, URLs) that each driver refines.

import { coerceBool } from "../../engine/coerce.ts";
import { normalizeChatType, type ChatType } from "../../engine/session-key.ts";
import type { Attachment, ChannelCapabilities, ChannelDriver, DriverInput, NormalizedMessage } from "./types.ts";

export type Rec = Readonly<Record<string, unknown>>;

export function asRec(v: unknown): Rec | undefined {
  return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Rec) : undefined;
}

/** First non-empty string/number (as string) at one of `keys` in the sources, in order. */
export function pick(sources: readonly Rec[], ...keys: string[]): string | undefined {
  for (const s of sources) {
    for (const k of keys) {
      const v = s[k];
      if (typeof v === "string" && v.trim() !== "") return v.trim();
      if (typeof v === "number" && Number.isFinite(v)) return String(v);
    }
  }
  return undefined;
}

/** First boolean-like value at one of `keys`. */
export function pickBool(sources: readonly Rec[], ...keys: string[]): boolean | undefined {
  for (const s of sources) {
    for (const k of keys) {
      const b = coerceBool(s[k]);
      if (b !== undefined) return b;
    }
  }
  return undefined;
}

/** First object at one of `keys`. */
export function pickRec(sources: readonly Rec[], ...keys: string[]): Rec | undefined {
  for (const s of sources) for (const k of keys) {
    const r = asRec(s[k]);
    if (r) return r;
  }
  return undefined;
}

const URL_RE = /\b(?:https?|ftp|wss?):\/\/[^\s"'<>`)\]}|]+/gi;
const MAX_URLS = 64;
const MAX_ATTACHMENTS = 64;

export function urlsIn(text: string | undefined): string[] {
  if (!text) return [];
  const out: string[] = [];
  for (const m of text.matchAll(URL_RE)) {
    out.push(m[0].replace(/[.,;:!?]+$/, ""));
    if (out.length >= MAX_URLS) break;
  }
  return out;
}

/** Attachments from the usual media fields (media/attachments/files/MediaUrl(s)). */
export function genericAttachments(sources: readonly Rec[]): Attachment[] {
  const out: Attachment[] = [];
  const push = (a: Attachment): void => {
    if (out.length < MAX_ATTACHMENTS) out.push(a);
  };
  for (const s of sources) {
    for (const key of ["attachments", "media", "files", "mediaUrls", "MediaUrls", "images"]) {
      const v = s[key];
      if (!Array.isArray(v)) continue;
      for (const item of v) {
        if (typeof item === "string") push({ kind: "file", url: item });
        const r = asRec(item);
        if (!r) continue;
        const url = pick([r], "url", "href", "mediaUrl", "url_private", "proxy_url", "contentUrl", "downloadUrl", "uri", "path");
        const name = pick([r], "name", "filename", "fileName", "title");
        const mime = pick([r], "mimeType", "mime", "contentType", "content_type", "mimetype");
        push({ kind: pick([r], "kind", "type") ?? (mime?.split("/")[0] ?? "file"), ...(url ? { url } : {}), ...(name ? { name } : {}), ...(mime ? { mime } : {}) });
      }
    }
    const single = pick([s], "MediaUrl", "mediaUrl");
    if (single) push({ kind: "file", url: single });
  }
  return out;
}

export interface Partial {
  channel: string;
  chatType: ChatType;
  sender?: string;
  senderName?: string;
  mentioned?: boolean;
  accountId?: string;
  conversationId?: string;
  threadId?: string;
  topicId?: string;
  messageId?: string;
  attachments: Attachment[];
}

/** Generic normalization: what every channel shares (OpenClaw inbound-context field names). */
export function genericNormalize(channel: string, input: DriverInput): Partial {
  const s = input.sources;
  const k = input.key;
  const chatType =
    (pickBool(s, "isGroup", "IsGroup") === true ? "group" : undefined) ??
    normalizeChatType(pick(s, "chatType", "ChatType", "chat_type", "roomType", "room_type")) ??
    k.chatType ??
    "direct";
  const threadId = pick(s, "threadId", "ThreadId", "thread_id", "MessageThreadId") ?? k.threadId;
  const topicId = pick(s, "topicId", "topic_id") ?? k.topicId;
  const sender = pick(s, "senderId", "SenderId", "sender_id", "sender", "from", "From", "author", "userId", "user");
  const senderName = pick(s, "senderName", "SenderName", "senderUsername", "SenderUsername", "username", "displayName");
  const mentioned = pickBool(s, "wasMentioned", "WasMentioned", "mentioned", "isMentioned", "requireMentionSatisfied");
  const accountId = pick(s, "accountId", "AccountId", "account_id") ?? k.accountId;
  const conversationId = pick(s, "conversationId", "originatingTo", "OriginatingTo", "to", "To", "chatId", "chat_id", "groupId") ?? k.peerId;
  const messageId = pick(s, "messageId", "MessageSid", "message_id");
  const finalType: ChatType = topicId !== undefined && chatType !== "direct" ? "topic" : threadId !== undefined && chatType !== "thread" ? "thread" : chatType;
  return {
    channel,
    chatType: finalType,
    ...(sender ? { sender } : {}),
    ...(senderName ? { senderName } : {}),
    ...(mentioned !== undefined ? { mentioned } : {}),
    ...(accountId ? { accountId } : {}),
    ...(conversationId ? { conversationId } : {}),
    ...(threadId ? { threadId } : {}),
    ...(topicId ? { topicId } : {}),
    ...(messageId ? { messageId } : {}),
    attachments: genericAttachments(s),
  };
}

/** Completes a partial into a NormalizedMessage (URLs from text and attachments). */
export function finish(p: Partial, input: DriverInput): NormalizedMessage {
  const urls = new Set<string>(urlsIn(input.text));
  for (const a of p.attachments) if (a.url && /^[a-z][a-z0-9+.-]*:\/\//i.test(a.url)) urls.add(a.url);
  return {
    ...p,
    ...(input.text !== undefined ? { text: input.text } : {}),
    urls: [...urls].slice(0, MAX_URLS),
    ...(input.sessionKey ? { sessionKey: input.sessionKey } : {}),
  };
}

/** Builds a driver from a refinement of the generic normalization. */
export function defineDriver(
  id: string,
  aliases: readonly string[],
  capabilities: ChannelCapabilities,
  refine: (p: Partial, input: DriverInput) => Partial = (p) => p,
): ChannelDriver {
  return {
    id,
    aliases,
    capabilities,
    normalize(input) {
      return finish(refine(genericNormalize(id, input), input), input);
    },
  };
}

/** Whether `text` mentions `name` as @name (case-insensitive). */
export function mentionsHandle(text: string | undefined, names: readonly (string | undefined)[]): boolean | undefined {
  if (!text) return undefined;
  for (const n of names) {
    if (!n) continue;
    const esc = n.replace(/^@/, "").replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    if (new RegExp(`(^|[^\\w])@${esc}\\b`, "i").test(text)) return true;
  }
  return undefined;
}

export const CAPS_ALL: ChannelCapabilities = { threads: true, topics: false, reactions: true, edits: true, media: true, mentions: true };
