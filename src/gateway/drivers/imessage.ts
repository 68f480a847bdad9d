// iMessage: chat GUIDs `iMessage;-;+1555…` (direct) and `iMessage;+;chat123` (group), handles.
import { defineDriver, pick } from "./base.ts";

export const imessageDriver = defineDriver("imessage", ["imsg", "bluebubbles"], { threads: true, topics: false, reactions: true, edits: true, media: true, mentions: false }, (p, input) => {
  const s = input.sources;
  const guid = pick(s, "chatGuid", "chat_guid", "chatIdentifier", "originatingTo", "to", "To") ?? p.conversationId;
  let chatType = p.chatType;
  if (guid && /;\+;/.test(guid)) chatType = "group";
  else if (guid && /;-;/.test(guid)) chatType = "direct";
  if (pick(s, "isGroup") === "true" || s.some((x) => x.isGroup === true)) chatType = "group";
  const sender = pick(s, "handle", "senderHandle", "address") ?? p.sender;
  return { ...p, chatType, ...(guid ? { conversationId: guid.replace(/^imessage:/i, "") } : {}), ...(sender ? { sender } : {}) };
});
