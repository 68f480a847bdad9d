// The hash-chained decision log: written by createDecisionLog, checked by verifyChain. Every kind of
// tampering (edit, delete, reorder, truncate, insert) is found and located; an untampered rotated
// log, a restart and a crash-torn line pass.
import assert from "node:assert/strict";
import { appendFileSync, closeSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { createDecisionLog } from "../../src/store/decision-log.ts";
import { chainFiles, checkpointsPathOf, expectedHash, GENESIS_HASH, LINE_HASH_ALG, recordHash, sealLine, verifyChain } from "../../src/store/chain.ts";
import { loadSigner, publicKeyFromRaw } from "../../src/policy/keys.ts";
import { makeKey, tmp } from "../policy/helpers.ts";

function writeLog(n: number, opts: { maxBytes?: number; keep?: number; every?: number } = {}): string {
  const file = path.join(tmp("cs-dlog-"), "decisions.jsonl");
  const log = createDecisionLog({ path: file, maxBytes: opts.maxBytes ?? 1 << 30, keep: opts.keep ?? 5, checkpointEvery: opts.every ?? 1000 });
  for (let i = 1; i <= n; i++) log.append({ ts: `2026-01-01T00:00:${String(i % 60).padStart(2, "0")}Z`, type: "decision", decision: { id: `d${i}`, action: i % 3 === 0 ? "block" : "allow", riskScore: i } });
  log.close();
  return file;
}

const lines = (f: string): string[] => readFileSync(f, "utf8").split("\n").filter((l) => l !== "");
const put = (f: string, ls: string[]): void => writeFileSync(f, ls.map((l) => `${l}\n`).join(""));

describe("hash-chained decision log", () => {
  it("chains every record from the genesis hash and passes verification", () => {
    const f = writeLog(10);
    const recs = lines(f).map((l) => JSON.parse(l));
    assert.equal(recs.length, 10, "one line per record (checkpoints go to a side file)");
    assert.equal(recs[0].prevHash, GENESIS_HASH);
    assert.equal(recs[0].seq, 1);
    for (let i = 1; i < recs.length; i++) assert.equal(recs[i].prevHash, recs[i - 1].hash);
    lines(f).forEach((l, i) => {
      assert.equal(recs[i].hashAlg, LINE_HASH_ALG);
      assert.equal(expectedHash(l, recs[i]), recs[i].hash, "hash = sha256 of the line without its hash member");
      assert.ok(l.endsWith(`,"hash":"${recs[i].hash}"}`), "hash is the last member");
    });
    const rep = verifyChain(f);
    assert.equal(rep.ok, true, JSON.stringify(rep.issues));
    assert.equal(rep.records, 10);
    assert.equal(rep.checkpoints, 1, "a checkpoint on close");
  });

  it("detects an edited record and names its line, id and hashes", () => {
    const f = writeLog(10);
    const ls = lines(f);
    ls[4] = ls[4]!.replace('"action":"allow"', '"action":"block"');
    put(f, ls);
    const rep = verifyChain(f);
    assert.equal(rep.ok, false);
    assert.equal(rep.issues.length, 1);
    const is = rep.issues[0]!;
    assert.equal(is.kind, "edited");
    assert.equal(is.line, 5);
    assert.equal(is.seq, 5);
    assert.equal(is.recordId, "d5");
    assert.match(is.expected ?? "", /^[0-9a-f]{64}$/);
    assert.notEqual(is.expected, is.found);
  });

  it("detects a deleted record", () => {
    const f = writeLog(10);
    const ls = lines(f);
    ls.splice(3, 1);
    put(f, ls);
    const rep = verifyChain(f);
    assert.equal(rep.ok, false);
    assert.equal(rep.issues[0]!.kind, "deleted");
    assert.equal(rep.issues[0]!.line, 4);
    assert.match(rep.issues[0]!.message, /seq 4 missing/);
  });

  it("detects deleting the first record", () => {
    const f = writeLog(5);
    put(f, lines(f).slice(1));
    const rep = verifyChain(f);
    assert.equal(rep.ok, false);
    assert.equal(rep.issues[0]!.kind, "deleted");
  });

  it("detects reordered records", () => {
    const f = writeLog(10);
    const ls = lines(f);
    [ls[5], ls[6]] = [ls[6]!, ls[5]!];
    put(f, ls);
    const rep = verifyChain(f);
    assert.equal(rep.ok, false);
    assert.ok(rep.issues.some((i) => i.kind === "reordered" && i.line === 7), JSON.stringify(rep.issues));
  });

  it("detects an inserted record, forged or with a recomputed hash", () => {
    const f = writeLog(6);
    const ls = lines(f);
    const forged = { ts: "x", type: "decision", decision: { id: "evil", action: "allow" } };
    put(f, [...ls.slice(0, 3), JSON.stringify(forged), ...ls.slice(3)]);
    let rep = verifyChain(f);
    assert.equal(rep.ok, false);
    assert.equal(rep.issues[0]!.kind, "unchained");
    assert.equal(rep.issues[0]!.line, 4);
    // A careful forger links the record to its predecessor and hashes it correctly: the next genuine record no longer links.
    const prev = JSON.parse(ls[2]!);
    const linked = sealLine({ ...forged, seq: prev.seq + 1, prevHash: prev.hash, hashAlg: LINE_HASH_ALG }).line.trimEnd();
    put(f, [...ls.slice(0, 3), linked, ...ls.slice(3)]);
    rep = verifyChain(f);
    assert.equal(rep.ok, false);
    assert.ok(rep.issues.some((i) => i.kind === "inserted" && i.line === 5), JSON.stringify(rep.issues));
  });

  it("detects truncation: a cut-off last line, and whole records removed from the end (checkpoint)", () => {
    const f = writeLog(8);
    const text = readFileSync(f, "utf8");
    writeFileSync(f, text.slice(0, text.length - 40));
    let rep = verifyChain(f);
    assert.equal(rep.ok, false);
    assert.ok(rep.issues.some((i) => i.kind === "truncated" && i.line === 8), JSON.stringify(rep.issues));
    const g = writeLog(8);
    put(g, lines(g).slice(0, 6));
    rep = verifyChain(g);
    assert.equal(rep.ok, false);
    assert.ok(rep.issues.some((i) => i.kind === "truncated" && i.seq === 8), JSON.stringify(rep.issues));
  });

  it("a rewritten chain (all hashes recomputed) is caught by the checkpoint", () => {
    const f = writeLog(5);
    const recs = lines(f).map((l) => JSON.parse(l));
    recs[1].decision.action = "allow-edited";
    let prevHash = recs[0].hash;
    const out = [lines(f)[0]!];
    for (const r of recs.slice(1)) {
      r.prevHash = prevHash;
      delete r.hash;
      const sealed = sealLine(r);
      out.push(sealed.line.trimEnd());
      prevHash = sealed.hash;
    }
    put(f, out);
    const rep = verifyChain(f);
    assert.equal(rep.ok, false);
    assert.ok(rep.issues.some((i) => i.kind === "edited" && i.seq === 5 && /checkpoint/.test(i.message)), JSON.stringify(rep.issues));
  });

  it("format-1 records (canonical-JSON hash, written before the line hash) still verify, and a mixed log chains across formats", () => {
    const f = path.join(tmp("cs-dlog-"), "decisions.jsonl");
    const r1: Record<string, unknown> = { ts: "t1", type: "decision", decision: { id: "a", action: "allow", riskScore: 0 }, seq: 1, prevHash: GENESIS_HASH };
    r1.hash = recordHash(r1);
    const r2: Record<string, unknown> = { type: "decision", ts: "t2", decision: { riskScore: 3, id: "b", action: "review" }, seq: 2, prevHash: r1.hash };
    r2.hash = recordHash(r2);
    put(f, [JSON.stringify(r1), JSON.stringify(r2)]);
    const log = createDecisionLog({ path: f, maxBytes: 1 << 30, keep: 2 });
    log.append({ ts: "t3", type: "decision", decision: { id: "c", action: "block", riskScore: 90 } });
    log.close();
    const rep = verifyChain(f);
    assert.equal(rep.ok, true, JSON.stringify(rep.issues));
    assert.equal(rep.records, 3);
    const ls = lines(f);
    put(f, [ls[0]!.replace('"allow"', '"block"'), ...ls.slice(1)]);
    assert.equal(verifyChain(f).issues[0]?.kind, "edited", "a format-1 edit is still found");
  });

  it("a record cannot bring its own hash member (it is the chain's)", () => {
    const f = path.join(tmp("cs-dlog-"), "decisions.jsonl");
    const log = createDecisionLog({ path: f, maxBytes: 1 << 30, keep: 2 });
    assert.throws(() => log.append({ type: "decision", hash: "mine" }), /cannot carry its own "hash" member/);
    log.append({ type: "decision", sha256: "fine" });
    log.close();
    assert.equal(verifyChain(f).ok, true);
  });

  it("group commit writes a turn's lines together, keeps one valid chain, and flushes on close", async () => {
    const f = path.join(tmp("cs-dlog-"), "decisions.jsonl");
    const log = createDecisionLog({ path: f, maxBytes: 3000, keep: 20, checkpointEvery: 7, groupCommit: true });
    for (let i = 1; i <= 5; i++) log.append({ ts: "t", type: "decision", decision: { id: `g${i}`, action: "allow", riskScore: i } });
    assert.equal(lines(f).length, 0, "nothing written within the turn");
    await new Promise((r) => setImmediate(r));
    assert.equal(lines(f).length, 5, "written at the end of the turn");
    for (let i = 6; i <= 40; i++) log.append({ ts: "t", type: "decision", decision: { id: `g${i}`, action: "allow", riskScore: i } });
    log.close();
    const rep = verifyChain(f);
    assert.equal(rep.ok, true, JSON.stringify(rep.issues));
    assert.equal(rep.records, 40);
    assert.ok(rep.files.length > 1, "rotated inside a batch");
    assert.ok(rep.checkpoints >= 5, `periodic checkpoints inside a batch (${rep.checkpoints})`);
  });

  it("group commit: a failed write reaches onError with the number of records lost", async () => {
    const dir = tmp("cs-dlog-");
    const f = path.join(dir, "decisions.jsonl");
    const errors: number[] = [];
    const log = createDecisionLog({ path: f, maxBytes: 1 << 30, keep: 2, groupCommit: true, onError: (_e, lost) => errors.push(lost) });
    log.append({ ts: "t", type: "decision", decision: { id: "ok1" } });
    log.flush?.();
    // Simulate the file descriptor going bad (disk gone): close it behind the writer's back.
    const fds = readdirSync("/proc/self/fd").map(Number).filter((fd) => {
      try {
        return readlinkSync(`/proc/self/fd/${fd}`) === f;
      } catch {
        return false;
      }
    });
    assert.equal(fds.length, 1);
    closeSync(fds[0]!);
    log.append({ ts: "t", type: "decision", decision: { id: "lost1" } });
    log.append({ ts: "t", type: "decision", decision: { id: "lost2" } });
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(errors, [2]);
    assert.equal(lines(f).length, 1);
  });

  it("rotation keeps one chain across files; an untampered rotated log passes; the chain continues after a restart", () => {
    const f = writeLog(60, { maxBytes: 2000, keep: 50 });
    const files = chainFiles(f);
    assert.ok(files.length > 3, `rotated into ${files.length} files`);
    let rep = verifyChain(f);
    assert.equal(rep.ok, true, JSON.stringify(rep.issues));
    assert.equal(rep.records, 60);
    const first = JSON.parse(lines(f)[0]!);
    const lastOfRotated = JSON.parse(lines(`${f}.1`).at(-1)!);
    assert.equal(first.prevHash, lastOfRotated.hash);
    const log = createDecisionLog({ path: f, maxBytes: 2000, keep: 50 });
    log.append({ type: "decision", decision: { id: "after-restart" } });
    log.close();
    rep = verifyChain(f);
    assert.equal(rep.ok, true, JSON.stringify(rep.issues));
    assert.equal(rep.lastSeq, 61);
    // a deleted middle rotated file is found
    rmSync(files[1]!);
    assert.equal(verifyChain(f).ok, false);
  });

  it("oldest rotated files removed by keep= are not tampering", () => {
    const f = writeLog(80, { maxBytes: 1500, keep: 3 });
    const rep = verifyChain(f);
    assert.equal(rep.ok, true, JSON.stringify(rep.issues));
    assert.ok(rep.firstSeq! > 1);
    assert.ok(rep.warnings.some((w) => /rotated away/.test(w)));
  });

  it("a crash-torn last line is acknowledged on restart and is not reported as tampering", () => {
    const f = writeLog(4);
    appendFileSync(f, '{"type":"decision","decision":{"id":"half');
    const log = createDecisionLog({ path: f, maxBytes: 1 << 30, keep: 2 });
    log.append({ type: "decision", decision: { id: "d5" } });
    log.close();
    const rep = verifyChain(f);
    assert.equal(rep.ok, true, JSON.stringify(rep.issues));
    assert.ok(rep.warnings.some((w) => /acknowledged by a chain_recovery/.test(w)));
    assert.equal(rep.lastSeq, 6);
  });

  it("signed checkpoints verify with the operator's key; a forged one is found", () => {
    const dir = tmp("cs-dlog-");
    const k = makeKey("ops");
    writeFileSync(path.join(dir, "ops.key"), k.pem, { mode: 0o600 });
    const signer = loadSigner(path.join(dir, "ops.key"));
    const f = path.join(dir, "decisions.jsonl");
    const log = createDecisionLog({ path: f, maxBytes: 1 << 30, keep: 2, checkpointEvery: 3, signer });
    for (let i = 0; i < 7; i++) log.append({ type: "decision", decision: { id: `d${i}` } });
    log.close();
    const keys = new Map([["ops", publicKeyFromRaw(signer.publicKeyRaw)]]);
    let rep = verifyChain(f, { keys, requireSignedCheckpoints: true });
    assert.equal(rep.ok, true, JSON.stringify(rep.issues));
    assert.equal(rep.signedCheckpoints, 3);
    const cp = checkpointsPathOf(f);
    const cps = lines(cp).map((l) => JSON.parse(l));
    cps[1].hash = "f".repeat(64);
    put(cp, cps.map((c) => JSON.stringify(c)));
    rep = verifyChain(f, { keys });
    assert.ok(rep.issues.some((i) => i.kind === "checkpoint" && /does not verify/.test(i.message)), JSON.stringify(rep.issues));
  });
});
