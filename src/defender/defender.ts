// The defender: what every shell (CLI, sidecar, plugin, HTTP) calls. It runs the I/O lookups
// (fact providers) under a deadline, asks the pure engine for a decision, and keeps the evidence:
// a quarantine record for every block, the decision log, and any other sinks (session state).

import type { ResolvedConfig } from "../config/schema.ts";
import type { Engine } from "../engine/engine.ts";
import { toDecisionEvent } from "../engine/event.ts";
import { extractSubjects } from "../engine/action.ts";
import type { Action, Decision, Finding } from "../engine/types.ts";
import { peekAttestation } from "../policy/attest.ts";
import type { DecisionLog } from "../store/decision-log.ts";
import type { Quarantine } from "../store/quarantine.ts";
import { noTelemetry, silentLogger, type FactProvider, type Logger, type Telemetry } from "./types.ts";

/** Receives every decision after it is made (state store, decision stream, hook-liveness guard). */
export interface DecisionSink {
  readonly id: string;
  record(action: Action, decision: Decision): void | Promise<void>;
}

export interface DefenderDeps {
  readonly config: ResolvedConfig;
  readonly engine: Engine;
  readonly providers?: readonly FactProvider[];
  readonly quarantine?: Quarantine;
  readonly decisionLog?: DecisionLog;
  readonly sinks?: readonly DecisionSink[];
  readonly telemetry?: Telemetry;
  readonly logger?: Logger;
}

export interface EvaluateOptions {
  /** Findings already known by the caller (e.g. fail-mode findings of the sidecar). */
  readonly findings?: readonly Finding[];
  readonly tags?: readonly string[];
  readonly signal?: AbortSignal;
  /**
   * Called once the decision is made, before its evidence is kept (a block's quarantine record
   * waits for the disk). The pipeline frees the evaluation's worker slot here, so a slow disk
   * delays only the blocks' own answers, never other sessions' evaluations.
   */
  readonly onDecided?: () => void;
}

