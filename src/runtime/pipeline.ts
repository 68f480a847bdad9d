// The runtime pipeline every sidecar/HTTP/replay action goes through: idempotency (content
// signature), per-session scheduling (queue modes, group activation), bounded concurrency with a
// bounded queue, and a deadline that covers the wait for a worker. Every submitted action resolves
// with exactly one decision; nothing is dropped:
// - idempotency hit      → the cached decision, tagged `idempotency_hit`;
// - queue full           → runtime.overflow_fail_mode (review|block), tagged `queue_overflow`;
// - deadline missed      → runtime.timeout_fail_mode, tagged `timeout`; the evaluation still runs to
//                          the end when lookups could add to it (a late block is logged and
//                          quarantined by the defender);
// - collect merge        → the merged decision, tagged `merged_into:<id>`;
// - steer / interrupt    → the replaced action is still evaluated, tagged `superseded_by:<id>`;
// - un-mentioned group   → still evaluated, tagged `ignored_activation`.
// Fail-mode decisions are never weaker than what the pure engine already knows: the synchronous
// engine (no lookups) runs on the action and its action is the floor.

import type { ResolvedConfig } from "../config/schema.ts";
import { reportSlowEvaluation, type DecisionSink, type Defender } from "../defender/defender.ts";
import { noTelemetry, silentLogger, type Logger, type Telemetry } from "../defender/types.ts";
import { ACTION_RANK, maxAction, type Action, type Decision, type DecisionAction } from "../engine/types.ts";
import { VERSION } from "../version.ts";
import { contentSignature, createIdempotencyCache, hitDecision, type IdempotencyCache } from "./idempotency.ts";
import { createScheduler, isIgnoredActivation, laneOf, type GroupActivation, type QueueMode, type SchedItem } from "./scheduler.ts";

export interface SubmitMeta {
  readonly queueMode?: "followup" | "steer" | "collect" | "steer-backlog" | "interrupt";
  readonly groupActivation?: "mention" | "always";
}

export interface Pipeline {
  /** Always resolves with exactly one decision (never rejects). */
  submit(action: Action, meta?: SubmitMeta): Promise<Decision>;
  /** Submissions waiting for a worker. */
  readonly depth: number;
  stop(): Promise<void>;
}

/** What the runtime's own shells (HTTP, replay, start) use on top of the shared contract. */
export interface RuntimePipeline extends Pipeline {
  /**
   * Receives the decisions the pipeline makes without the defender (idempotency hits, fail modes,
   * merged copies). Decisions the defender makes reach the defender's sinks; register a sink with
   * both to see every decision once.
   */
  addSink(sink: DecisionSink): () => void;
  readonly inflight: number;
  readonly cache: IdempotencyCache;
}

export type PipelineOutcome = "evaluated" | "idempotency_hit" | "merged" | "queue_overflow" | "timeout" | "runtime_error" | "stopped";

export interface PipelineDeps {
  readonly config: ResolvedConfig;
  readonly defender: Defender;
  readonly telemetry?: Telemetry;
  readonly logger?: Logger;
  /** Millisecond clock of the idempotency cache (tests). */
  readonly now?: () => number;
  /** Sinks for decisions made without the defender (see RuntimePipeline.addSink). */
  readonly sinks?: readonly DecisionSink[];
}

interface Member {
  readonly action: Action;
  readonly signature: string;
  readonly t0: number;
  settled: Decision | undefined;
  readonly resolve: (d: Decision) => void;
  timer: NodeJS.Timeout | undefined;
}

type FailReason = "queue_overflow" | "timeout" | "runtime_error" | "stopped";

/**
 * Most decided items that may wait for their evidence outside a worker slot. Each holds at most one
 * open quarantine temp file until its fsync returns; beyond this, items keep their slot while they wait.
 */
export const MAX_KEEPING = 256;

