// Host integrity monitor: a baseline (SHA-256, size, mode, owner, mtime, symlink target) of the
// protected paths, checked on an interval and on file-system events; drift is sticky until an
// operator re-baselines (`clawshield baseline accept`), and every evaluation carries it. The
// baseline file itself is protected by a SHA-256 sidecar checked at start and on every check.

import { createHash, randomBytes } from "node:crypto";
import { constants, watch, type FSWatcher } from "node:fs";
import { glob, lstat, mkdir, open, readFile, readdir, readlink, rename, stat, unlink } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { ResolvedConfig } from "../../config/schema.ts";
import { isShellTool } from "../../engine/action.ts";
import type { Action, Finding, Subject } from "../../engine/types.ts";
import { noTelemetry, silentLogger, type FactProvider, type Logger, type Telemetry } from "../../defender/types.ts";
import { resolveOpenClawPaths, type Env } from "./openclaw-paths.ts";

export type EntryType = "file" | "dir" | "symlink" | "other" | "absent";

export interface BaselineEntry {
  readonly type: EntryType;
  readonly size?: number;
  readonly mode?: number;
  readonly uid?: number;
  readonly gid?: number;
  readonly mtimeMs?: number;
  /** Content hash (for a symlink: of what it points to, when that is a regular file). */
  readonly sha256?: string;
  readonly linkTarget?: string;
}

export interface ProtectedTarget {
  readonly path: string;
  /** Why it is protected: "protect_paths", "openclaw-config", "workspace-identity", ... */
  readonly source: string;
}

export interface Baseline {
  readonly version: 1;
  readonly createdAt: string;
  readonly host: string;
  readonly targets: readonly ProtectedTarget[];
  readonly entries: Readonly<Record<string, BaselineEntry>>;
}

export type DriftKind = "changed" | "missing" | "new" | "mode" | "owner" | "symlink" | "type" | "baseline-tampered" | "baseline-missing" | "check-error";

export interface DriftItem {
  readonly kind: DriftKind;
  readonly path: string;
  readonly detail: string;
  readonly firstSeen: string;
}

export interface DriftReport {
  /** True when no drift is active. */
  readonly ok: boolean;
  /** All active (sticky) drift, oldest first. */
  readonly drift: readonly DriftItem[];
  /** Drift first seen by this check. */
  readonly fresh: readonly DriftItem[];
  readonly checkedAt: string;
  readonly baselinePath: string;
  readonly baselineCreatedAt?: string;
  readonly entries: number;
}

export interface BaselineSummary {
  readonly baselinePath: string;
  readonly createdAt: string;
  readonly entries: number;
  readonly targets: readonly ProtectedTarget[];
}

export interface IntegrityDeps {
  readonly telemetry?: Telemetry;
  readonly logger?: Logger;
  readonly env?: Env;
  readonly homedir?: () => string;
  readonly now?: () => number;
}

export interface IntegrityMonitor extends FactProvider {
  readonly baselinePath: string;
  /** Loads (or, with auto_baseline, creates) the baseline, runs a first check, starts the interval and watchers. */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Re-checks every protected path now; new drift joins the sticky set. */
  verify(): Promise<DriftReport>;
  /** Writes a fresh baseline of the current state (refuses to overwrite unless `force`). */
  createBaseline(opts?: { force?: boolean }): Promise<BaselineSummary>;
  /** Re-baselines the current state and clears all drift (operator accepted the changes). */
  acceptBaseline(): Promise<BaselineSummary>;
  currentDrift(): readonly DriftItem[];
  /** The paths that are protected under this config. */
  targets(): readonly ProtectedTarget[];
}

const IDENTITY_FILES = ["SOUL.md", "MEMORY.md", "AGENTS.md", "USER.md", "IDENTITY.md", "TOOLS.md", "HEARTBEAT.md", "BOOTSTRAP.md"];
const GLOB_CHARS = /[*?[\]{}]/;

