// Atomic, durable file writes (temp file, fsync, rename, shared folder fsync): what lands, what
// never lands (torn files, leftover temp files), and failures that reject instead of losing data.
import assert from "node:assert/strict";
import { mkdirSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { writeFileAtomic, writeFileAtomicSync } from "../../src/store/atomic-file.ts";
import { tmp } from "../policy/helpers.ts";

describe("writeFileAtomic", () => {
  it("writes the whole content with mode 0600 and leaves no temp file", async () => {
    const dir = tmp("cs-atomic-");
    const file = path.join(dir, "sub", "a.json");
    await writeFileAtomic(file, '{"a":1}\n');
    assert.equal(readFileSync(file, "utf8"), '{"a":1}\n');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.deepEqual(readdirSync(path.dirname(file)), ["a.json"]);
  });

  it("many concurrent writes to one folder all land, sharing folder flushes", async () => {
    const dir = tmp("cs-atomic-");
    const n = 64;
    await Promise.all(Array.from({ length: n }, (_, i) => writeFileAtomic(path.join(dir, `f${i}.txt`), `content ${i}\n`.repeat(50))));
    const names = readdirSync(dir).sort();
    assert.equal(names.length, n, "every file, no temp files left");
    for (let i = 0; i < n; i++) assert.equal(readFileSync(path.join(dir, `f${i}.txt`), "utf8"), `content ${i}\n`.repeat(50));
    // A later write still gets its own flush after the shared ones settled.
    await writeFileAtomic(path.join(dir, "late.txt"), "late");
    assert.equal(readFileSync(path.join(dir, "late.txt"), "utf8"), "late");
  });

  it("writes bytes as given", async () => {
    const dir = tmp("cs-atomic-");
    const bytes = Uint8Array.from([0, 1, 2, 255]);
    await writeFileAtomic(path.join(dir, "b.bin"), bytes);
    assert.deepEqual([...readFileSync(path.join(dir, "b.bin"))], [0, 1, 2, 255]);
  });

  it("rejects when the target cannot be replaced, and removes its temp file", async () => {
    const dir = tmp("cs-atomic-");
    const target = path.join(dir, "taken");
    mkdirSync(path.join(target, "child"), { recursive: true }); // a non-empty folder: rename fails
    await assert.rejects(writeFileAtomic(target, "x"));
    assert.deepEqual(readdirSync(dir), ["taken"], "no temp file left behind");
  });

  it("the synchronous variant writes the same way", () => {
    const dir = tmp("cs-atomic-");
    writeFileAtomicSync(path.join(dir, "s.json"), "sync");
    assert.equal(readFileSync(path.join(dir, "s.json"), "utf8"), "sync");
    assert.deepEqual(readdirSync(dir), ["s.json"]);
  });
});
