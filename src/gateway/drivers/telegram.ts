// Telegram: numeric chat ids (negative = group/supergroup), `tg:`/`telegram:` prefixes, forum
// topics (message_thread_id), @bot mentions, chat.type private/group/supergroup/channel.
import { normalizeChatType } from "../../engine/session-key.ts";
import { CAPS_ALL, defineDriver, mentionsHandle, pick, pickRec } from "./base.ts";

export const telegramDriver = defineDriver("telegram", ["tg"], { ...CAPS_ALL, topics: true }, (p, input) => {
  const s = input.sources;
  const chat = pickRec(s, "chat");
  const from = pickRec(s, "from");
  const rawChatId = (chat ? pick([chat], "id") : undefined) ?? pick(s, "chatId", "chat_id", "originatingTo", "to", "To") ?? p.conversationId;
  const chatId = rawChatId?.replace(/^(telegram|tg):/i, "");
  let chatType = p.chatType;
  const tType = chat ? normalizeChatType(pick([chat], "type")) : undefined;
  if (tType) chatType = tType;
  else if (chatType === "direct" && chatId?.startsWith("-")) chatType = "group";
  const topicId = pick(s, "message_thread_id", "messageThreadId", "topicId") ?? p.topicId;
  const isForum = chat ? chat.is_forum === true : false;
  if (topicId && (isForum || chatType !== "direct")) chatType = "topic";
  const sender = p.sender ?? (from ? pick([from], "id") : undefined);
  const senderName = p.senderName ?? (from ? pick([from], "username", "first_name") : undefined);
  const mentioned = p.mentioned ?? mentionsHandle(input.text, [pick(s, "botUsername", "bot_username")]);
  return {
    ...p,
    chatType,
    ...(chatId ? { conversationId: chatId } : {}),
    ...(topicId ? { topicId } : {}),
    ...(sender ? { sender: sender.replace(/^(telegram|tg):/i, "") } : {}),
    ...(senderName ? { senderName } : {}),
    ...(mentioned !== undefined ? { mentioned } : {}),
  };
});
