import assert from "node:assert/strict";
import { test } from "node:test";
import { normalizeChannel, normalizeChatType, parseSessionKey } from "../../src/engine/session-key.ts";

const cases: Array<[string, Record<string, unknown>]> = [
  ["main", { kind: "main", canonical: "agent:main:main", agentId: "main", chatType: "direct" }],
  ["agent:main:main", { kind: "main", chatType: "direct" }],
  ["agent:main:main:thread:1777244748", { kind: "main", threadId: "1777244748", chatType: "thread" }],
  ["demo", { kind: "direct", canonical: "agent:main:demo", chatType: "direct" }],
  ["agent:main:telegram:direct:123", { kind: "direct", channel: "telegram", peerId: "123", chatType: "direct" }],
  ["agent:main:tg:dm:123", { kind: "direct", channel: "telegram", peerId: "123", chatType: "direct" }],
  ["agent:main:telegram:acct1:direct:123", { kind: "direct", channel: "telegram", accountId: "acct1", peerId: "123" }],
  ["agent:main:discord:channel:123456:thread:987654", { kind: "channel", channel: "discord", peerId: "123456", threadId: "987654", chatType: "thread" }],
  ["agent:zu:telegram:group:-1001234567890:topic:42", { kind: "group", agentId: "zu", channel: "telegram", peerId: "-1001234567890", topicId: "42", chatType: "topic" }],
  ["agent:main:slack:direct:U12345678:thread:1777244748", { kind: "direct", channel: "slack", chatType: "thread", threadId: "1777244748" }],
  ["agent:main:discord:slash:42", { kind: "direct", channel: "discord", peerId: "42" }],
  ["agent:main:whatsapp:group:120363403215116621@g.us", { kind: "group", channel: "whatsapp", peerId: "120363403215116621@g.us" }],
  ["agent:main:teams:channel:19:abc@thread.tacv2", { kind: "channel", channel: "msteams", peerId: "19:abc@thread.tacv2" }],
  ["agent:main:gchat:room:spaces/AAA", { kind: "channel", channel: "googlechat", peerId: "spaces/AAA" }],
  ["agent:main:matrix:room:!abc:example.org", { kind: "channel", channel: "matrix", peerId: "!abc:example.org" }],
  ["agent:main:subagent:search-helper", { kind: "subagent", subagent: "search-helper" }],
  ["agent:main:cron:nightly:run:8821", { kind: "cron" }],
  ["agent:main:hook:automation", { kind: "hook" }],
  ["cron:nightly", { kind: "cron", channel: "internal" }],
  ["hook:x", { kind: "hook", channel: "internal" }],
  ["node-abc", { kind: "node", channel: "internal" }],
  ["agent:main:dashboard:review-ui", { kind: "other", channel: "dashboard" }],
  ["", { kind: "other" }],
  ["global", { kind: "other" }],
];

for (const [key, want] of cases) {
  test(`parseSessionKey(${JSON.stringify(key)})`, () => {
    const got = parseSessionKey(key) as unknown as Record<string, unknown>;
    for (const [k, v] of Object.entries(want)) assert.deepEqual(got[k], v, `${k} of ${key}: ${JSON.stringify(got)}`);
  });
}

test("never throws on odd input", () => {
  for (const k of [":::", "agent:", "agent::", "agent:main:thread:1", "x".repeat(10000), "agent:main:discord:channel", "\u0000:\u0000"]) parseSessionKey(k);
});

test("channel and chat-type aliases", () => {
  assert.equal(normalizeChannel("TG"), "telegram");
  assert.equal(normalizeChannel("teams"), "msteams");
  assert.equal(normalizeChannel("gchat"), "googlechat");
  assert.equal(normalizeChannel(" Discord "), "discord");
  assert.equal(normalizeChannel("line"), "line");
  assert.equal(normalizeChannel(""), undefined);
  assert.equal(normalizeChatType("dm"), "direct");
  assert.equal(normalizeChatType("private"), "direct");
  assert.equal(normalizeChatType("supergroup"), "group");
  assert.equal(normalizeChatType("room"), "channel");
  assert.equal(normalizeChatType("forum"), "topic");
  assert.equal(normalizeChatType("nonsense"), undefined);
});
