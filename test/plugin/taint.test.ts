// Session taint map: TTL expiry, size bound (least recently tainted dropped), pending scans.
import assert from "node:assert/strict";
import { it } from "node:test";
import { describeTaint, TaintTracker } from "../../src/plugin/taint.ts";

const info = { source: "read result", ruleIds: ["inj.override.ignore-previous"], riskScore: 100, decisionId: "d1" };

it("taints, refreshes and expires after the TTL", () => {
  let t = 1_000;
  const tr = new TaintTracker({ ttlMs: 10_000, maxSessions: 100, now: () => t });
  assert.equal(tr.get("s"), undefined);
  tr.taint("s", info);
  t += 9_000;
  assert.equal(tr.get("s")?.count, 1);
  tr.taint("s", { ...info, decisionId: "d2" });
  t += 9_000; // 18 s after the first, 9 s after the refresh
  const got = tr.get("s");
  assert.equal(got?.count, 2);
  assert.equal(got?.firstAtMs, 1_000);
  assert.equal(got?.decisionId, "d2");
  t += 1_000;
  assert.equal(tr.get("s"), undefined, "expired 10 s after the last injection");
  assert.equal(tr.size, 0);
});

it("keeps at most maxSessions entries, dropping the least recently tainted", () => {
  let t = 0;
  const tr = new TaintTracker({ ttlMs: 1e9, maxSessions: 3, now: () => ++t });
  for (const s of ["a", "b", "c"]) tr.taint(s, info);
  tr.taint("a", info); // refresh: now b is the oldest
  tr.taint("d", info);
  assert.equal(tr.size, 3);
  assert.equal(tr.get("b"), undefined);
  assert.ok(tr.get("a") && tr.get("c") && tr.get("d"));
  assert.equal(tr.evicted, 1);
  tr.configure({ ttlMs: 1e9, maxSessions: 1 });
  assert.equal(tr.size, 1);
  assert.ok(tr.get("d"));
});

it("tracks running scans per session and settles them (bounded)", async () => {
  const tr = new TaintTracker({ ttlMs: 1000, maxSessions: 10 });
  let release!: () => void;
  tr.track("s", new Promise<void>((r) => (release = r)));
  tr.track("s", Promise.reject(new Error("scan failed"))); // a failed scan never blocks settle
  assert.equal(await tr.settle("s", 20), false, "times out while a scan runs");
  release();
  assert.equal(await tr.settle("s", 1000), true);
  assert.equal(tr.pending("s"), 0);
  assert.equal(await tr.settle("other", 10), true);
});

it("describes a taint in one line with source, rules and age", () => {
  const tr = new TaintTracker({ ttlMs: 60_000, maxSessions: 10, now: () => 5_000 });
  const i = tr.taint("s", { ...info, ruleIds: ["inj.a", "inj.b", "inj.c", "inj.d"] });
  assert.equal(describeTaint(i, 17_000), "session tainted by a prompt injection in the read result (inj.a, inj.b, inj.c, …; decision d1, 12 s ago)");
});
