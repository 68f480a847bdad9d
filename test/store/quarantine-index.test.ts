// The quarantine index: one chained line per record (file name + SHA-256), prune entries, and
// verification of the chain and of every indexed file.
import assert from "node:assert/strict";
import { readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { parseAction } from "../../src/engine/action.ts";
import type { Decision } from "../../src/engine/types.ts";
import { createQuarantine, QUARANTINE_INDEX, verifyQuarantine } from "../../src/store/quarantine.ts";
import { tmp } from "../policy/helpers.ts";

const decision: Decision = { id: "x", action: "block", riskScore: 100, rawScore: 100, reasons: [], tags: [], findings: [], source: "clawshield", version: "t", timing: { startedAtMs: 0, durationMs: 0 } };

async function fill(n: number, maxRecords = 0): Promise<string> {
  const dir = tmp("cs-q-");
  let t = 1_700_000_000_000;
  const q = createQuarantine({ dir, maxRecords, maxPayloadBytes: 1024, now: () => t++ });
  for (let i = 0; i < n; i++) await q.write(parseAction({ id: `r${i}`, command: "rm -rf /" }), decision);
  q.close?.();
  return dir;
}
const recs = (dir: string) => readdirSync(dir).filter((n) => n.startsWith("blocked-") && n.endsWith(".json")).sort();

describe("quarantine index", () => {
  it("indexes every record with its SHA-256 and verifies", async () => {
    const dir = await fill(4);
    const idx = readFileSync(path.join(dir, QUARANTINE_INDEX), "utf8").trim().split("\n").map((l) => JSON.parse(l));
    assert.equal(idx.length, 4);
    assert.deepEqual(idx.map((r) => r.file).sort(), recs(dir));
    const rep = verifyQuarantine(dir);
    assert.equal(rep.ok, true, JSON.stringify(rep.issues));
    assert.equal(rep.indexedFiles, 4);
  });

  it("concurrent writes keep one valid chain", async () => {
    const dir = tmp("cs-q-");
    const q = createQuarantine({ dir, maxRecords: 0, maxPayloadBytes: 1024 });
    await Promise.all(Array.from({ length: 30 }, (_, i) => q.write(parseAction({ id: `c${i}`, command: "x" }), decision)));
    assert.equal(verifyQuarantine(dir).ok, true);
  });

  it("pruned records are not tampering; a deleted or edited record file is", async () => {
    const dir = await fill(6, 3);
    assert.equal(recs(dir).length, 3);
    let rep = verifyQuarantine(dir);
    assert.equal(rep.ok, true, JSON.stringify(rep.issues));
    const [a, b] = recs(dir);
    rmSync(path.join(dir, a!));
    writeFileSync(path.join(dir, b!), readFileSync(path.join(dir, b!), "utf8").replace('"block"', '"allow"'));
    rep = verifyQuarantine(dir);
    assert.equal(rep.ok, false);
    assert.ok(rep.issues.some((i) => i.kind === "missing-file" && i.recordId === a), JSON.stringify(rep.issues));
    assert.ok(rep.issues.some((i) => i.kind === "file-changed" && i.recordId === b), JSON.stringify(rep.issues));
  });

  it("a deleted index line is found; a record file not in the index is a warning", async () => {
    const dir = await fill(5);
    const p = path.join(dir, QUARANTINE_INDEX);
    const ls = readFileSync(p, "utf8").trim().split("\n");
    ls.splice(2, 1);
    writeFileSync(p, `${ls.join("\n")}\n`);
    const rep = verifyQuarantine(dir);
    assert.equal(rep.ok, false);
    assert.ok(rep.issues.some((i) => i.kind === "deleted" && i.line === 3));
    assert.ok(rep.warnings.some((w) => /not in the index/.test(w)));
  });
});
