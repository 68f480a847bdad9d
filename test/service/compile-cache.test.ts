// Where the service's compile cache lives and when it is refused: it holds code the process runs,
// so only a private folder of this user is accepted.
import assert from "node:assert/strict";
import { chmodSync, mkdirSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { compileCacheDir, preparePrivateDir, serviceCompileCache } from "../../src/service/compile-cache.ts";
import { tmp } from "../policy/helpers.ts";

describe("compile cache folder", () => {
  it("defaults to <state_dir>/node-compile-cache; CLAWSHIELD_COMPILE_CACHE moves it or turns it off", () => {
    assert.deepEqual(compileCacheDir("/var/lib/clawshield", {}), { ok: true, dir: "/var/lib/clawshield/node-compile-cache" });
    assert.deepEqual(compileCacheDir("/var/lib/clawshield", { CLAWSHIELD_COMPILE_CACHE: "/srv/cache" }), { ok: true, dir: "/srv/cache" });
    for (const off of ["off", "0", "false", "OFF"]) assert.deepEqual(compileCacheDir("/x", { CLAWSHIELD_COMPILE_CACHE: off }), { ok: false, reason: `CLAWSHIELD_COMPILE_CACHE=${off}`, off: true });
  });

  it("creates the folder private (0700)", () => {
    const dir = path.join(tmp("cs-cc-"), "state", "node-compile-cache");
    assert.deepEqual(serviceCompileCache(path.dirname(dir), {}), { ok: true, dir });
    assert.equal(statSync(dir).mode & 0o777, 0o700);
  });

  it("refuses a folder others can write, a symlink and a file", () => {
    const base = tmp("cs-cc-");
    const open = path.join(base, "open");
    mkdirSync(open);
    chmodSync(open, 0o777);
    const r1 = preparePrivateDir(open);
    assert.equal(r1.ok, false);
    assert.match(!r1.ok ? r1.reason : "", /writable by group or others.*chmod 700/);
    const real = path.join(base, "real");
    mkdirSync(real, { mode: 0o700 });
    symlinkSync(real, path.join(base, "link"));
    assert.equal(preparePrivateDir(path.join(base, "link")).ok, false);
    writeFileSync(path.join(base, "file"), "x");
    assert.equal(preparePrivateDir(path.join(base, "file")).ok, false);
  });
});
