// Runs the CLI in-process with captured streams, or as a real child process.
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { PassThrough } from "node:stream";
import { loadConfig } from "../../src/config/load.ts";
import type { CliContext } from "../../src/cli/context.ts";
import { runCli } from "../../src/cli/main.ts";

export const REPO = path.resolve(import.meta.dirname, "../..");
export const MAIN = path.join(REPO, "src/cli/main.ts");

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `clawshield <args>` in-process in a fresh temp cwd (so no local config or state leaks in). */
export async function cli(args: string[], opts: { stdin?: string; cwd?: string; env?: Record<string, string> } = {}): Promise<CliResult> {
  const cwd = opts.cwd ?? mkdtempSync(path.join(tmpdir(), "cs-cli-"));
  const stdin = new PassThrough();
  stdin.end(opts.stdin ?? "");
  let out = "";
  let err = "";
  const mk = (sink: (s: string) => void) => ({ write: (s: string | Uint8Array) => (sink(String(s)), true), isTTY: false, once: () => undefined }) as unknown as NodeJS.WriteStream;
  const env = { ...(opts.env ?? {}) };
  const ctx: CliContext = {
    stdin,
    stdout: mk((s) => (out += s)),
    stderr: mk((s) => (err += s)),
    env,
    cwd,
    loadConfig: (o) => loadConfig({ ...(o.config ? { path: path.resolve(cwd, o.config) } : {}), env, cwd, overrides: o.auditOnly ? { "runtime.audit_only": true } : {} }),
    setExitCode: () => undefined,
  };
  const code = await runCli(args, ctx);
  return { code, stdout: out, stderr: err };
}

/** Runs the CLI as a child process on the current Node (24 under npm test). */
export function cliProcess(args: string[], opts: { stdin?: string; cwd?: string } = {}): CliResult {
  const cwd = opts.cwd ?? mkdtempSync(path.join(tmpdir(), "cs-cli-"));
  const r = spawnSync(process.execPath, [MAIN, ...args], { cwd, input: opts.stdin ?? "", encoding: "utf8", timeout: 60_000, env: { PATH: process.env.PATH ?? "", HOME: cwd } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
