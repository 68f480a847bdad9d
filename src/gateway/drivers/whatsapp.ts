// WhatsApp: E.164 numbers / …@s.whatsapp.net (direct), …@g.us (group), …@newsletter (channel).
import { defineDriver, pick } from "./base.ts";

export const whatsappDriver = defineDriver("whatsapp", ["wa"], { threads: false, topics: false, reactions: true, edits: false, media: true, mentions: true }, (p, input) => {
  const s = input.sources;
  const jid = pick(s, "remoteJid", "chatJid", "originatingTo", "to", "To", "from", "From") ?? p.conversationId;
  let chatType = p.chatType;
  if (jid?.endsWith("@g.us")) chatType = "group";
  else if (jid?.endsWith("@newsletter")) chatType = "channel";
  else if (jid && /@s\.whatsapp\.net$|^\+?\d{6,}$/.test(jid)) chatType = "direct";
  const sender = pick(s, "senderE164", "SenderE164", "participant") ?? p.sender;
  const mentionedJids = s.map((x) => x.mentionedJids ?? x.mentionedJid).find(Array.isArray) as unknown[] | undefined;
  const self = pick(s, "selfJid", "selfE164");
  const mentioned = p.mentioned ?? (self && mentionedJids?.includes(self) ? true : undefined);
  return {
    ...p,
    chatType,
    ...(jid ? { conversationId: jid.replace(/^whatsapp:/i, "") } : {}),
    ...(sender ? { sender: sender.replace(/^whatsapp:/i, "") } : {}),
    ...(mentioned !== undefined ? { mentioned } : {}),
  };
});
