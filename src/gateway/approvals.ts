// Approval authority: with the Gateway's tools.exec in ask mode, every exec that is not
// allow-listed raises `exec.approval.requested` and waits. ClawShield evaluates the command
// directly with the defender (never through the queue: an approval is never merged, superseded or
// skipped) under runtime.eval_timeout_ms and answers with `exec.approval.resolve`:
//   block  → deny
//   allow  → allow-once
//   review → runtime.approval_review_mode: "human" (default) leaves it pending, so OpenClaw's own
//            approval UI / chat approvals ask the person; "deny" denies.
// `request.allowedDecisions` is honoured: a decision the Gateway does not offer is never sent (the
// approval is left to a human instead). Plugin approvals (`plugin.approval.requested`) are handled
// the same way, except those raised by ClawShield's own plugin: those already are the review path
// to a human and are left alone.
//
// What OpenClaw does when no approval client is connected (verified on 2026.9.6): the request
// expires at once as `no-approval-route` and the tool result is "exec denied: Headless runs cannot
// wait for interactive exec approval ... askFallback=deny". Approvals mode fails closed.

import type { ResolvedConfig } from "../config/schema.ts";
import type { Defender } from "../defender/defender.ts";
import { noTelemetry, silentLogger, type Logger, type Telemetry } from "../defender/types.ts";
import { normalizeChannel, parseSessionKey } from "../engine/session-key.ts";
import type { Action, ActionContext, Decision, DecisionAction } from "../engine/types.ts";
import { asRec, type Rec } from "./drivers/base.ts";

export type ApprovalKind = "exec" | "plugin";
export type ApprovalDecision = "allow-once" | "allow-always" | "deny";

export interface ApprovalOutcome {
  readonly kind: ApprovalKind;
  readonly id: string;
  readonly decision?: Decision;
  /** The action the approval was judged as (command for exec approvals). */
  readonly action?: Action;
  /** What was sent to the Gateway, or "human" when left pending, "skipped" for our own plugin. */
  readonly resolution: ApprovalDecision | "human" | "skipped" | "error";
  readonly error?: string;
}

export interface ApprovalAuthorityDeps {
  readonly config: ResolvedConfig;
  readonly defender: Defender;
  request(method: string, params: unknown, timeoutMs?: number): Promise<unknown>;
  readonly logger?: Logger;
  readonly telemetry?: Telemetry;
  /** Tool args seen in session.tool start events (for plugin approvals, which carry no params). */
  toolArgs?(runId: string | undefined, toolCallId: string | undefined): Readonly<Record<string, unknown>> | undefined;
  /** Whether a session earlier received an injection (taint): its exec approvals are judged more strictly. */
  isTainted?(sessionKey: string | undefined): boolean;
  /** Called after every handled approval (tests, status). */
  onOutcome?(o: ApprovalOutcome): void;
}

export interface ApprovalAuthority {
  /** Handles one `exec.approval.requested` / `plugin.approval.requested` payload (idempotent per id). */
  handle(kind: ApprovalKind, payload: unknown): Promise<ApprovalOutcome | undefined>;
  /** `*.approval.resolved`: forget the id. */
  resolved(kind: ApprovalKind, payload: unknown): void;
  /** After each hello-ok: `exec.approval.list` / `plugin.approval.list` and handle what is pending. */
  backfill(): Promise<void>;
  readonly pendingCount: number;
}

const MAX_TRACKED = 4096;

function str(v: unknown): string | undefined {
  return typeof v === "string" && v.trim() !== "" ? v : undefined;
}