export function baselinePathOf(config: ResolvedConfig): string {
  return config.integrity.baseline_path ?? path.join(config.runtime.state_dir, "integrity-baseline.json");
}

/** Every protected path of a config: security.protect_paths plus the OpenClaw defaults. */
export function protectedTargets(config: ResolvedConfig, env: Env = process.env, homedir: () => string = os.homedir): ProtectedTarget[] {
  const out: ProtectedTarget[] = [];
  const seen = new Set<string>();
  const add = (p: string | undefined, source: string): void => {
    if (p === undefined || p.trim() === "") return;
    const abs = path.resolve(config.baseDir, p);
    if (seen.has(abs)) return;
    seen.add(abs);
    out.push({ path: abs, source });
  };
  for (const p of config.security.protect_paths) add(p, "protect_paths");
  if (config.integrity.openclaw_defaults) {
    const oc = resolveOpenClawPaths(config, env, homedir);
    add(oc.configPath, "openclaw-config");
    add(oc.execApprovalsPath, "openclaw-exec-approvals");
    for (const f of IDENTITY_FILES) add(path.join(oc.workspaceDir, f), "workspace-identity");
    add(path.join(oc.workspaceDir, "skills", "*", "SKILL.md"), "workspace-skills");
    add(path.join(oc.stateDir, "skills", "*", "SKILL.md"), "managed-skills");
    add(config.sourcePath, "clawshield-config");
    add(config.security.signed_policy_bundle, "clawshield-policy-bundle");
    add(config.security.signed_policy_signature, "clawshield-policy-signature");
  }
  return out;
}

/** Is this action exec-like (what the default drift policy raises)? */
export function isExecLike(action: Action, subjects: readonly Subject[]): boolean {
  return action.kind === "command" || isShellTool(action.tool) || subjects.some((s) => s.kind === "command");
}

