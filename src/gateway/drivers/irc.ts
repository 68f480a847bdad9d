// IRC: #channel targets (channel) vs nick targets (direct), `nick:`/`nick,` address mentions.
import { defineDriver, pick } from "./base.ts";

export const ircDriver = defineDriver("irc", [], { threads: false, topics: false, reactions: false, edits: false, media: false, mentions: true }, (p, input) => {
  const s = input.sources;
  const target = pick(s, "target", "originatingTo", "to", "To") ?? p.conversationId;
  let chatType = p.chatType;
  if (target && /^[#&!+]/.test(target.replace(/^irc:/i, ""))) chatType = "channel";
  else if (target) chatType = "direct";
  const nick = pick(s, "nick", "prefixNick") ?? p.sender;
  const self = pick(s, "selfNick", "botNick");
  const esc = self?.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const mentioned = p.mentioned ?? (esc && input.text && new RegExp(`^\\s*${esc}[:,]|\\b${esc}\\b`, "i").test(input.text) ? true : undefined);
  return {
    ...p,
    chatType,
    ...(target ? { conversationId: target.replace(/^irc:/i, "") } : {}),
    ...(nick ? { sender: nick } : {}),
    ...(mentioned !== undefined ? { mentioned } : {}),
  };
});
