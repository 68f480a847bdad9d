// Matrix: !room:server rooms (is_direct for DMs), m.thread relations, @user:server senders,
// m.mentions / formatted pills, mxc:// media.
import { asRec, defineDriver, pick, pickRec } from "./base.ts";

export const matrixDriver = defineDriver("matrix", [], { threads: true, topics: false, reactions: true, edits: true, media: true, mentions: true }, (p, input) => {
  const s = input.sources;
  const roomId = pick(s, "room_id", "roomId", "originatingTo", "to") ?? p.conversationId;
  let chatType = p.chatType;
  const isDirect = s.some((x) => x.is_direct === true || x.isDirect === true);
  if (isDirect) chatType = "direct";
  else if (chatType === "direct" && roomId?.startsWith("!")) chatType = "channel";
  const content = pickRec(s, "content");
  const rel = content ? asRec(content["m.relates_to"]) : undefined;
  const threadId = rel && rel.rel_type === "m.thread" ? pick([rel], "event_id") : p.threadId;
  if (threadId) chatType = "thread";
  const sender = pick(s, "sender") ?? p.sender;
  const self = pick(s, "selfUserId", "user_id");
  const mm = content ? asRec(content["m.mentions"]) : undefined;
  const ids = mm && Array.isArray(mm.user_ids) ? (mm.user_ids as unknown[]) : undefined;
  const mentioned = p.mentioned ?? (self && (ids?.includes(self) || input.text?.includes(self)) ? true : undefined);
  const attachments = [...p.attachments];
  const mxc = content ? pick([content], "url") : undefined;
  if (mxc) attachments.push({ kind: pick([content!], "msgtype")?.replace(/^m\./, "") ?? "file", url: mxc });
  return {
    ...p,
    chatType,
    attachments,
    ...(roomId ? { conversationId: roomId } : {}),
    ...(threadId ? { threadId } : {}),
    ...(sender ? { sender } : {}),
    ...(mentioned !== undefined ? { mentioned } : {}),
  };
});
