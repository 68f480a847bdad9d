// Session state store: both backends (counters in the Rust record shape, last decision, SQLite
// decision index), reload from disk, bounds (TTL, max sessions, max decisions), corrupt input, and
// a writer killed with SIGKILL mid-write leaves a consistent store.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { DatabaseSync } from "node:sqlite";
import { after, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { parseAction } from "../../src/engine/action.ts";
import type { Decision } from "../../src/engine/types.ts";
import { isClawShieldError } from "../../src/errors.ts";
import { openStateStore, stateBackendFor } from "../../src/store/state/index.ts";

const dirs: string[] = [];
const tmp = (): string => {
  const d = mkdtempSync(path.join(os.tmpdir(), "cs-state-"));
  dirs.push(d);
  return d;
};
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const decision = (id: string, action: Decision["action"], risk: number, ruleId?: string): Decision => ({
  id,
  action,
  riskScore: risk,
  rawScore: risk,
  reasons: [`r-${id}`],
  tags: ruleId ? ["t"] : [],
  findings: ruleId ? [{ ruleId, category: "c", score: risk, tag: "t", message: "m" }] : [],
  source: "clawshield",
  version: "test",
  timing: { startedAtMs: 0, durationMs: 0 },
});

const act = (id: string, sessionKey?: string, channel = "discord") => parseAction({ id, text: "x", sessionKey, channel, source: "agent" });

it("picks the backend by extension", () => {
  assert.equal(stateBackendFor("/a/state.db"), "sqlite");
  assert.equal(stateBackendFor("/a/state.SQLITE3"), "sqlite");
  assert.equal(stateBackendFor("/a/state.json"), "json");
  assert.equal(stateBackendFor("/a/state.txt"), undefined);
  assert.throws(() => openStateStore("/tmp/x.txt"), (e) => isClawShieldError(e) && e.code === "CS_STORE_UNAVAILABLE");
});

for (const ext of ["db", "json"] as const) {
  describe(`${ext} backend`, () => {
    it("counts per session in the Rust record shape, keeps the last decision, reloads from disk", () => {
      const file = path.join(tmp(), `state.${ext}`);
      let t = 1000;
      const s = openStateStore(file, { now: () => t, jsonFlushMs: 0 });
      s.record(act("a1", "s-1"), decision("a1", "allow", 0));
      t = 2000;
      s.record(act("a2", "s-1"), decision("a2", "review", 44, "inj.x"));
      s.record(act("a3", "s-1", "slack"), decision("a3", "block", 100, "cmd.rm"));
      s.record(act("g1"), decision("g1", "allow", 1));
      s.close();
      const r = openStateStore(file, { now: () => t });
      assert.deepEqual(r.get("s-1"), {
        session_id: "s-1",
        first_seen_ms: 1000,
        last_seen_ms: 2000,
        total_requests: 3,
        allowed_count: 1,
        review_count: 1,
        blocked_count: 1,
        last_action: "block",
        last_risk_score: 100,
        last_source: "agent",
        last_channel: "slack",
      });
      assert.equal(r.get("global")?.total_requests, 1, "no session key → the Rust \"global\" key");
      assert.equal(r.lastDecision("s-1")?.id, "a3");
      assert.equal(r.sessionCount(), 2);
      if (ext === "db") {
        const rows = r.decisions({ session: "s-1" });
        assert.deepEqual(rows.map((x) => x.id), ["a3", "a2", "a1"]);
        assert.deepEqual(rows[0]!.rule_ids, ["cmd.rm"]);
        assert.equal(r.decisions({ limit: 2 }).length, 2);
      } else {
        assert.deepEqual(r.decisions(), []);
        const doc = JSON.parse(readFileSync(file, "utf8")) as Record<string, Record<string, unknown>>;
        assert.equal(doc["s-1"]!.blocked_count, 1, "Rust-readable top-level map");
      }
      r.close();
    });

    it("counts add up across batches, and a burst in one batch counts every decision", () => {
      const file = path.join(tmp(), `state.${ext}`);
      let t = 1000;
      const s = openStateStore(file, { now: () => t, jsonFlushMs: 0 });
      for (let i = 0; i < 5; i++) s.record(act(`b${i}`, "s-2"), decision(`b${i}`, i === 4 ? "block" : "allow", i === 4 ? 100 : 0));
      assert.equal(s.get("s-2")?.total_requests, 5, "one batch, five decisions");
      t = 3000;
      s.record(act("c1", "s-2"), decision("c1", "review", 50));
      s.record(act("c2", "s-3"), decision("c2", "allow", 0));
      const st = s.get("s-2");
      assert.deepEqual([st?.total_requests, st?.allowed_count, st?.review_count, st?.blocked_count, st?.first_seen_ms, st?.last_seen_ms, st?.last_action], [6, 4, 1, 1, 1000, 3000, "review"]);
      assert.equal(s.lastDecision("s-2")?.id, "c1");
      assert.equal(s.get("s-3")?.total_requests, 1);
      s.close();
    });

    it("bounds growth: session TTL and max sessions (least recently seen removed first)", () => {
      const file = path.join(tmp(), `state.${ext}`);
      let t = 0;
      const s = openStateStore(file, { now: () => t, sessionTtlMs: 10_000, maxSessions: 3, maxDecisions: 4, pruneEvery: 1_000_000, jsonFlushMs: 0 });
      for (let i = 0; i < 6; i++) {
        t = 1000 + i;
        s.record(act(`x${i}`, `s${i}`), decision(`x${i}`, "allow", 0));
      }
      assert.ok(s.prune() >= 3);
      assert.equal(s.sessionCount(), 3);
      assert.equal(s.get("s0"), undefined);
      assert.ok(s.get("s5"));
      if (ext === "db") assert.equal(s.decisions({ limit: 100 }).length, 4);
      t = 1005 + 10_001;
      s.prune();
      assert.equal(s.sessionCount(), 0);
      s.close();
    });

    it("an attacker-length session id is cut and hashed", () => {
      const file = path.join(tmp(), `state.${ext}`);
      const s = openStateStore(file, { jsonFlushMs: 0 });
      const long = `agent:main:discord:group:${"z".repeat(5000)}`;
      s.record(act("l1", long), decision("l1", "allow", 0));
      assert.equal(s.sessionCount(), 1);
      assert.equal(s.get(long), undefined);
      s.close();
    });
  });
}

it("json: a malformed file is moved aside, counted, and the store starts empty", () => {
  const dir = tmp();
  const file = path.join(dir, "state.json");
  writeFileSync(file, '{"s-1": {"total_requests": 3');
  const counts: string[] = [];
  const s = openStateStore(file, { telemetry: { count: (n) => void counts.push(n), observe() {}, gauge() {} } });
  assert.equal(s.sessionCount(), 0);
  assert.deepEqual(counts, ["state_corrupt"]);
  assert.ok(readdirSync(dir).some((n) => n.startsWith("state.json.corrupt-")));
  s.close();
});

it("sqlite: a file that is not a database is a clear CS_STORE_UNAVAILABLE error", () => {
  const file = path.join(tmp(), "state.db");
  writeFileSync(file, "this is not sqlite at all, just text ".repeat(200));
  assert.throws(() => openStateStore(file), (e) => isClawShieldError(e) && e.code === "CS_STORE_UNAVAILABLE" && /Fix:/.test(e.message));
});

const NODE = process.execPath;
const STATE_INDEX = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../src/store/state/index.ts");

/** Starts a child that records decisions in a tight loop; resolves once it has written `min` records. */
function startWriter(file: string, min: number): Promise<ReturnType<typeof spawn>> {
  const code = `
    import { openStateStore } from ${JSON.stringify(STATE_INDEX)};
    const s = openStateStore(${JSON.stringify(file)}, { jsonFlushMs: 0, pruneEvery: 50, maxSessions: 40 });
    const big = "y".repeat(2000);
    for (let i = 0; ; i++) {
      const action = { id: "w" + i, kind: "prompt", text: big, context: { sessionKey: "s" + (i % 97), channel: "discord" } };
      s.record(action, { id: "w" + i, action: i % 3 === 0 ? "block" : "allow", riskScore: i % 100, rawScore: i % 100, reasons: [big], tags: [], findings: [], source: "clawshield", version: "t", timing: { startedAtMs: 0, durationMs: 0 } });
      // Commit what is batched before saying so: the kill must find committed rows even when this
      // child is starved of CPU (the loop never yields, so the batch timer cannot fire).
      if (i === ${min}) { s.flush(); process.stdout.write("ready\\n"); }
    }`;
  const child = spawn(NODE, ["--input-type=module", "-e", code], { stdio: ["ignore", "pipe", "pipe"] });
  return new Promise((resolve, reject) => {
    let err = "";
    child.stderr!.on("data", (c) => (err += String(c)));
    child.stdout!.on("data", (c) => {
      if (String(c).includes("ready")) resolve(child);
    });
    child.on("exit", (code) => reject(new Error(`writer exited early (${code}): ${err}`)));
  });
}

async function killHard(child: ReturnType<typeof spawn>, afterMs: number): Promise<void> {
  await new Promise((r) => setTimeout(r, afterMs));
  child.removeAllListeners("exit");
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGKILL");
  await exited;
}

describe("crash safety (writer killed with SIGKILL mid-write)", () => {
  it("sqlite: integrity_check is ok and committed rows are readable", { timeout: 60_000 }, async () => {
    const file = path.join(tmp(), "state.db");
    for (let round = 0; round < 3; round++) {
      const child = await startWriter(file, 200);
      await killHard(child, 30 + round * 25);
      const raw = new DatabaseSync(file);
      assert.equal((raw.prepare("PRAGMA integrity_check").get() as { integrity_check: string }).integrity_check, "ok");
      raw.close();
      const s = openStateStore(file);
      assert.ok(s.sessionCount() > 0 && s.sessionCount() <= 97);
      assert.ok(s.decisions({ limit: 5 }).length > 0);
      s.close();
    }
  });

  it("json: the file always parses after a kill, and no temp file is left after reopening", { timeout: 60_000 }, async () => {
    const dir = tmp();
    const file = path.join(dir, "state.json");
    for (let round = 0; round < 3; round++) {
      const child = await startWriter(file, 20);
      await killHard(child, 20 + round * 25);
      assert.ok(existsSync(file));
      const doc = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
      assert.ok(Object.keys(doc).length > 0);
      const s = openStateStore(file);
      assert.ok(s.sessionCount() > 0);
      s.close();
      assert.deepEqual(readdirSync(dir).filter((n) => n.endsWith(".tmp")), []);
    }
  });
});
