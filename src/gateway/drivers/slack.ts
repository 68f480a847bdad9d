// Slack: C… channels, G… private groups/mpims, D… DMs, thread_ts threads, <@U…> mentions, files.
import { CAPS_ALL, defineDriver, pick } from "./base.ts";

export const slackDriver = defineDriver("slack", [], CAPS_ALL, (p, input) => {
  const s = input.sources;
  const conv = (pick(s, "channel_id", "channelId", "originatingTo", "to", "To") ?? p.conversationId)?.replace(/^(slack:)?(channel:|user:)?/i, "");
  let chatType = p.chatType;
  const ctype = pick(s, "channel_type");
  if (ctype === "im" || conv?.startsWith("D")) chatType = "direct";
  else if (ctype === "mpim" || ctype === "group" || conv?.startsWith("G")) chatType = "group";
  else if (ctype === "channel" || conv?.startsWith("C")) chatType = "channel";
  const threadTs = pick(s, "thread_ts", "threadTs") ?? p.threadId;
  if (threadTs && pick(s, "ts") !== threadTs) chatType = "thread";
  else if (threadTs && p.threadId) chatType = "thread";
  const botId = pick(s, "botUserId", "bot_user_id", "selfId");
  const mentioned = p.mentioned ?? (botId && input.text?.includes(`<@${botId}>`) ? true : undefined);
  const sender = p.sender ?? pick(s, "user", "user_id");
  return {
    ...p,
    chatType,
    ...(conv ? { conversationId: conv } : {}),
    ...(threadTs ? { threadId: threadTs } : {}),
    ...(sender ? { sender } : {}),
    ...(mentioned !== undefined ? { mentioned } : {}),
  };
});
