// Hot reload of the signed policy bundle. The bundle and its signature are watched (fs.watch on
// their folders, so editors' rename-replace is seen, plus a periodic stat as a fallback). A change
// is applied only when the new bundle verifies and is not a rollback; otherwise the last good
// policy stays and `onReject` raises the alert. A failure is re-checked once after `settleMs`
// before alerting, so deploying bundle and signature one after the other does not alarm.

import { readFileSync, statSync, watch, type FSWatcher } from "node:fs";
import path from "node:path";
import type { ResolvedConfig } from "../config/schema.ts";
import { ClawShieldError, ErrorCode, isClawShieldError } from "../errors.ts";
import { sha256Hex } from "../store/chain.ts";
import { applyBundle, appliedPolicyOf, loadVerifiedBundle, readPolicyState, writePolicyState, type AppliedPolicy, type PolicySetup } from "./bundle.ts";

export interface PolicyWatcherOptions {
  /** The config in use (as returned by loadConfig: it knows its bundle). */
  readonly config: ResolvedConfig;
  /** Installs the new config (builds an engine and swaps it in). A throw counts as a rejection. */
  onUpdate(next: ResolvedConfig, applied: AppliedPolicy): Promise<void> | void;
  onReject(err: ClawShieldError, info: { readonly bundlePath: string; readonly keptLabel: string }): void;
  readonly intervalMs?: number;
  readonly debounceMs?: number;
  readonly settleMs?: number;
}

export interface PolicyWatcher {
  /** Checks the files now (also what the watch and the timer call). Resolves when done. */
  check(): Promise<void>;
  /** The label of the policy in use. */
  current(): string;
  stop(): void;
}

export function watchPolicy(opts: PolicyWatcherOptions): PolicyWatcher | undefined {
  const ap = appliedPolicyOf(opts.config);
  const setup: PolicySetup | undefined = ap?.setup;
  if (!ap || !setup || !ap.verified) return undefined;
  const base = ap.base;
  let active = ap;
  const debounceMs = opts.debounceMs ?? 200;
  const settleMs = opts.settleMs ?? 1000;
  const files = [setup.bundlePath, ...(setup.signaturePath ? [setup.signaturePath] : [])];
  const read = (f: string): Buffer | undefined => {
    try {
      return readFileSync(f);
    } catch {
      return undefined;
    }
  };
  const fingerprint = (): string => files.map((f) => sha256Hex(read(f) ?? Buffer.from("<missing>"))).join(":");
  let lastSeen = fingerprint();
  let failing: { fp: string; since: number; alerted: boolean } | undefined;
  let stopped = false;
  let running: Promise<void> | undefined;
  let again = false;
  let debounce: NodeJS.Timeout | undefined;
  let settle: NodeJS.Timeout | undefined;

  const attempt = async (): Promise<void> => {
    const fp = fingerprint();
    if (fp === lastSeen && failing === undefined) return;
    const cur = active.verified!;
    try {
      const vb = loadVerifiedBundle(setup, { version: cur.bundle.version, sha256: cur.bundle.sha256 });
      lastSeen = fp;
      failing = undefined;
      if (vb.bundle.sha256 === cur.bundle.sha256) return; // only the signature file changed
      const next = applyBundle(base, vb, setup);
      await opts.onUpdate(next, appliedPolicyOf(next)!);
      active = appliedPolicyOf(next)!;
      const state = readPolicyState(setup.statePath);
      if (state === undefined || vb.bundle.version > state.highestVersion || vb.bundle.sha256 !== state.sha256) writePolicyState(setup.statePath, vb);
    } catch (e) {
      const err = isClawShieldError(e) ? e : new ClawShieldError(ErrorCode.POLICY_REJECTED, `${ErrorCode.POLICY_REJECTED}: policy update failed: ${(e as Error).message}. Fix: check the bundle; the last good policy stays.`, {}, e);
      const now = Date.now();
      if (failing === undefined || failing.fp !== fp) failing = { fp, since: now, alerted: false };
      if (!failing.alerted && now - failing.since < settleMs) {
        // Give a half-deployed update (bundle first, signature next) a moment before alerting.
        clearTimeout(settle);
        settle = setTimeout(() => void trigger(), settleMs);
        settle.unref();
        return;
      }
      if (!failing.alerted) {
        failing.alerted = true;
        lastSeen = fp;
        opts.onReject(err, { bundlePath: setup.bundlePath, keptLabel: active.label });
      }
    }
  };

  const trigger = (): Promise<void> => {
    if (stopped) return Promise.resolve();
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        await attempt();
      } while (again && !stopped);
    })().finally(() => {
      running = undefined;
    });
    return running;
  };

  const schedule = (): void => {
    clearTimeout(debounce);
    debounce = setTimeout(() => void trigger(), debounceMs);
    debounce.unref();
  };

  const watchers: FSWatcher[] = [];
  for (const dir of new Set(files.map((f) => path.dirname(f)))) {
    try {
      const names = new Set(files.filter((f) => path.dirname(f) === dir).map((f) => path.basename(f)));
      const w = watch(dir, { persistent: false }, (_ev, name) => {
        if (name === null || names.has(String(name))) schedule();
      });
      w.on("error", () => undefined); // the stat timer keeps working
      watchers.push(w);
    } catch {
      // fs.watch unavailable (some network file systems): the stat timer covers it.
    }
  }
  const statKey = (): string =>
    files
      .map((f) => {
        try {
          const s = statSync(f);
          return `${s.ino}:${s.size}:${s.mtimeMs}`;
        } catch {
          return "missing";
        }
      })
      .join("|");
  let lastStat = statKey();
  const timer = setInterval(() => {
    const k = statKey();
    if (k !== lastStat) {
      lastStat = k;
      schedule();
    }
  }, opts.intervalMs ?? 2000);
  timer.unref();

  return {
    check: () => trigger(),
    current: () => active.label,
    stop() {
      stopped = true;
      clearInterval(timer);
      clearTimeout(debounce);
      clearTimeout(settle);
      for (const w of watchers) w.close();
    },
  };
}
