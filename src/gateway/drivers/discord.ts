// Discord: guild channels (`channel:<id>`), DMs (`user:<id>`), threads, <@id> mentions, CDN attachments.
import { asRec, CAPS_ALL, defineDriver, pick, pickRec } from "./base.ts";

export const discordDriver = defineDriver("discord", ["dc"], CAPS_ALL, (p, input) => {
  const s = input.sources;
  const guildId = pick(s, "guildId", "guild_id");
  const author = pickRec(s, "author");
  const sender = p.sender ?? (author ? pick([author], "id") : undefined);
  const senderName = p.senderName ?? (author ? pick([author], "username", "global_name") : undefined);
  const target = pick(s, "originatingTo", "to", "To", "channelId", "channel_id");
  let chatType = p.chatType;
  if (chatType === "direct" && (guildId || target?.startsWith("channel:"))) chatType = "channel";
  if (target?.startsWith("user:")) chatType = p.threadId ? "thread" : "direct";
  const botId = pick(s, "botUserId", "applicationId", "selfId");
  let mentioned = p.mentioned;
  if (mentioned === undefined) {
    if (botId && input.text?.includes(`<@${botId}>`)) mentioned = true;
    const mentions = s.map((x) => x.mentions).find(Array.isArray) as unknown[] | undefined;
    if (mentioned === undefined && botId && mentions?.some((m) => (asRec(m) ? pick([asRec(m)!], "id") : m) === botId)) mentioned = true;
  }
  const conversationId = (target ?? p.conversationId)?.replace(/^(channel|user):/, "");
  return {
    ...p,
    chatType,
    ...(sender ? { sender: sender.replace(/^user:/, "") } : {}),
    ...(senderName ? { senderName } : {}),
    ...(mentioned !== undefined ? { mentioned } : {}),
    ...(conversationId ? { conversationId } : {}),
  };
});