export function createIntegrityMonitor(config: ResolvedConfig, deps: IntegrityDeps = {}): IntegrityMonitor {
  const ic = config.integrity;
  const telemetry = deps.telemetry ?? noTelemetry;
  const log = deps.logger ?? silentLogger;
  const env = deps.env ?? process.env;
  const nowMs = deps.now ?? Date.now;
  const iso = (): string => new Date(nowMs()).toISOString();
  const baselinePath = baselinePathOf(config);
  const sidecarPath = `${baselinePath}.sha256`;
  const stateDir = path.resolve(config.runtime.state_dir);
  const compat = config.security.scoring === "compat";
  const targetList = protectedTargets(config, env, deps.homedir ?? os.homedir);

  let baseline: Baseline | undefined;
  const drift = new Map<string, DriftItem>();
  let timer: NodeJS.Timeout | undefined;
  const watchers: FSWatcher[] = [];
  let debounce: NodeJS.Timeout | undefined;
  let running: Promise<DriftReport> | undefined;
  let again = false;
  let stopped = true;
  let truncated = false;

  const raise = (kind: DriftKind, p: string, detail: string, fresh: DriftItem[]): void => {
    const key = `${kind}\u0000${p}`;
    if (drift.has(key)) return;
    const item: DriftItem = { kind, path: p, detail, firstSeen: iso() };
    drift.set(key, item);
    fresh.push(item);
    telemetry.count("integrity_drift_detected", { kind });
    log.warn({ kind, path: p, detail }, "host integrity drift");
  };

  const excluded = (p: string): boolean => {
    if (p === baselinePath || p === sidecarPath || p.startsWith(`${baselinePath}.tmp-`) || p.startsWith(`${sidecarPath}.tmp-`)) return true;
    if (p === stateDir || p.startsWith(stateDir + path.sep)) return true;
    return ic.exclude.some((g) => path.matchesGlob(p, g));
  };

  async function describe(p: string): Promise<BaselineEntry> {
    let st;
    try {
      st = await lstat(p);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "ENOENT" || code === "ENOTDIR") return { type: "absent" };
      throw e;
    }
    const common = { mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, mtimeMs: Math.round(st.mtimeMs) };
    if (st.isSymbolicLink()) {
      const linkTarget = await readlink(p);
      let sha256: string | undefined;
      try {
        const t = await stat(p);
        if (t.isFile() && t.size <= ic.max_file_bytes) sha256 = await hashFile(p);
      } catch {
        /* dangling link: the target string is still compared */
      }
      return { type: "symlink", linkTarget, ...common, ...(sha256 === undefined ? {} : { sha256 }) };
    }
    if (st.isDirectory()) return { type: "dir", ...common };
    if (st.isFile()) {
      const sha256 = st.size <= ic.max_file_bytes ? await hashFile(p) : undefined;
      return { type: "file", size: st.size, ...common, ...(sha256 === undefined ? {} : { sha256 }) };
    }
    return { type: "other", ...common };
  }

  /** Current state of every protected path (folders walked, globs expanded). */
  async function snapshot(errors: string[]): Promise<Record<string, BaselineEntry>> {
    const entries: Record<string, BaselineEntry> = {};
    let count = 0;
    truncated = false;
    const record = async (p: string): Promise<BaselineEntry | undefined> => {
      if (excluded(p)) return undefined;
      if (count >= ic.max_files) {
        truncated = true;
        if (count === ic.max_files) errors.push(`more than integrity.max_files (${ic.max_files}) protected entries; the rest are not checked`);
        count++;
        return undefined;
      }
      count++;
      try {
        const e = await describe(p);
        entries[p] = e;
        return e;
      } catch (err) {
        errors.push(`${p}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
        return undefined;
      }
    };
    const walk = async (dir: string, depth: number): Promise<void> => {
      if (depth > 64) return;
      let names: string[];
      try {
        names = await readdir(dir);
      } catch (err) {
        errors.push(`${dir}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
        return;
      }
      names.sort();
      for (const n of names) {
        const p = path.join(dir, n);
        const e = await record(p);
        if (e?.type === "dir") await walk(p, depth + 1);
      }
    };
    for (const t of targetList) {
      if (GLOB_CHARS.test(t.path)) {
        const matches: string[] = [];
        try {
          for await (const m of glob(t.path)) matches.push(path.resolve(m));
        } catch (err) {
          errors.push(`${t.path}: ${(err as Error).message}`);
        }
        for (const m of matches.sort()) {
          const e = await record(m);
          if (e?.type === "dir") await walk(m, 0);
        }
        continue;
      }
      const e = await record(t.path);
      if (e?.type === "dir") await walk(t.path, 0);
    }
    return entries;
  }

  function diff(base: Baseline, cur: Record<string, BaselineEntry>, fresh: DriftItem[]): void {
    for (const [p, b] of Object.entries(base.entries)) {
      const c = cur[p];
      if (c === undefined) {
        // Not seen by the walk: gone, unless it is excluded now or the walk was cut at max_files.
        if (!excluded(p) && !truncated && b.type !== "absent") raise("missing", p, `${b.type} is missing`, fresh);
        continue;
      }
      if (b.type === "absent") {
        if (c.type !== "absent") raise("new", p, `${c.type} appeared where none was at baseline`, fresh);
        continue;
      }
      if (c.type === "absent") {
        raise("missing", p, `${b.type} is missing`, fresh);
        continue;
      }
      if (b.type !== c.type) {
        if (b.type === "symlink" || c.type === "symlink") raise("symlink", p, `was ${b.type}${b.linkTarget ? ` -> ${b.linkTarget}` : ""}, now ${c.type}${c.linkTarget ? ` -> ${c.linkTarget}` : ""}`, fresh);
        else raise("type", p, `was ${b.type}, now ${c.type}`, fresh);
        continue;
      }
      if (b.type === "symlink" && b.linkTarget !== c.linkTarget) raise("symlink", p, `link target changed: ${b.linkTarget} -> ${c.linkTarget}`, fresh);
      if (b.type === "file" || b.type === "symlink") {
        if (b.sha256 !== undefined && c.sha256 !== undefined) {
          if (b.sha256 !== c.sha256) raise("changed", p, `hash changed (baseline=${b.sha256}, current=${c.sha256})`, fresh);
        } else if (b.type === "file" && (b.size !== c.size || b.mtimeMs !== c.mtimeMs)) {
          raise("changed", p, `size/mtime changed (${b.size}/${b.mtimeMs} -> ${c.size}/${c.mtimeMs}; too large to hash)`, fresh);
        }
      }
      if (b.type !== "symlink" && b.mode !== c.mode) raise("mode", p, `mode ${fmtMode(b.mode)} -> ${fmtMode(c.mode)}`, fresh);
      if (b.uid !== c.uid || b.gid !== c.gid) raise("owner", p, `owner ${b.uid}:${b.gid} -> ${c.uid}:${c.gid}`, fresh);
    }
    for (const [p, c] of Object.entries(cur)) {
      if (p in base.entries || c.type === "absent") continue;
      raise("new", p, `new ${c.type} in a protected folder or glob`, fresh);
    }
  }

  /** Reads and checks the baseline against its sidecar. Tampering is raised as drift. */
  async function loadBaseline(fresh: DriftItem[]): Promise<Baseline | undefined> {
    let bytes: Buffer | undefined;
    let side: string | undefined;
    try {
      bytes = await readFile(baselinePath);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") {
        raise("check-error", baselinePath, `cannot read the baseline: ${(e as NodeJS.ErrnoException).code}`, fresh);
        return undefined;
      }
    }
    try {
      side = (await readFile(sidecarPath, "utf8")).trim().split(/\s+/)[0];
    } catch {
      side = undefined;
    }
    if (bytes === undefined) {
      if (side !== undefined) raise("baseline-tampered", baselinePath, "the baseline file was deleted (its .sha256 sidecar remains)", fresh);
      return undefined;
    }
    const sha = createHash("sha256").update(bytes).digest("hex");
    if (side === undefined) raise("baseline-tampered", baselinePath, "the baseline's .sha256 sidecar is missing", fresh);
    else if (side !== sha) raise("baseline-tampered", baselinePath, `the baseline file changed outside ClawShield (recorded ${side}, now ${sha})`, fresh);
    try {
      const b = JSON.parse(bytes.toString("utf8")) as Baseline;
      if (b.version !== 1 || typeof b.entries !== "object" || b.entries === null) throw new Error("unknown baseline format");
      return b;
    } catch (e) {
      raise("baseline-tampered", baselinePath, `the baseline is not valid: ${(e as Error).message}`, fresh);
      return undefined;
    }
  }

  async function writeBaseline(): Promise<BaselineSummary> {
    const errors: string[] = [];
    const entries = await snapshot(errors);
    for (const e of errors) log.warn({ error: e }, "host integrity: path skipped in baseline");
    const b: Baseline = { version: 1, createdAt: iso(), host: os.hostname(), targets: targetList, entries };
    const text = `${JSON.stringify(b, null, 2)}\n`;
    const sha = createHash("sha256").update(text).digest("hex");
    await mkdir(path.dirname(baselinePath), { recursive: true });
    await atomicWrite(baselinePath, text);
    await atomicWrite(sidecarPath, `${sha}  ${path.basename(baselinePath)}\n`);
    baseline = b;
    telemetry.count("integrity_baseline_written");
    return { baselinePath, createdAt: b.createdAt, entries: Object.keys(entries).length, targets: targetList };
  }

  async function check(): Promise<DriftReport> {
    const fresh: DriftItem[] = [];
    const b = await loadBaseline(fresh);
    if (b !== undefined && baseline !== undefined && b.createdAt !== baseline.createdAt && fresh.length === 0) {
      // A new, correctly sealed baseline on disk: `clawshield baseline accept` ran in another
      // process. The operator accepted the current state, so the sticky drift ends here.
      drift.clear();
      log.info({ baselinePath, createdAt: b.createdAt }, "host integrity: baseline replaced (accepted by an operator), drift cleared");
    }
    if (b !== undefined) baseline = b;
    if (baseline === undefined) {
      raise("baseline-missing", baselinePath, "no baseline: run `clawshield baseline create`", fresh);
    } else {
      const errors: string[] = [];
      const cur = await snapshot(errors);
      diff(baseline, cur, fresh);
      for (const e of errors) raise("check-error", e.split(": ")[0] ?? e, e, fresh);
    }
    telemetry.count("integrity_checks");
    telemetry.gauge("integrity_drift_active", drift.size);
    return report(fresh);
  }

  function report(fresh: readonly DriftItem[]): DriftReport {
    return {
      ok: drift.size === 0,
      drift: [...drift.values()],
      fresh,
      checkedAt: iso(),
      baselinePath,
      ...(baseline ? { baselineCreatedAt: baseline.createdAt } : {}),
      entries: baseline ? Object.keys(baseline.entries).length : 0,
    };
  }

  const verify = async (): Promise<DriftReport> => {
    if (running !== undefined) {
      again = true;
      return running;
    }
    running = check().finally(() => {
      running = undefined;
    });
    const r = await running;
    if (again && !stopped) {
      again = false;
      return verify();
    }
    return r;
  };

  const schedule = (): void => {
    if (stopped) return;
    if (debounce !== undefined) clearTimeout(debounce);
    debounce = setTimeout(() => {
      debounce = undefined;
      verify().catch((e: unknown) => log.error({ err: (e as Error).message }, "host integrity check failed"));
    }, ic.debounce_ms);
    debounce.unref?.();
  };

  const startWatchers = (): void => {
    const dirs = new Map<string, { recursive: boolean; names?: Set<string> }>();
    for (const t of targetList) {
      if (GLOB_CHARS.test(t.path)) {
        const fixed = t.path.split(path.sep).findIndex((seg) => GLOB_CHARS.test(seg));
        const base = t.path.split(path.sep).slice(0, fixed).join(path.sep) || path.sep;
        dirs.set(base, { recursive: true });
        continue;
      }
      const e = baseline?.entries[t.path];
      if (e?.type === "dir") dirs.set(t.path, { recursive: true });
      else {
        const parent = path.dirname(t.path);
        const cur = dirs.get(parent);
        if (cur?.recursive) continue;
        const names = cur?.names ?? new Set<string>();
        names.add(path.basename(t.path));
        dirs.set(parent, { recursive: false, names });
      }
    }
    for (const [dir, spec] of dirs) {
      try {
        const w = watch(dir, { recursive: spec.recursive, persistent: false }, (_ev, name) => {
          if (spec.names && name !== null && !spec.names.has(String(name))) return;
          schedule();
        });
        w.on("error", () => schedule());
        watchers.push(w);
      } catch {
        // The folder may not exist yet; the interval check still covers it.
      }
    }
  };

  const findingsFor = (action: Action, subjects: readonly Subject[]): Finding[] => {
    if (drift.size === 0) return [];
    const items = [...drift.values()];
    if (compat) {
      const alerts = items.filter((d) => d.kind !== "check-error");
      if (alerts.length > 0) {
        return [{ ruleId: "fs.integrity.drift", category: "host-integrity", score: 55, tag: "host_integrity", message: `integrity mismatch: ${alerts.map(alertText).join("; ")}` }];
      }
      return [{ ruleId: "fs.integrity.check-error", category: "host-integrity", score: 20, tag: "host_integrity_error", message: "host integrity check failed" }];
    }
    const affected = ic.drift_scope === "all" || isExecLike(action, subjects);
    const floor = !affected || ic.drift_action === "tag" ? undefined : ic.drift_action === "block" ? ("block" as const) : ("review" as const);
    const byKind = new Map<DriftKind, DriftItem[]>();
    for (const d of items) byKind.set(d.kind, [...(byKind.get(d.kind) ?? []), d]);
    const effect = floor === undefined ? (affected ? "tagged only (integrity.drift_action = tag)" : "this action is not exec-like, so it is only tagged") : `exec-like actions are raised to at least ${floor}`;
    const out: Finding[] = [];
    for (const [kind, list] of byKind) {
      const shown = list.slice(0, 5).map(alertText).join("; ");
      out.push({
        ruleId: `fs.integrity.${kind}`,
        category: "host-integrity",
        score: 0,
        tag: kind === "check-error" ? "host_integrity_error" : "host_integrity",
        message: `host integrity drift (${kind}, ${list.length} path${list.length === 1 ? "" : "s"}, since ${list[0]!.firstSeen}): ${shown}${list.length > 5 ? "; …" : ""}; ${effect}. Inspect with \`clawshield baseline verify\`, then \`clawshield baseline accept\` if the change is legitimate`,
        ...(floor === undefined ? {} : { floor }),
      });
    }
    return out;
  };

  return {
    id: "integrity",
    baselinePath,
    targets: () => targetList,
    currentDrift: () => [...drift.values()],
    collect(action, subjects) {
      return findingsFor(action, subjects);
    },
    async start() {
      if (!ic.enabled) return;
      stopped = false;
      const fresh: DriftItem[] = [];
      const b = await loadBaseline(fresh);
      if (b !== undefined) baseline = b;
      else if (ic.auto_baseline && fresh.length === 0) {
        const s = await writeBaseline();
        telemetry.count("integrity_baseline_created");
        log.warn({ baselinePath, entries: s.entries }, "host integrity: no baseline found, created one from the current state (verify it is trusted)");
      }
      await verify();
      if (ic.check_interval_secs > 0) {
        timer = setInterval(() => void verify().catch(() => undefined), ic.check_interval_secs * 1000);
        timer.unref?.();
      }
      if (ic.watch) startWatchers();
    },
    async stop() {
      stopped = true;
      if (timer !== undefined) clearInterval(timer);
      if (debounce !== undefined) clearTimeout(debounce);
      timer = undefined;
      debounce = undefined;
      for (const w of watchers.splice(0)) w.close();
      if (running !== undefined) await running.catch(() => undefined);
    },
    verify,
    async createBaseline(opts = {}) {
      if (!opts.force) {
        const exists = await stat(baselinePath).then(() => true, () => false);
        if (exists) throw Object.assign(new Error(`a baseline already exists at ${baselinePath}; use \`clawshield baseline accept\` to replace it after reviewing drift, or --force`), { code: "BASELINE_EXISTS" });
      }
      const s = await writeBaseline();
      drift.clear();
      return s;
    },
    async acceptBaseline() {
      if (running !== undefined) await running.catch(() => undefined);
      const s = await writeBaseline();
      drift.clear();
      telemetry.gauge("integrity_drift_active", 0);
      log.info({ baselinePath, entries: s.entries }, "host integrity: baseline accepted, drift cleared");
      return s;
    },
  };
}

function alertText(d: DriftItem): string {
  return d.kind === "missing" ? `${d.path} is missing` : `${d.path}: ${d.detail}`;
}

function fmtMode(m: number | undefined): string {
  return m === undefined ? "?" : `0${m.toString(8)}`;
}

async function hashFile(p: string): Promise<string> {
  const fh = await open(p, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const st = await fh.stat();
    if (!st.isFile()) throw Object.assign(new Error("not a regular file"), { code: "ENOTREG" });
    const h = createHash("sha256");
    const buf = Buffer.allocUnsafe(1 << 16);
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      h.update(buf.subarray(0, bytesRead));
    }
    return h.digest("hex");
  } finally {
    await fh.close();
  }
}

/** Temp file in the same folder, fsync, rename over the target, fsync the folder. */
export async function atomicWrite(file: string, text: string): Promise<void> {
  const tmp = `${file}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`;
  const fh = await open(tmp, "w", 0o600);
  try {
    await fh.writeFile(text);
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await rename(tmp, file);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
  try {
    const dh = await open(path.dirname(file), "r");
    await dh.sync().catch(() => undefined);
    await dh.close();
  } catch {
    /* folder fsync is best effort */
  }
}
