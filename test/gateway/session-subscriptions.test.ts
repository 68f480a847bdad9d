// Per-session message subscriptions (the sidecar's way to see channel turns' tool calls).
import assert from "node:assert/strict";
import { test } from "node:test";
import { createSessionSubscriptions } from "../../src/gateway/session-subscriptions.ts";
import { memoryLogger } from "./helpers.ts";

function fakeRequest(fail = false) {
  const calls: { method: string; key: string }[] = [];
  return {
    calls,
    request: async (method: string, params: unknown): Promise<unknown> => {
      calls.push({ method, key: (params as { key: string }).key });
      if (fail) throw new Error("unknown method: sessions.messages.subscribe");
      return { subscribed: true };
    },
  };
}

const tick = () => new Promise((r) => setImmediate(r));

test("each session is subscribed once per connection; reset starts over", async () => {
  const f = fakeRequest();
  const subs = createSessionSubscriptions({ request: f.request });
  subs.ensure("agent:main:telegram:direct:1");
  subs.ensure("agent:main:telegram:direct:1");
  subs.ensure("agent:main:telegram:direct:2");
  subs.ensure("");
  await tick();
  assert.deepEqual(f.calls.map((c) => c.key), ["agent:main:telegram:direct:1", "agent:main:telegram:direct:2"]);
  assert.ok(f.calls.every((c) => c.method === "sessions.messages.subscribe"));
  subs.reset();
  assert.equal(subs.size, 0);
  subs.ensure("agent:main:telegram:direct:1");
  await tick();
  assert.equal(f.calls.length, 3, "a new connection subscribes again");
});

test("bounded: the oldest session is unsubscribed first", async () => {
  const f = fakeRequest();
  const subs = createSessionSubscriptions({ request: f.request, max: 2 });
  for (const k of ["a", "b", "c"]) subs.ensure(k);
  await tick();
  assert.equal(subs.size, 2);
  assert.deepEqual(f.calls.filter((c) => c.method === "sessions.messages.unsubscribe").map((c) => c.key), ["a"]);
});

test("a failed subscribe is logged and counted once, not retried on every message", async () => {
  const f = fakeRequest(true);
  const logger = memoryLogger();
  const counts: string[] = [];
  const subs = createSessionSubscriptions({ request: f.request, logger, telemetry: { count: (n, l) => counts.push(`${n}:${l?.outcome}`), observe() {}, gauge() {} } });
  subs.ensure("k");
  subs.ensure("k");
  await tick();
  assert.equal(f.calls.length, 1);
  assert.deepEqual(counts, ["session_subscriptions:error"]);
  assert.ok(logger.lines.some((l) => l.level === "warn" && /tool calls of this session.s channel turns are not observed/.test(l.msg ?? "")));
});
