// What every CLI command gets: config loading with the global flags, a logger and IO streams.

import { loadConfig } from "../config/load.ts";
import type { ResolvedConfig } from "../config/schema.ts";

export interface CliContext {
  readonly stdin: NodeJS.ReadableStream;
  readonly stdout: NodeJS.WriteStream;
  readonly stderr: NodeJS.WriteStream;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** Loads the config from --config / env / default file, with flag overrides. */
  loadConfig(opts: { config?: string; auditOnly?: boolean }): ResolvedConfig;
  /** Sets the process exit code (commands never call process.exit themselves). */
  setExitCode(code: number): void;
  /** `start` may re-execute Node with the runtime flags (src/service/node-flags.ts); false for in-process callers. */
  readonly allowReexec?: boolean;
}

export function createCliContext(): CliContext {
  return {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    loadConfig(opts) {
      return loadConfig({
        ...(opts.config ? { path: opts.config } : {}),
        env: process.env,
        cwd: process.cwd(),
        overrides: opts.auditOnly ? { "runtime.audit_only": true } : {},
      });
    },
    setExitCode(code) {
      process.exitCode = code;
    },
  };
}
