// How the long-running defender process (`clawshield start`: the sidecar and the HTTP API) runs
// Node. Measured with `npm run bench -- --only sidecar` (README "Performance"); each setting fixes
// something seen there:
// - `--liftoff-only`: tree-sitter-bash's WASM stays on V8's baseline compiler. By default V8
//   re-compiles hot WASM functions with its optimizing compiler in the background; for this
//   grammar's huge lexer one such compile took ~550 MB of native memory (valgrind massif: Turboshaft
//   loop unrolling), which the allocator then kept: RSS went from ~120 MB to 400-650 MB. A command
//   parses ~10 µs slower on baseline code.
// - `--max-semi-space-size=8`: a smaller young generation (default up to 16-32 MB per semi-space).
// - `--max-old-space-size=256`: lowers V8's heap growth targets (RSS ~190 → ~175 MB under load). It
//   is also a hard limit: the live heap under load is ~40-60 MB, and 256 MB leaves room for several
//   inputs at the largest scanned size (security.max_scan_bytes) in flight at once.
// - `MALLOC_ARENA_MAX=1`, `MALLOC_TRIM_THRESHOLD_=65536`: glibc otherwise gives every thread that
//   allocates (GC helpers, the libuv pool doing quarantine writes) its own arena and keeps freed
//   memory in each; one arena, trimmed sooner, held RSS ~15 MB lower with no throughput loss.
// V8 flags cannot be changed once the process runs (V8 freezes them), so `clawshield start`
// re-executes itself with them when they are missing; the systemd unit and the container image pass
// them directly. CLAWSHIELD_NODE_TUNING=off keeps the process as started.

export const RUNTIME_NODE_FLAGS: readonly string[] = ["--liftoff-only", "--max-semi-space-size=8", "--max-old-space-size=256"];
export const RUNTIME_ENV: Readonly<Record<string, string>> = { MALLOC_ARENA_MAX: "1", MALLOC_TRIM_THRESHOLD_: "65536" };

/** Set in the re-executed child, so it never re-executes again. */
const REEXEC_MARK = "CLAWSHIELD_NODE_TUNED";

/** Whether this process lacks the runtime flags and may re-execute itself with them. */
export function shouldReexec(execArgv: readonly string[] = process.execArgv, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env[REEXEC_MARK] === "1") return false;
  const opt = (env.CLAWSHIELD_NODE_TUNING ?? "").trim().toLowerCase();
  if (opt === "off" || opt === "0" || opt === "false") return false;
  return !hasRuntimeFlags(execArgv);
}

/** True when every runtime flag is present (an operator's own value for a heap flag counts). */
export function hasRuntimeFlags(execArgv: readonly string[]): boolean {
  return missingRuntimeFlags(execArgv).length === 0;
}

/** Flags to add to a Node command line: the runtime flags the operator has not set already. */
export function missingRuntimeFlags(execArgv: readonly string[]): string[] {
  const set = new Set(execArgv.map((a) => a.split("=")[0]));
  return RUNTIME_NODE_FLAGS.filter((f) => !set.has(f.split("=")[0]));
}

/** The child's argv and env for re-executing this process with the runtime settings. */
export function reexecCommand(execArgv: readonly string[] = process.execArgv, argv: readonly string[] = process.argv, env: NodeJS.ProcessEnv = process.env): { args: string[]; env: NodeJS.ProcessEnv } {
  return {
    args: [...missingRuntimeFlags(execArgv), ...execArgv, ...argv.slice(1)],
    env: { ...RUNTIME_ENV, ...env, [REEXEC_MARK]: "1" },
  };
}