/** The command an exec approval asks about (gateway host: command; node host: systemRunPlan). */
export function approvalCommand(request: Rec): string | undefined {
  const plan = asRec(request.systemRunPlan);
  const argv = Array.isArray(request.commandArgv) ? request.commandArgv : plan && Array.isArray(plan.argv) ? plan.argv : undefined;
  return (
    str(request.command) ??
    str(plan?.commandText) ??
    str(request.commandPreview) ??
    (argv && argv.every((a) => typeof a === "string") ? (argv as string[]).map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`)).join(" ") : undefined)
  );
}

function approvalContext(request: Rec, source: string, tainted: boolean): ActionContext {
  const sessionKey = str(request.sessionKey);
  const parsed = sessionKey ? parseSessionKey(sessionKey) : undefined;
  const channel = normalizeChannel(str(request.turnSourceChannel)) ?? (parsed?.channel !== "internal" ? parsed?.channel : undefined);
  const ctx: Record<string, unknown> = {
    sessionKey,
    channel,
    chatType: parsed?.chatType,
    to: str(request.turnSourceTo),
    accountId: str(request.turnSourceAccountId),
    threadId: str(request.turnSourceThreadId),
    runId: str(request.runId),
    toolCallId: str(request.toolCallId),
    agentId: str(request.agentId),
    source,
    ...(tainted ? { tainted: true } : {}),
  };
  for (const k of Object.keys(ctx)) if (ctx[k] === undefined) delete ctx[k];
  return ctx as ActionContext;
}

/** The Action an approval request is judged as. Exported for unit tests and replay. */
export function actionFromApproval(kind: ApprovalKind, payload: Rec, extra: { toolArgs?: Readonly<Record<string, unknown>>; tainted?: boolean } = {}): Action | undefined {
  const id = str(payload.id);
  const request = asRec(payload.request);
  if (!id || !request) return undefined;
  const raw = { event: `${kind}.approval.requested`, id, request };
  if (kind === "exec") {
    const command = approvalCommand(request);
    if (command === undefined) return undefined;
    return { id: `approval-${id}`, kind: "tool_call", tool: "exec", command, context: approvalContext(request, "gateway:exec.approval", extra.tainted === true), raw };
  }
  const tool = str(request.toolName) ?? "plugin";
  const params: Record<string, unknown> = extra.toolArgs ? { ...extra.toolArgs } : {};
  if (!extra.toolArgs) {
    const desc = [str(request.title), str(request.description), str(request.detail)].filter(Boolean).join("\n");
    if (desc) params.description = desc;
  }
  return { id: `approval-${id}`, kind: "tool_call", tool, params, context: approvalContext(request, "gateway:plugin.approval", extra.tainted === true), raw };
}

/** Maps an engine decision to an approval answer (or "human" = leave pending). */
export function resolutionFor(action: DecisionAction, reviewMode: "human" | "deny", allowed: readonly string[] | undefined): ApprovalDecision | "human" {
  const want: ApprovalDecision | "human" = action === "block" ? "deny" : action === "allow" ? "allow-once" : reviewMode === "deny" ? "deny" : "human";
  if (want === "human") return "human";
  if (allowed && allowed.length > 0 && !allowed.includes(want)) return "human";
  return want;
}

export function createApprovalAuthority(deps: ApprovalAuthorityDeps): ApprovalAuthority {
  const logger = deps.logger ?? silentLogger;
  const telemetry = deps.telemetry ?? noTelemetry;
  const cfg = deps.config;
  // id → "pending" while we work on it, "done" after; bounded (oldest forgotten first).
  const seen = new Map<string, "working" | "done" | "human">();
  const remember = (id: string, s: "working" | "done" | "human"): void => {
    seen.delete(id);
    seen.set(id, s);
    while (seen.size > MAX_TRACKED) {
      const first = seen.keys().next().value;
      if (first === undefined) break;
      seen.delete(first);
    }
  };

  async function evaluate(action: Action): Promise<Decision | { failMode: DecisionAction; reason: string }> {
    const ms = cfg.runtime.eval_timeout_ms;
    const ac = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<{ failMode: DecisionAction; reason: string }>((resolve) => {
      timer = setTimeout(() => {
        ac.abort();
        resolve({ failMode: cfg.runtime.timeout_fail_mode, reason: `evaluation exceeded runtime.eval_timeout_ms (${ms} ms)` });
      }, ms);
    });
    try {
      return await Promise.race([deps.defender.evaluate(action, { signal: ac.signal }), timeout]);
    } catch (e) {
      return { failMode: "review", reason: `evaluation failed: ${(e as Error).message}` };
    } finally {
      if (timer) clearTimeout(timer);
    }
  }

  async function handle(kind: ApprovalKind, payload: unknown): Promise<ApprovalOutcome | undefined> {
    const p = asRec(payload);
    const id = p ? str(p.id) : undefined;
    const request = p ? asRec(p.request) : undefined;
    if (!p || !id || !request) {
      telemetry.count("frames_malformed", { event: `${kind}.approval.requested` });
      logger.warn({ kind }, "approval request without id/request; skipped");
      return undefined;
    }
    if (seen.has(id)) return undefined;
    remember(id, "working");
    const t0 = performance.now();
    if (kind === "plugin" && str(request.pluginId) === cfg.gateway.plugin_id) {
      // Our own plugin asks a person about a review decision: not ours to answer.
      remember(id, "human");
      const o: ApprovalOutcome = { kind, id, resolution: "skipped" };
      logger.debug({ id, pluginId: request.pluginId }, "plugin approval raised by the ClawShield plugin; left to the human");
      deps.onOutcome?.(o);
      return o;
    }
    const sessionKey = str(request.sessionKey);
    const action = actionFromApproval(kind, p, {
      ...(kind === "plugin" ? { toolArgs: deps.toolArgs?.(str(request.runId), str(request.toolCallId)) } : {}),
      tainted: deps.isTainted?.(sessionKey) ?? false,
    } as { toolArgs?: Readonly<Record<string, unknown>>; tainted?: boolean });
    if (!action) {
      remember(id, "human");
      telemetry.count("approvals", { kind, resolution: "human", reason: "no_command" });
      logger.warn({ id, kind }, "approval request without a command; left to a human");
      const o: ApprovalOutcome = { kind, id, resolution: "human" };
      deps.onOutcome?.(o);
      return o;
    }
    const result = await evaluate(action);
    const failure = "failMode" in result ? result : undefined;
    const decision = failure ? undefined : (result as Decision);
    const verdict: DecisionAction = decision ? decision.action : failure!.failMode;
    const allowed = Array.isArray(request.allowedDecisions) ? (request.allowedDecisions as unknown[]).filter((d): d is string => typeof d === "string") : undefined;
    const resolution = resolutionFor(verdict, cfg.runtime.approval_review_mode, allowed);
    const logFields = {
      approvalId: id,
      kind,
      command: action.command,
      tool: action.tool,
      sessionKey,
      runId: action.context.runId,
      toolCallId: action.context.toolCallId,
      decision: verdict,
      riskScore: decision?.riskScore,
      reasons: decision?.reasons ?? [failure?.reason ?? ""],
      resolution,
      ms: Math.round(performance.now() - t0),
    };
    if (resolution === "human") {
      remember(id, "human");
      telemetry.count("approvals", { kind, resolution: "human", decision: verdict });
      logger.info(logFields, verdict === "review" ? "approval left to a human (review)" : `approval left to a human (${verdict} not in allowedDecisions)`);
      const o: ApprovalOutcome = { kind, id, action, resolution: "human", ...(decision ? { decision } : {}) };
      deps.onOutcome?.(o);
      return o;
    }
    try {
      await deps.request(`${kind}.approval.resolve`, { id, decision: resolution }, 10_000);
      remember(id, "done");
      telemetry.count("approvals", { kind, resolution, decision: verdict });
      (resolution === "deny" ? logger.warn : logger.info).call(logger, logFields, resolution === "deny" ? "approval denied" : "approval allowed once");
      const o: ApprovalOutcome = { kind, id, action, resolution, ...(decision ? { decision } : {}) };
      deps.onOutcome?.(o);
      return o;
    } catch (e) {
      const msg = (e as Error).message;
      const details = asRec((e as { details?: unknown }).details);
      const already = /already resolved/i.test(msg) || details?.reason === "APPROVAL_ALREADY_RESOLVED";
      remember(id, "done");
      telemetry.count("approvals", { kind, resolution: already ? "already_resolved" : "error", decision: verdict });
      (already ? logger.info : logger.error).call(logger, { ...logFields, err: msg }, already ? "approval was already resolved by someone else" : "approval resolve failed");
      const o: ApprovalOutcome = { kind, id, action, resolution: "error", error: msg, ...(decision ? { decision } : {}) };
      deps.onOutcome?.(o);
      return o;
    }
  }

  return {
    handle,
    resolved(_kind, payload) {
      const id = str(asRec(payload)?.id);
      if (id && seen.has(id)) remember(id, "done");
    },
    async backfill() {
      for (const kind of ["exec", "plugin"] as const) {
        let list: unknown;
        try {
          list = await deps.request(`${kind}.approval.list`, {}, 10_000);
        } catch (e) {
          logger.warn({ err: (e as Error).message, kind }, "approval backfill failed");
          continue;
        }
        const items = Array.isArray(list) ? list : Array.isArray(asRec(list)?.approvals) ? (asRec(list)!.approvals as unknown[]) : [];
        for (const item of items) {
          const r = asRec(item);
          const id = r ? str(r.id) : undefined;
          if (!id || seen.get(id) === "done" || seen.get(id) === "working") continue;
          if (seen.get(id) === "human") continue; // already judged; waits for a person
          void handle(kind, item);
        }
      }
    },
    get pendingCount() {
      let n = 0;
      for (const s of seen.values()) if (s !== "done") n++;
      return n;
    },
  };
}