export function createPipeline(deps: PipelineDeps): RuntimePipeline {
  const { config, defender } = deps;
  const rt = config.runtime;
  const telemetry = deps.telemetry ?? noTelemetry;
  const logger = deps.logger ?? silentLogger;
  const sinks: DecisionSink[] = [...(deps.sinks ?? [])];
  const concurrency = Math.max(1, rt.worker_concurrency);
  const maxQueue = Math.max(1, rt.max_queue);
  const cache = createIdempotencyCache({ ttlMs: rt.idempotency_ttl_secs * 1000, maxEntries: rt.idempotency_max_entries, ...(deps.now ? { now: deps.now } : {}) });
  const sched = createScheduler<Member>({ maxMergeChars: Math.max(1024, Math.floor(config.security.max_scan_bytes / 2)) });
  /** Every started item until its decision is delivered (evaluating, or keeping its evidence). */
  const runningSet = new Set<Promise<void>>();
  const idleWaiters: (() => void)[] = [];
  /** Items holding a worker slot. */
  let running = 0;
  /** Items past their decision, waiting for their evidence, that gave their slot back. */
  let keeping = 0;
  /** Fail-mode decisions that include the engine's own answer on the action: the engine that gave it. */
  const engineOf = new WeakMap<Decision, Defender["engine"]>();
  let stopped = false;
  // Cached decisions belong to the engine (policy) that made them: a hot-reloaded engine
  // (Defender.replaceEngine, signed policy) empties the cache.
  let cacheEngine = defender.engine;

  // Fail-mode warnings are rate-limited (a flood must not become a log flood); the count stays exact.
  let warnWindow = 0;
  let warnsInWindow = 0;
  let warnsSuppressed = 0;
  const warnLimited = (obj: Record<string, unknown>, msg: string): void => {
    const sec = Math.floor(Date.now() / 1000);
    if (sec !== warnWindow) {
      warnWindow = sec;
      warnsInWindow = 0;
    }
    if (++warnsInWindow > 20) {
      warnsSuppressed++;
      return;
    }
    if (warnsSuppressed > 0) {
      obj = { ...obj, suppressedSinceLast: warnsSuppressed };
      warnsSuppressed = 0;
    }
    logger.warn(obj, msg);
  };

  const report = (): void => {
    telemetry.gauge("queue_depth", sched.pending);
    telemetry.gauge("evaluations_inflight", running);
    telemetry.gauge("evidence_inflight", keeping);
  };

  /** Evidence (decision log, quarantine for a block) through the defender, then the pipeline's sinks. */
  function recordSynthetic(action: Action, decision: Decision): void {
    void (async () => {
      const recorded = await defender.record(action, decision);
      for (const s of sinks) {
        try {
          await s.record(action, recorded);
        } catch (e) {
          telemetry.count("sink_error", { sink: s.id });
          logger.error({ err: e, sink: s.id, actionId: action.id }, "decision sink failed");
        }
      }
    })();
  }

  function settle(m: Member, d: Decision, outcome: PipelineOutcome, synthetic: boolean): void {
    if (m.settled) return;
    m.settled = d;
    if (m.timer) clearTimeout(m.timer);
    m.timer = undefined;
    telemetry.count("pipeline_decisions", { action: d.action, outcome });
    telemetry.observe("pipeline_seconds", (performance.now() - m.t0) / 1000);
    if (synthetic) recordSynthetic(m.action, d);
    m.resolve(d);
  }

  /** A decision made without a full evaluation; never weaker than the pure engine's own answer. */
  function failDecision(action: Action, reason: FailReason, detail?: string): Decision {
    const started = Date.now();
    const mode: DecisionAction = reason === "timeout" ? rt.timeout_fail_mode : reason === "runtime_error" ? "review" : rt.overflow_fail_mode;
    let known: Decision | undefined;
    const engine = defender.engine;
    try {
      known = engine.evaluate(action, { tags: [reason] });
      reportSlowEvaluation(action, known, logger, telemetry);
    } catch (e) {
      logger.error({ err: e, actionId: action.id }, "engine failed while deciding a fail-mode action");
    }
    const tags = [...(known?.tags ?? [])];
    if (!tags.includes(reason)) tags.push(reason);
    const reasons = [...(known?.reasons ?? [])];
    let floor = mode;
    if (floor === "block" && rt.audit_only) {
      floor = "review";
      if (!tags.includes("audit_only")) tags.push("audit_only");
      reasons.push("audit_only enabled: fail-mode block converted to review");
    }
    const outcome = maxAction(floor, known?.action ?? "allow");
    const why =
      reason === "timeout"
        ? `no decision within runtime.eval_timeout_ms (${rt.eval_timeout_ms} ms, including the wait for a worker)`
        : reason === "queue_overflow"
          ? `evaluation queue full (runtime.max_queue = ${maxQueue})`
          : reason === "stopped"
            ? "the runtime is stopping"
            : `evaluation failed: ${detail ?? "unknown error"}`;
    const setting = reason === "timeout" ? "runtime.timeout_fail_mode" : reason === "runtime_error" ? "the runtime-error rule" : "runtime.overflow_fail_mode";
    reasons.push(`${why}: decided ${floor} by ${setting}${known && ACTION_RANK[known.action] > ACTION_RANK[floor] ? `; the findings already known give ${known.action}` : ""}`);
    const threshold = mode === "block" ? config.security.block_threshold : config.security.review_threshold;
    telemetry.count("fail_mode", { reason, action: outcome });
    warnLimited(
      { actionId: action.id, session: action.context.sessionKey, channel: action.context.channel, reason, decision: outcome, knownAction: known?.action },
      `fail mode: ${why}; decided ${outcome}`,
    );
    const d: Decision = {
      id: action.id,
      action: outcome,
      riskScore: Math.min(100, Math.max(known?.riskScore ?? 0, threshold)),
      rawScore: Math.max(known?.rawScore ?? 0, threshold),
      reasons,
      tags,
      findings: known?.findings ?? [],
      source: "clawshield",
      version: known?.version ?? VERSION,
      ...(known?.policyVersion === undefined ? {} : { policyVersion: known.policyVersion }),
      timing: { startedAtMs: started, durationMs: Date.now() - started },
    };
    if (known !== undefined) engineOf.set(d, engine);
    return d;
  }

  function onLate(m: Member, d: Decision): void {
    const answered = m.settled!;
    telemetry.count("late_decisions", { action: d.action });
    const worse = ACTION_RANK[d.action] > ACTION_RANK[answered.action];
    const msg = worse
      ? `late evaluation after ${answered.tags.includes("timeout") ? "timeout" : "fail mode"} is more severe (${d.action}) than the answer given (${answered.action})${d.action === "block" ? "; the block is logged and quarantined" : ""}`
      : `late evaluation after fail mode: ${d.action}`;
    (worse ? logger.warn : logger.info).call(logger, { actionId: m.action.id, late: d.action, answered: answered.action, riskScore: d.riskScore, tags: d.tags }, msg);
  }

  async function run(item: SchedItem<Member>, onDecided: () => void): Promise<void> {
    // Answered already by a fail mode that ran the engine on this very action, with no lookups
    // configured: a full evaluation would find the same and keep the same evidence a second time.
    // Skipping it keeps an overloaded sidecar from evaluating every late action twice.
    const only = item.members.length === 1 ? item.members[0]! : undefined;
    if (only?.settled !== undefined && !defender.hasLookups && engineOf.get(only.settled) === defender.engine) {
      telemetry.count("late_evaluations_skipped");
      return;
    }
    const tags = [...item.tags];
    if (item.members.length > 1) tags.push("collected");
    const carrier = item.members[item.members.length - 1]!;
    let decision: Decision;
    let failed = false;
    try {
      // Evaluated even when every member already timed out: the evidence (quarantine, log) must exist.
      decision = await defender.evaluate(item.action, tags.length > 0 ? { tags, onDecided } : { onDecided });
    } catch (e) {
      failed = true;
      telemetry.count("evaluation_error");
      logger.error({ err: e, actionId: item.action.id }, "evaluation failed");
      decision = failDecision(item.action, "runtime_error", (e as Error).message);
    }
    if (!failed && item.members.length === 1 && carrier.signature !== "" && defender.engine === cacheEngine) cache.set(carrier.signature, decision);
    for (const m of item.members) {
      const own = m === carrier ? decision : { ...decision, id: m.action.id, tags: [...decision.tags, `merged_into:${item.action.id}`] };
      if (m.settled) {
        onLate(m, own);
        continue;
      }
      settle(m, own, failed ? "runtime_error" : m === carrier ? "evaluated" : "merged", m !== carrier || failed);
    }
  }

  /**
   * Starts queued items while worker slots are free. A slot covers the evaluation (lookups and
   * engine); it is freed when the decision is made, while the evidence is still being kept (a
   * block's quarantine record waits for its fsync), unless MAX_KEEPING items are already waiting
   * for evidence (a stalled disk then slows intake instead of piling up open files). The session's
   * lane stays busy until the evidence is kept and the decision delivered, so a session's actions
   * are still decided and answered in order, each after its predecessor's sinks ran.
   */
  function pump(): void {
    while (running < concurrency) {
      const item = sched.next();
      if (!item) break;
      running++;
      let slotHeld = true;
      const freeSlot = (): void => {
        if (!slotHeld) return;
        slotHeld = false;
        running--;
      };
      const onDecided = (): void => {
        if (keeping >= MAX_KEEPING) return;
        keeping++;
        freeSlot();
        queueMicrotask(pump);
      };
      const p: Promise<void> = run(item, onDecided)
        .catch((e: unknown) => logger.error({ err: e }, "pipeline worker failed"))
        .finally(() => {
          if (slotHeld) freeSlot();
          else keeping--;
          runningSet.delete(p);
          sched.done(item);
          pump();
          if (runningSet.size === 0 && sched.pending === 0) for (const w of idleWaiters.splice(0)) w();
        });
      runningSet.add(p);
    }
    report();
  }

  return {
    submit(action, meta = {}) {
      return new Promise<Decision>((resolve) => {
        const m: Member = { action, signature: "", t0: performance.now(), settled: undefined, resolve, timer: undefined };
        try {
          if (stopped) {
            settle(m, failDecision(action, "stopped"), "stopped", true);
            return;
          }
          const activation: GroupActivation = meta.groupActivation ?? rt.group_activation_mode;
          const mode: QueueMode = meta.queueMode ?? rt.session_queue_mode;
          const ignored = isIgnoredActivation(action, activation);
          const signature = contentSignature(action, ignored ? { activation: "ignored" } : {});
          (m as { signature: string }).signature = signature;
          if (defender.engine !== cacheEngine) {
            cacheEngine = defender.engine;
            cache.clear();
            logger.info("engine replaced: idempotency cache cleared");
          }
          const hit = cache.get(signature);
          if (hit) {
            telemetry.count("idempotency_hits");
            settle(m, hitDecision(hit, action), "idempotency_hit", true);
            return;
          }
          const lane = laneOf(action);
          const startsNow = running < concurrency && !sched.busy(lane);
          if (!startsNow && sched.pending >= maxQueue) {
            settle(m, failDecision(action, "queue_overflow"), "queue_overflow", true);
            return;
          }
          m.timer = setTimeout(() => {
            m.timer = undefined;
            if (!m.settled) settle(m, failDecision(action, "timeout"), "timeout", true);
          }, rt.eval_timeout_ms);
          const r = sched.enqueue(action, m, { mode, ignored, lane });
          if (ignored) telemetry.count("ignored_activation");
          if (r.merged) telemetry.count("merged");
          if (r.superseded.length > 0) {
            telemetry.count("superseded", { mode }, r.superseded.length);
            logger.debug({ actionId: action.id, superseded: r.superseded, mode }, "queued actions superseded (still evaluated)");
          }
          pump();
        } catch (e) {
          logger.error({ err: e, actionId: action.id }, "pipeline submit failed");
          settle(m, failDecision(action, "runtime_error", (e as Error).message), "runtime_error", true);
        }
      });
    },
    get depth() {
      return sched.pending;
    },
    get inflight() {
      return running;
    },
    cache,
    addSink(sink) {
      sinks.push(sink);
      return () => {
        const i = sinks.indexOf(sink);
        if (i >= 0) sinks.splice(i, 1);
      };
    },
    async stop() {
      stopped = true;
      if (runningSet.size > 0 || sched.pending > 0) {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          new Promise<void>((r) => idleWaiters.push(r)),
          new Promise<void>((r) => {
            timer = setTimeout(r, rt.eval_timeout_ms + 2000);
          }),
        ]);
        if (timer) clearTimeout(timer);
      }
      for (const item of sched.drain()) {
        for (const m of item.members) if (!m.settled) settle(m, failDecision(m.action, "stopped"), "stopped", true);
      }
      report();
    },
  };
}
