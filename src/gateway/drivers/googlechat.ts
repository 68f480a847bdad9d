// Google Chat: spaces/<id> with space.type DM / ROOM / SPACE (spaceType DIRECT_MESSAGE / GROUP_CHAT /
// SPACE), thread.name threads, users/<id> senders, USER_MENTION annotations.
import { asRec, defineDriver, pick, pickRec } from "./base.ts";

export const googlechatDriver = defineDriver("googlechat", ["gchat", "google-chat"], { threads: true, topics: false, reactions: true, edits: true, media: true, mentions: true }, (p, input) => {
  const s = input.sources;
  const space = pickRec(s, "space");
  const spaceName = (space ? pick([space], "name") : undefined) ?? pick(s, "spaceName", "originatingTo", "to") ?? p.conversationId;
  const stype = (space ? pick([space], "spaceType", "type") : undefined) ?? pick(s, "spaceType");
  let chatType = p.chatType;
  if (stype === "DM" || stype === "DIRECT_MESSAGE") chatType = "direct";
  else if (stype === "GROUP_CHAT") chatType = "group";
  else if (stype === "ROOM" || stype === "SPACE") chatType = "channel";
  const thread = pickRec(s, "thread");
  const threadId = (thread ? pick([thread], "name") : undefined) ?? p.threadId;
  if (threadId && chatType !== "direct" && (thread ? thread.threadReply === true || s.some((x) => x.threadReply === true) : p.threadId)) chatType = "thread";
  const senderRec = pickRec(s, "sender");
  const sender = (senderRec ? pick([senderRec], "name") : undefined) ?? p.sender;
  const senderName = (senderRec ? pick([senderRec], "displayName") : undefined) ?? p.senderName;
  const annotations = s.map((x) => x.annotations).find(Array.isArray) as unknown[] | undefined;
  const botMentioned = annotations?.some((a) => {
    const r = asRec(a);
    const um = r ? asRec(r.userMention) : undefined;
    const user = um ? asRec(um.user) : undefined;
    return r?.type === "USER_MENTION" && user?.type === "BOT";
  });
  const mentioned = p.mentioned ?? (botMentioned ? true : undefined);
  return {
    ...p,
    chatType,
    ...(spaceName ? { conversationId: spaceName } : {}),
    ...(threadId ? { threadId } : {}),
    ...(sender ? { sender } : {}),
    ...(senderName ? { senderName } : {}),
    ...(mentioned !== undefined ? { mentioned } : {}),
  };
});
