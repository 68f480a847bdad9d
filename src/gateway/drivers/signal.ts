// Signal: phone numbers / UUIDs (direct), group.<base64> or groupId (group).
import { defineDriver, pick, pickRec } from "./base.ts";

export const signalDriver = defineDriver("signal", [], { threads: false, topics: false, reactions: true, edits: true, media: true, mentions: true }, (p, input) => {
  const s = input.sources;
  const groupInfo = pickRec(s, "groupInfo", "groupV2");
  const groupId = pick(s, "groupId", "group_id") ?? (groupInfo ? pick([groupInfo], "groupId", "id") : undefined);
  const target = pick(s, "originatingTo", "to", "To") ?? p.conversationId;
  let chatType = p.chatType;
  if (groupId || /^(signal:)?group[.:]/i.test(target ?? "")) chatType = "group";
  const sender = pick(s, "sourceNumber", "sourceUuid", "source") ?? p.sender;
  const conv = groupId ?? target?.replace(/^signal:/i, "").replace(/^group[.:]/i, "");
  return { ...p, chatType, ...(conv ? { conversationId: conv } : {}), ...(sender ? { sender: sender.replace(/^signal:/i, "") } : {}) };
});
