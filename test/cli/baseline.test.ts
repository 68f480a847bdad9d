// `clawshield baseline create|verify|accept` through runCli with a captured context.
import assert from "node:assert/strict";
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { PassThrough } from "node:stream";
import { test } from "node:test";
import { loadConfig } from "../../src/config/load.ts";
import { runCli } from "../../src/cli/main.ts";
import type { CliContext } from "../../src/cli/context.ts";

function ctxFor(cwd: string, env: Record<string, string>): CliContext & { out: () => string; err: () => string } {
  let o = "";
  let e = "";
  const mk = (f: (s: string) => void) => Object.assign(new PassThrough(), { write: (s: string) => (f(String(s)), true) }) as unknown as NodeJS.WriteStream;
  return {
    stdin: new PassThrough(),
    stdout: mk((s) => (o += s)),
    stderr: mk((s) => (e += s)),
    env,
    cwd,
    loadConfig: (opts) => loadConfig({ ...(opts.config ? { path: opts.config } : {}), env, cwd }),
    setExitCode() {},
    out: () => o,
    err: () => e,
  };
}

test("baseline create / verify / accept with exit codes and --json", async () => {
  const root = mkdtempSync(path.join(tmpdir(), "cs-cli-bl-"));
  try {
    const prot = path.join(root, "prot");
    mkdirSync(prot);
    writeFileSync(path.join(prot, "a.txt"), "a\n");
    writeFileSync(path.join(root, "clawshield.toml"), `[security]\nprotect_paths = ["prot"]\n[runtime]\nstate_dir = "state"\n[integrity]\nopenclaw_state_dir = "oc"\n`);
    const run = async (...args: string[]) => {
      const c = ctxFor(root, {});
      const code = await runCli(args, c);
      return { code, out: c.out(), err: c.err() };
    };
    let r = await run("baseline", "verify");
    assert.equal(r.code, 2, "no baseline yet is a usage error");
    assert.match(r.err, /baseline create/);
    r = await run("baseline", "create", "--json");
    assert.equal(r.code, 0);
    assert.ok(JSON.parse(r.out).entries >= 2);
    r = await run("baseline", "create");
    assert.equal(r.code, 2, "refuses to overwrite");
    r = await run("baseline", "verify");
    assert.equal(r.code, 0);
    assert.match(r.out, /no drift/);
    appendFileSync(path.join(prot, "a.txt"), "evil\n");
    r = await run("baseline", "verify", "--json");
    assert.equal(r.code, 20);
    const j = JSON.parse(r.out);
    assert.equal(j.ok, false);
    assert.equal(j.drift[0].kind, "changed");
    r = await run("baseline", "accept");
    assert.equal(r.code, 0);
    assert.match(r.out, /accepted 1 change/);
    r = await run("baseline", "verify");
    assert.equal(r.code, 0);
    r = await run("baseline", "create", "--force");
    assert.equal(r.code, 0);
    r = await run("baseline", "verify", "--config", path.join(root, "missing.toml"));
    assert.equal(r.code, 2);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
