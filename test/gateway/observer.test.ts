// Frame handling: recorded frames from a real Gateway 2026.9.6 become actions; malformed and
// oversized frames throw FrameError (the sidecar logs, counts and skips them) and never crash.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { FrameError, observeFrame, observeSessionTool } from "../../src/gateway/observer.ts";

const frames = readFileSync(new URL("../fixtures/frames/gateway-2026.9.6-observer.jsonl", import.meta.url), "utf8")
  .split("\n")
  .filter((l) => l.trim() !== "")
  .map((l) => JSON.parse(l) as unknown);

test("recorded observer frames: user messages, tool calls with args, tool outputs", () => {
  const obs = frames.map((f) => observeFrame(f, 1 << 20)).filter((o) => o !== undefined);
  const msgs = obs.filter((o) => o.type === "message");
  assert.deepEqual(msgs.map((m) => m.action.text), ["RUN: echo hello-explore", "SAY: just text please", "RUN: echo DENY-me", "RUN: ls"]);
  for (const m of msgs) {
    assert.equal(m.action.context.channel, "webchat");
    assert.equal(m.action.context.chatType, "direct");
    assert.match(m.action.context.sessionKey ?? "", /^agent:main:explore/);
  }
  const starts = obs.filter((o) => o.type === "tool_start");
  assert.deepEqual(starts.map((s) => s.action.params), [{ command: "echo hello-explore" }, { command: "echo DENY-me" }, { command: "ls" }]);
  for (const s of starts) {
    assert.equal(s.action.kind, "tool_call");
    assert.equal(s.action.tool, "exec");
    assert.ok(s.runId && s.toolCallId);
    assert.equal(s.action.context.toolCallId, s.toolCallId);
  }
  const outs = obs.filter((o) => o.type === "tool_result" && o.action);
  assert.ok(outs.some((o) => o.type === "tool_result" && o.action?.toolOutput === "hello-explore"));
  // The quarantine-bound raw payload never carries the big session row.
  for (const o of obs) if (o.action) assert.equal(JSON.stringify(o.action.raw).includes('"participants"'), false);
});

test("malformed frames throw FrameError('malformed')", () => {
  const bad: unknown[] = [
    null,
    42,
    "x",
    { type: "event", event: "session.message" },
    { type: "event", event: "session.message", payload: "nope" },
    { type: "event", event: "session.message", payload: { message: 5 } },
    { type: "event", event: "session.tool", payload: {} },
    { type: "event", event: "session.tool", payload: { data: { phase: 3 } } },
    { type: "event", event: "session.tool", payload: { data: { phase: "start" } } },
  ];
  for (const f of bad) {
    assert.throws(() => observeFrame(f, 1 << 20), (e: unknown) => e instanceof FrameError && e.reason === "malformed", JSON.stringify(f));
  }
});

test("oversized content throws FrameError('oversized')", () => {
  const big = "A".repeat(5000);
  assert.throws(() => observeFrame({ type: "event", event: "session.message", payload: { sessionKey: "x", message: { role: "user", content: big } } }, 1024), (e: unknown) => e instanceof FrameError && e.reason === "oversized");
  assert.throws(() => observeSessionTool({ runId: "r", data: { phase: "start", name: "exec", toolCallId: "c", args: { command: big } } }, 1024), (e: unknown) => e instanceof FrameError && e.reason === "oversized");
  assert.throws(() => observeSessionTool({ runId: "r", data: { phase: "result", name: "read", toolCallId: "c", result: { content: [{ type: "text", text: big }] } } }, 1024), (e: unknown) => e instanceof FrameError && e.reason === "oversized");
});

test("ignored: assistant rows, internal context rows, update phases, unrelated events", () => {
  assert.equal(observeFrame({ type: "event", event: "session.message", payload: { message: { role: "assistant", content: [] } } }, 1 << 20), undefined);
  assert.equal(observeFrame({ type: "event", event: "session.message", payload: { message: { role: "user", content: "<<<BEGIN_OPENCLAW_INTERNAL_CONTEXT>>> x" } } }, 1 << 20), undefined);
  assert.equal(observeFrame({ type: "event", event: "session.tool", payload: { data: { phase: "update", name: "exec" } } }, 1 << 20), undefined);
  assert.equal(observeFrame({ type: "event", event: "tick", payload: { ts: 1 } }, 1 << 20), undefined);
  assert.equal(observeFrame({ type: "res", id: "1", ok: true }, 1 << 20), undefined);
});

test("a plugin-blocked tool result proves the hook ran and is not scanned", () => {
  const o = observeSessionTool({ runId: "r1", data: { phase: "result", name: "exec", toolCallId: "c1", isError: true, result: { content: [{ type: "text", text: "blocked: curl|sh" }], details: { status: "blocked", deniedReason: "plugin-before-tool-call" } } } }, 1 << 20);
  assert.ok(o && o.type === "tool_result");
  assert.equal(o.deniedReason, "plugin-before-tool-call");
  assert.equal(o.action, undefined);
});
