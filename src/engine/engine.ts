// The decision engine: Action + Facts → Decision. Pure and synchronous: no I/O, no clock except
// the injected `now`. Detectors arrive as a parameter; the default set is wired in src/index.ts.

import type { ResolvedConfig } from "../config/schema.ts";
import { extractSubjects, unwrapToolCall } from "./action.ts";
import { applyPolicy } from "./policy.ts";
import type { Action, Decision, Detector, Facts, Finding } from "./types.ts";

export interface EngineOptions {
  readonly config: ResolvedConfig;
  readonly detectors: readonly Detector[];
  readonly version: string;
  /** Milliseconds clock; injected so tests and benchmarks need no mocks. */
  readonly now?: () => number;
  /** Label of the active policy (e.g. signed bundle "v12 key ops-2026"). */
  readonly policyVersion?: string;
}

export interface Engine {
  readonly config: ResolvedConfig;
  readonly detectors: readonly Detector[];
  evaluate(action: Action, facts?: Facts): Decision;
}

/** Builds an engine. Everything expensive (regex compilation, parser warm-up) happens in the detectors' constructors. */
export function createEngine(opts: EngineOptions): Engine {
  const now = opts.now ?? (() => performance.timeOrigin + performance.now());
  const disabled = new Set(opts.config.security.disabled_rules);
  const { security, runtime } = opts.config;
  return {
    config: opts.config,
    detectors: opts.detectors,
    evaluate(received: Action, facts: Facts = {}): Decision {
      const started = now();
      const action = unwrapToolCall(received);
      const subjects = extractSubjects(action);
      const findings: Finding[] = [];
      // Each step is timed so a slow evaluation (a pathological input, a regex that went
      // superlinear) names its culprit instead of only stalling the event loop unexplained. One
      // clock read per step: each step's end is the next one's start (the hot path pays 7 reads).
      let mark = now();
      let slowestId = "subjects";
      let slowestMs = mark - started;
      for (const d of opts.detectors) {
        try {
          for (const fd of d.detect({ action, subjects })) findings.push(fd);
        } catch (e) {
          // A detector bug must not turn into a silent allow: it lands at review and is tagged.
          findings.push({
            ruleId: "engine.detector-error",
            category: "engine",
            score: security.review_threshold,
            tag: "detector_error",
            message: `detector ${d.id} failed: ${(e as Error).message}; decided at review so the failure is seen`,
          });
        }
        const t = now();
        if (t - mark > slowestMs) {
          slowestMs = t - mark;
          slowestId = d.id;
        }
        mark = t;
      }
      if (facts.findings) findings.push(...facts.findings);
      const kept: Finding[] = [];
      let suppressed = 0;
      for (const fd of findings) {
        if (disabled.has(fd.ruleId)) suppressed++;
        else kept.push(fd);
      }
      const result = applyPolicy({ action, findings: kept, security, runtime });
      const tags = [...result.tags];
      for (const t of facts.tags ?? []) if (!tags.includes(t)) tags.push(t);
      if (suppressed > 0) tags.push("rule_suppressed");
      const durationMs = Math.max(0, now() - started);
      const slow = durationMs >= runtime.slow_eval_ms;
      if (slow) tags.push("slow_evaluation");
      return {
        id: action.id,
        action: result.action,
        riskScore: result.riskScore,
        rawScore: result.rawScore,
        reasons: result.reasons,
        tags,
        findings: kept,
        source: "clawshield",
        version: opts.version,
        ...(opts.policyVersion === undefined ? {} : { policyVersion: opts.policyVersion }),
        timing: { startedAtMs: Math.round(started), durationMs, ...(slow ? { slowest: { detector: slowestId, ms: Math.round(slowestMs * 10) / 10 } } : {}) },
      };
    },
  };
}
