// Node's on-disk compile cache for the long-running process (`clawshield start`).
//
// ClawShield runs its TypeScript directly (Node's type stripping). The first file a process strips
// loads Node's stripper, amaro: a 3.8 MB bundled source string plus swc's WebAssembly, about
// 10-20 MB of RSS that the sidecar then keeps for its whole life. Node's compile cache stores the
// stripped JavaScript (and V8's code cache) on disk, keyed by each source's hash, so a process whose
// modules are all cached never loads amaro (measured: README "Performance").
//
// The cache holds code the process will run, so it lives in a private folder: under
// runtime.state_dir (or CLAWSHIELD_COMPILE_CACHE), created 0700, owned by the service's user, not a
// symlink, not writable by group or others. Anything else leaves the cache off, with the reason
// logged: never a shared temp folder another user could fill first.

import { lstatSync, mkdirSync } from "node:fs";
import path from "node:path";

/** Env override: a folder, or off / 0 / false to run without the cache. */
export const COMPILE_CACHE_ENV = "CLAWSHIELD_COMPILE_CACHE";
/** Set for the short warm-up run of `start` that fills the cache and exits (src/cli/commands/sidecar.ts). */
export const WARM_ONLY_ENV = "CLAWSHIELD_WARM_ONLY";
/** The folder's name under runtime.state_dir. */
export const COMPILE_CACHE_SUBDIR = "node-compile-cache";

/** The folder to use, or why there is none (`off`: the operator turned it off, nothing to warn about). */
export type CompileCacheDir = { readonly ok: true; readonly dir: string } | { readonly ok: false; readonly reason: string; readonly off?: true };

/** Where the cache goes: CLAWSHIELD_COMPILE_CACHE, else `<state_dir>/node-compile-cache`. */
export function compileCacheDir(stateDir: string, env: Readonly<Record<string, string | undefined>> = process.env): CompileCacheDir {
  const v = (env[COMPILE_CACHE_ENV] ?? "").trim();
  if (["off", "0", "false", "no"].includes(v.toLowerCase())) return { ok: false, reason: `${COMPILE_CACHE_ENV}=${v}`, off: true };
  return { ok: true, dir: path.resolve(v !== "" ? v : path.join(stateDir, COMPILE_CACHE_SUBDIR)) };
}

/**
 * Creates the folder (0700) if needed and checks it is private: a real folder, owned by this
 * process's user, not writable by group or others. Returns why not otherwise.
 */
export function preparePrivateDir(dir: string): CompileCacheDir {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const st = lstatSync(dir);
    if (st.isSymbolicLink() || !st.isDirectory()) return { ok: false, reason: `${dir} is not a folder (a symlink or a file)` };
    const uid = process.getuid?.();
    if (uid !== undefined && st.uid !== uid) return { ok: false, reason: `${dir} belongs to uid ${st.uid}, not to this process's user (uid ${uid})` };
    if ((st.mode & 0o022) !== 0) return { ok: false, reason: `${dir} is writable by group or others (mode ${(st.mode & 0o777).toString(8)}); fix: chmod 700 ${dir}` };
    return { ok: true, dir };
  } catch (e) {
    return { ok: false, reason: `cannot create ${dir}: ${(e as Error).message}` };
  }
}

/** The cache folder for a service process, prepared; or why the service runs without one. */
export function serviceCompileCache(stateDir: string, env: Readonly<Record<string, string | undefined>> = process.env): CompileCacheDir {
  const d = compileCacheDir(stateDir, env);
  return d.ok ? preparePrivateDir(d.dir) : d;
}