export interface Defender {
  readonly config: ResolvedConfig;
  /** The engine in use; replaced atomically by `replaceEngine` (signed policy hot reload). */
  readonly engine: Engine;
  evaluate(action: Action, opts?: EvaluateOptions): Promise<Decision>;
  /**
   * Whether evaluations run I/O lookups (fact providers such as VirusTotal). Without them a full
   * evaluation finds exactly what the pure engine finds, which the pipeline uses to skip redundant work.
   */
  readonly hasLookups: boolean;
  /** Swaps the engine in one step: evaluations already running finish on the old one. */
  replaceEngine(engine: Engine): void;
  /**
   * Keeps the evidence of a decision made without `evaluate` (the pipeline's idempotency hits,
   * fail-mode answers, merged copies): the decision log line, and a quarantine record for a block.
   * Returns the decision as recorded (tagged `quarantine_failed` if that write failed).
   */
  record(action: Action, decision: Decision): Promise<Decision>;
  /** Adds a sink at run time (e.g. the HTTP decision stream). Returns a remover. */
  addSink(sink: DecisionSink): () => void;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A slow evaluation is decided as usual, but never silently: it stalled the event loop for its
 * whole engine time (evaluation is synchronous), so it is logged with its slowest detector and
 * counted, which is how an operator learns of a pathological input or a regex gone superlinear.
 */
export function reportSlowEvaluation(action: Action, decision: Decision, logger: Logger, telemetry: Telemetry): void {
  const slowest = decision.timing.slowest;
  if (slowest === undefined) return;
  telemetry.count("slow_evaluations", { detector: slowest.detector });
  const chars = extractSubjects(action).reduce((n, s) => n + s.value.length, 0);
  logger.warn(
    { actionId: action.id, kind: action.kind, tool: action.tool, chars, ms: Math.round(decision.timing.durationMs), slowest, code: "CS_SLOW_EVALUATION" },
    `evaluation took ${Math.round(decision.timing.durationMs)} ms (runtime.slow_eval_ms), most of it in ${slowest.detector === "subjects" ? "reading the action's fields" : `detector ${slowest.detector}`}; decided as usual`,
  );
}

export function createDefender(deps: DefenderDeps): Defender {
  const telemetry = deps.telemetry ?? noTelemetry;
  const logger = deps.logger ?? silentLogger;
  const providers = deps.providers ?? [];
  const sinks: DecisionSink[] = [...(deps.sinks ?? [])];
  const eventName = deps.config.runtime.decision_event;
  const deadlineMs = deps.config.runtime.eval_timeout_ms;

  async function collectFacts(action: Action, signal?: AbortSignal): Promise<Finding[]> {
    if (providers.length === 0) return [];
    const subjects = extractSubjects(action);
    const ac = new AbortController();
    const onAbort = (): void => ac.abort();
    signal?.addEventListener("abort", onAbort, { once: true });
    const timer = setTimeout(() => ac.abort(), deadlineMs);
    try {
      const results = await Promise.all(
        providers.map(async (p): Promise<readonly Finding[]> => {
          try {
            return await p.collect(action, subjects, ac.signal);
          } catch (e) {
            // Providers should not throw; if one does, the failure is visible and not an allow.
            telemetry.count("provider_error", { provider: p.id });
            logger.error({ err: e, provider: p.id, actionId: action.id }, "fact provider failed");
            return [{ ruleId: "engine.provider-error", category: "engine", score: deps.config.security.review_threshold, tag: "provider_error", message: `lookup ${p.id} failed: ${(e as Error).message}; decided at review so the failure is seen` }];
          }
        }),
      );
      return results.flat();
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    }
  }

  /** Quarantine record for a block, then the decision log line. Never throws: failures are logged and counted. */
  async function keepEvidence(action: Action, decision: Decision): Promise<Decision> {
    if (decision.action === "block" && deps.quarantine) {
      try {
        const file = await deps.quarantine.write(action, decision);
        logger.info({ actionId: action.id, file }, "blocked action quarantined");
      } catch (e) {
        // The block stands; the missing evidence is logged, counted and visible in the decision.
        telemetry.count("quarantine_write_failed");
        logger.error({ err: e, actionId: action.id, code: "CS_QUARANTINE_WRITE_FAILED" }, "quarantine write failed");
        decision = { ...decision, tags: [...decision.tags, "quarantine_failed"], reasons: [...decision.reasons, `quarantine record could not be written: ${(e as Error).message}`] };
      }
    }
    if (deps.decisionLog) {
      try {
        deps.decisionLog.append({ ts: new Date().toISOString(), type: "decision", frame: toDecisionEvent(action, decision, eventName), decision });
      } catch (e) {
        telemetry.count("decision_log_write_failed");
        logger.error({ err: e, actionId: action.id }, "decision log write failed");
      }
    }
    return decision;
  }

  let engine = deps.engine;
  return {
    config: deps.config,
    hasLookups: providers.length > 0,
    get engine() {
      return engine;
    },
    replaceEngine(next) {
      engine = next;
    },
    async evaluate(action, opts = {}) {
      const facts = await collectFacts(action, opts.signal);
      let decision = engine.evaluate(action, { findings: [...(opts.findings ?? []), ...facts], tags: opts.tags ?? [] });
      const attestation = peekAttestation()?.digest;
      if (attestation !== undefined) decision = { ...decision, attestation };
      telemetry.count("decisions", { action: decision.action, channel: action.context.channel ?? "none" });
      telemetry.observe("eval_seconds", decision.timing.durationMs / 1000);
      reportSlowEvaluation(action, decision, logger, telemetry);
      opts.onDecided?.();
      decision = await keepEvidence(action, decision);
      for (const s of sinks) {
        try {
          await s.record(action, decision);
        } catch (e) {
          telemetry.count("sink_error", { sink: s.id });
          logger.error({ err: e, sink: s.id, actionId: action.id }, "decision sink failed");
        }
      }
      return decision;
    },
    record: keepEvidence,
    addSink(sink) {
      sinks.push(sink);
      return () => {
        const i = sinks.indexOf(sink);
        if (i >= 0) sinks.splice(i, 1);
      };
    },
    async start() {
      for (const p of providers) await p.start?.();
    },
    async stop() {
      for (const p of providers) await p.stop?.();
      deps.decisionLog?.close();
    },
  };
}
