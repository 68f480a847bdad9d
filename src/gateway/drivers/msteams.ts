// Microsoft Teams: conversation.conversationType personal / groupChat / channel, replyToId
// threads, <at> mention entities, from.aadObjectId senders.
import { asRec, defineDriver, pick, pickRec } from "./base.ts";

export const msteamsDriver = defineDriver("msteams", ["teams", "ms-teams"], { threads: true, topics: false, reactions: true, edits: true, media: true, mentions: true }, (p, input) => {
  const s = input.sources;
  const conv = pickRec(s, "conversation");
  const ctype = (conv ? pick([conv], "conversationType") : undefined) ?? pick(s, "conversationType");
  let chatType = p.chatType;
  if (ctype === "personal") chatType = "direct";
  else if (ctype === "groupChat") chatType = "group";
  else if (ctype === "channel") chatType = "channel";
  const convId = (conv ? pick([conv], "id") : undefined) ?? p.conversationId;
  const replyTo = pick(s, "replyToId");
  if (replyTo && chatType === "channel") chatType = "thread";
  const from = pickRec(s, "from");
  const sender = (from ? pick([from], "aadObjectId", "id") : undefined) ?? p.sender;
  const senderName = (from ? pick([from], "name") : undefined) ?? p.senderName;
  const recipient = pickRec(s, "recipient");
  const botId = recipient ? pick([recipient], "id") : undefined;
  const entities = s.map((x) => x.entities).find(Array.isArray) as unknown[] | undefined;
  const botMentioned = entities?.some((e) => {
    const r = asRec(e);
    const m = r ? asRec(r.mentioned) : undefined;
    return r?.type === "mention" && (botId === undefined || (m ? pick([m], "id") === botId : false));
  });
  const mentioned = p.mentioned ?? (botMentioned ? true : undefined);
  return {
    ...p,
    chatType,
    ...(convId ? { conversationId: convId } : {}),
    ...(replyTo ? { threadId: replyTo } : {}),
    ...(sender ? { sender } : {}),
    ...(senderName ? { senderName } : {}),
    ...(mentioned !== undefined ? { mentioned } : {}),
  };
});
