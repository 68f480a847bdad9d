// Idempotency: keyed on content, TTL- and size-bounded; a reused id with new content is evaluated anew.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseAction } from "../../src/engine/action.ts";
import type { Decision } from "../../src/engine/types.ts";
import { signatureJson, contentSignature, createIdempotencyCache } from "../../src/runtime/idempotency.ts";
import { createPipeline } from "../../src/runtime/pipeline.ts";
import { config, fakeDefender } from "./helpers.ts";

const fakeDecision = (id: string, tags: string[] = []): Decision => ({ id, action: "allow", riskScore: 0, rawScore: 0, reasons: [], tags, findings: [], source: "clawshield", version: "t", timing: { startedAtMs: 0, durationMs: 0 } });

describe("content signature", () => {
  it("is independent of the id, key order and raw; depends on every content field, tool, channel, session and taint", () => {
    const base = { text: "hi", tool: "exec", params: { b: 1, a: [1, { y: 2, x: 1 }] }, channel: "discord", sessionKey: "agent:main:discord:dm:1" };
    const s0 = contentSignature(parseAction({ ...base, id: "one" }));
    assert.equal(contentSignature(parseAction({ ...base, id: "two", params: { a: [1, { x: 1, y: 2 }], b: 1 }, extra: "raw only" })), s0);
    for (const change of [{ text: "hi!" }, { command: "ls" }, { url: "https://e.example" }, { file: "/etc/x" }, { tool: "bash" }, { params: { b: 2 } }, { toolOutput: "o" }, { channel: "slack" }, { sessionKey: "agent:main:discord:dm:2" }, { tainted: true }]) {
      assert.notEqual(contentSignature(parseAction({ ...base, ...change })), s0, JSON.stringify(change));
    }
    assert.notEqual(contentSignature(parseAction(base), { activation: "ignored" }), s0);
    assert.equal(signatureJson({ b: 1, a: undefined, c: [true, null] }), '{"b":1,"c":[true,null]}');
  });
});

describe("cache", () => {
  it("expires entries after the TTL", () => {
    let t = 1000;
    const c = createIdempotencyCache({ ttlMs: 300_000, maxEntries: 32, now: () => t });
    c.set("k", fakeDecision("a"));
    t += 299_999;
    assert.ok(c.get("k"));
    t += 2;
    assert.equal(c.get("k"), undefined);
  });

  it("evicts the least recently used entry beyond max entries", () => {
    const c = createIdempotencyCache({ ttlMs: 60_000, maxEntries: 32 });
    for (let i = 0; i < 33; i++) c.set(`k${i}`, fakeDecision(`a${i}`));
    assert.equal(c.size, 32);
    assert.equal(c.get("k0"), undefined);
    assert.ok(c.get("k32"));
  });

  it("strips scheduling tags before storing", () => {
    const c = createIdempotencyCache({ ttlMs: 60_000, maxEntries: 32 });
    c.set("k", fakeDecision("a", ["prompt_injection", "superseded_by:x", "merged_into:y", "timeout", "ignored_activation"]));
    assert.deepEqual(c.get("k")!.tags, ["prompt_injection", "ignored_activation"]);
  });
});

describe("pipeline idempotency", () => {
  it("a hit returns the cached decision re-addressed to the new id and tagged idempotency_hit", async () => {
    const cfg = config();
    const def = await fakeDefender(cfg);
    const p = createPipeline({ config: cfg, defender: def });
    const d1 = await p.submit(parseAction({ id: "x1", command: "rm -rf /", tool: "exec" }));
    const d2 = await p.submit(parseAction({ id: "x2", command: "rm -rf /", tool: "exec" }));
    assert.equal(def.evaluated.length, 1);
    assert.equal(d2.id, "x2");
    assert.equal(d2.action, d1.action);
    assert.ok(d2.tags.includes("idempotency_hit"));
    assert.ok(d2.reasons.some((r) => r.includes("x1")));
    await p.stop();
  });

  it("a reused request id with new content is evaluated anew (no replay of an old allow)", async () => {
    const cfg = config();
    const def = await fakeDefender(cfg);
    const p = createPipeline({ config: cfg, defender: def });
    const benign = await p.submit(parseAction({ id: "same-id", command: "ls", tool: "exec" }));
    const evil = await p.submit(parseAction({ id: "same-id", command: "rm -rf /", tool: "exec" }));
    assert.equal(benign.action, "allow");
    assert.equal(evil.action, "block");
    assert.ok(!evil.tags.includes("idempotency_hit"));
    assert.equal(def.evaluated.length, 2);
    await p.stop();
  });

  it("the TTL comes from runtime.idempotency_ttl_secs (injected clock)", async () => {
    let t = 1_000_000;
    const cfg = config({ "runtime.idempotency_ttl_secs": 10 });
    const def = await fakeDefender(cfg);
    const p = createPipeline({ config: cfg, defender: def, now: () => t });
    await p.submit(parseAction({ text: "hello" }));
    t += 9_000;
    assert.ok((await p.submit(parseAction({ text: "hello" }))).tags.includes("idempotency_hit"));
    t += 1_001;
    assert.ok(!(await p.submit(parseAction({ text: "hello" }))).tags.includes("idempotency_hit"));
    assert.equal(def.evaluated.length, 2);
    await p.stop();
  });

  it("runtime errors are not cached", async () => {
    const cfg = config();
    const def = await fakeDefender(cfg, { fail: () => true });
    const p = createPipeline({ config: cfg, defender: def });
    const d1 = await p.submit(parseAction({ text: "hello" }));
    assert.ok(d1.tags.includes("runtime_error"));
    assert.equal(d1.action, "review");
    await p.submit(parseAction({ text: "hello" }));
    assert.equal(def.evaluated.length, 2);
    await p.stop();
  });

  it("a replaced engine (policy hot reload) empties the cache", async () => {
    const cfg = config();
    const def = await fakeDefender(cfg);
    let engine = def.engine;
    const swapping = Object.defineProperty(Object.create(def) as typeof def, "engine", { get: () => engine });
    const p = createPipeline({ config: cfg, defender: swapping });
    await p.submit(parseAction({ text: "hello" }));
    assert.ok((await p.submit(parseAction({ text: "hello" }))).tags.includes("idempotency_hit"));
    engine = { ...engine };
    assert.ok(!(await p.submit(parseAction({ text: "hello" }))).tags.includes("idempotency_hit"));
    assert.equal(def.evaluated.length, 2);
    await p.stop();
  });
});
