// A block's decision waits for its quarantine record (fsync of the file and its folder), but that
// wait must not hold a worker slot: with a slow disk, only the blocks' own answers are late, never
// other sessions' evaluations. The session's lane stays busy until the evidence is kept, so one
// session's actions are still answered in order. At most MAX_KEEPING items wait outside a slot.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createDefender } from "../../src/defender/defender.ts";
import { parseAction } from "../../src/engine/action.ts";
import type { Action, Decision } from "../../src/engine/types.ts";
import { MAX_KEEPING, createPipeline } from "../../src/runtime/pipeline.ts";
import type { Quarantine } from "../../src/store/quarantine.ts";
import { config, recordingTelemetry, sharedEngine, sleep } from "./helpers.ts";

/** A quarantine whose writes finish only when `open()` is called: a stalled disk. */
function gatedQuarantine(): Quarantine & { open(): void; readonly written: string[] } {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const written: string[] = [];
  return {
    dir: "/nonexistent",
    written,
    open: () => release(),
    async write(action: Action, _d: Decision) {
      await gate;
      written.push(action.id);
      return `/nonexistent/${action.id}.json`;
    },
  };
}

const settledYet = async (p: Promise<unknown>): Promise<boolean> => {
  let done = false;
  void p.then(() => (done = true));
  await sleep(20);
  return done;
};

describe("evidence waits outside the worker slot", () => {
  it("a block waiting for its quarantine record does not stop another session's evaluation", async () => {
    const cfg = config({ "runtime.worker_concurrency": 1, "runtime.eval_timeout_ms": 10_000 });
    const q = gatedQuarantine();
    const tel = recordingTelemetry();
    const defender = createDefender({ config: cfg, engine: await sharedEngine(), quarantine: q });
    const p = createPipeline({ config: cfg, defender, telemetry: tel });
    const block = p.submit(parseAction({ id: "b1", command: "rm -rf /", tool: "exec", sessionKey: "agent:main:a" }));
    const other = await p.submit(parseAction({ id: "o1", text: "what is the weather", sessionKey: "agent:main:b" }));
    assert.equal(other.action, "allow");
    assert.equal(await settledYet(block), false, "the block is not answered before its record is written");
    assert.equal(tel.gauges.get("evidence_inflight"), 1);
    q.open();
    const d = await block;
    assert.equal(d.action, "block");
    assert.deepEqual(q.written, ["b1"]);
    await p.stop();
  });

  it("the blocked session's next action is answered after the block (lane order kept)", async () => {
    const cfg = config({ "runtime.worker_concurrency": 4, "runtime.eval_timeout_ms": 10_000 });
    const q = gatedQuarantine();
    const defender = createDefender({ config: cfg, engine: await sharedEngine(), quarantine: q });
    const p = createPipeline({ config: cfg, defender });
    const order: string[] = [];
    const S = "agent:main:a";
    const block = p.submit(parseAction({ id: "b1", command: "rm -rf /", tool: "exec", sessionKey: S })).then((d) => (order.push(d.id), d));
    const next = p.submit(parseAction({ id: "n1", text: "hello", sessionKey: S })).then((d) => (order.push(d.id), d));
    assert.equal(await settledYet(next), false, "the session's next action waits for the block's evidence");
    q.open();
    await Promise.all([block, next]);
    assert.deepEqual(order, ["b1", "n1"]);
    await p.stop();
  });

  it("stop() waits for evidence still being kept", async () => {
    const cfg = config({ "runtime.eval_timeout_ms": 10_000 });
    const q = gatedQuarantine();
    const defender = createDefender({ config: cfg, engine: await sharedEngine(), quarantine: q });
    const p = createPipeline({ config: cfg, defender });
    const block = p.submit(parseAction({ id: "b1", command: "rm -rf /", tool: "exec" }));
    await sleep(5);
    const stopping = p.stop();
    assert.equal(await settledYet(stopping), false);
    q.open();
    await stopping;
    assert.equal((await block).action, "block");
  });

  it(`beyond ${MAX_KEEPING} items waiting for evidence, the next one keeps its worker slot`, async () => {
    const cfg = config({ "runtime.worker_concurrency": 1, "runtime.eval_timeout_ms": 30_000, "runtime.max_queue": 1000 });
    const q = gatedQuarantine();
    const defender = createDefender({ config: cfg, engine: await sharedEngine(), quarantine: q });
    const p = createPipeline({ config: cfg, defender });
    // Distinct commands and sessions: no idempotency hits, no shared lane.
    const blocks = Array.from({ length: MAX_KEEPING + 1 }, (_, i) => p.submit(parseAction({ id: `b${i}`, command: `rm -rf / # ${i}`, tool: "exec", sessionKey: `agent:main:s${i}` })));
    const other = p.submit(parseAction({ id: "o1", text: "hello", sessionKey: "agent:main:other" }));
    assert.equal(await settledYet(other), false, "the slot is held by the block past the bound");
    q.open();
    assert.equal((await other).action, "allow");
    assert.ok((await Promise.all(blocks)).every((d) => d.action === "block"));
    await p.stop();
  });
});

describe("late evaluations after a fail mode", () => {
  /** A real defender without lookups whose evaluations of "busy" take 300 ms (a slow worker). */
  async function slowDefender(cfg: ReturnType<typeof config>) {
    const inner = createDefender({ config: cfg, engine: await sharedEngine() });
    const evaluated: string[] = [];
    const recorded: string[] = [];
    const d = {
      ...inner,
      hasLookups: false,
      async evaluate(action: Action, opts?: Parameters<typeof inner.evaluate>[1]) {
        evaluated.push(action.id);
        if (action.id === "busy") await sleep(300);
        return inner.evaluate(action, opts);
      },
      async record(action: Action, decision: Decision) {
        recorded.push(`${action.id}:${decision.action}`);
        return inner.record(action, decision);
      },
    };
    return { d, evaluated, recorded };
  }

  it("without lookups, an action already answered by the engine-backed fail mode is not evaluated again", async () => {
    const cfg = config({ "runtime.eval_timeout_ms": 100, "runtime.worker_concurrency": 1 });
    const { d, evaluated, recorded } = await slowDefender(cfg);
    const tel = recordingTelemetry();
    const p = createPipeline({ config: cfg, defender: d, telemetry: tel });
    const busy = p.submit(parseAction({ id: "busy", text: "hello", sessionKey: "agent:main:a" }));
    await sleep(5);
    const late = await p.submit(parseAction({ id: "late", command: "rm -rf /", tool: "exec", sessionKey: "agent:main:b" }));
    assert.ok(late.tags.includes("timeout"));
    assert.equal(late.action, "block", "the fail mode ran the engine: the known block stands");
    await busy;
    await p.stop();
    assert.deepEqual(evaluated, ["busy"], "the timed-out action is not evaluated a second time");
    assert.deepEqual(recorded.filter((r) => r.startsWith("late:")), ["late:block"], "its evidence was kept once, with the fail-mode answer");
    assert.equal(tel.total("late_evaluations_skipped"), 1);
  });
});
