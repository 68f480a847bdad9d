// The hook handlers. before_tool_call decides every tool call (block / ask the human / allow);
// message_received, after_tool_call and tool_result_persist scan inbound text and tool results for
// prompt injection and taint the session that received one; message_sending keeps credentials out
// of outgoing replies and messages.

import { newActionId, parseAction } from "../engine/action.ts";
import { redactCredentials } from "../engine/redact.ts";
import { judgePath, PATH_RULES } from "../detectors/path/detect.ts";
import type { Action, Decision, Finding } from "../engine/types.ts";
import type { PluginConfig } from "../config/sections/plugin.ts";
import { reportSlowEvaluation } from "../defender/defender.ts";
import { noTelemetry, type Logger } from "../defender/types.ts";
import { approvalRequest, blockReason, clip, failClosed } from "./decision-map.ts";
import type { DecisionRing } from "./liveness.ts";
import type { PluginRuntime, PluginStats } from "./runtime.ts";
import { describeTaint, type TaintInfo, type TaintTracker } from "./taint.ts";
import type {
  AfterToolCallEvent,
  BeforeToolCallEvent,
  BeforeToolCallResult,
  MessageContext,
  MessageReceivedEvent,
  MessageSendingEvent,
  MessageSendingResult,
  ToolContext,
  ToolResultPersistContext,
  ToolResultPersistEvent,
} from "./types.ts";

/** Scans of one session still running when a tool call arrives are awaited at most this long. */
export const SETTLE_TIMEOUT_MS = 3000;
/** What replaces a credential in an outgoing message. */
export const OUTBOUND_MARKER = "[REDACTED by ClawShield]";
/** Tool results longer than this are scanned in their first and last parts. */
export const MAX_RESULT_CHARS = 256 * 1024;

export interface HookDeps {
  /** The engine (may reject: config invalid, engine failed). */
  runtime(): Promise<PluginRuntime>;
  /** The engine when it is already running, for synchronous hooks. */
  readyRuntime(): PluginRuntime | undefined;
  /** The [plugin] settings known before the engine is ready (defaults if the config failed). */
  pluginConfig(): PluginConfig;
  readonly taint: TaintTracker;
  readonly stats: PluginStats;
  readonly logger: Logger;
  /** Hook-liveness ring: one record per decided before_tool_call (optional in unit tests). */
  readonly ring?: DecisionRing;
  readonly now?: () => number;
}

export interface HookHandlers {
  beforeToolCall(event: BeforeToolCallEvent, ctx?: ToolContext): Promise<BeforeToolCallResult | undefined>;
  afterToolCall(event: AfterToolCallEvent, ctx?: ToolContext): Promise<void>;
  messageReceived(event: MessageReceivedEvent, ctx?: MessageContext): Promise<void>;
  /** Redacts credentials in (or cancels) an outgoing message; undefined = send unchanged. */
  messageSending(event: MessageSendingEvent, ctx?: MessageContext): Promise<MessageSendingResult | undefined>;
  /** Synchronous (OpenClaw ignores promises here): taints at once when the engine is running. */
  toolResultPersist(event: ToolResultPersistEvent, ctx?: ToolResultPersistContext): undefined;
}

class NotReadyError extends Error {}

async function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new NotReadyError(`engine not ready after ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** A prompt-injection finding (clawshield `inj.*` rules, compat prompt-injection category). */
export function isInjectionFinding(fd: Finding): boolean {
  return fd.ruleId.startsWith("inj.") || fd.category === "prompt-injection";
}

/** Rule ids of the injection findings when they alone reach review (one per rule, strongest first). */
export function injectionVerdict(decision: Decision, reviewThreshold: number): { ruleIds: string[]; score: number } | undefined {
  if (decision.action === "allow") return undefined;
  const best = new Map<string, number>();
  for (const fd of decision.findings) {
    if (!isInjectionFinding(fd)) continue;
    best.set(fd.ruleId, Math.max(best.get(fd.ruleId) ?? 0, fd.score));
  }
  if (best.size === 0) return undefined;
  const score = [...best.values()].reduce((a, b) => a + b, 0);
  const floor = decision.findings.some((fd) => isInjectionFinding(fd) && fd.floor !== undefined && fd.floor !== "allow");
  if (score < reviewThreshold && !floor) return undefined;
  const ruleIds = [...best.entries()].sort((a, b) => b[1] - a[1]).map(([k]) => k);
  return { ruleIds, score };
}

/** The text of a tool result: `content[].text` parts (OpenClaw's AgentToolResult), strings, or JSON. */
export function resultText(result: unknown, max: number = MAX_RESULT_CHARS): string {
  const parts: string[] = [];
  let size = 0;
  const push = (s: string): void => {
    if (size >= max * 2) return;
    parts.push(s);
    size += s.length;
  };
  const visit = (v: unknown, depth: number): void => {
    if (depth > 6 || v === undefined || v === null) return;
    if (typeof v === "string") return push(v);
    if (Array.isArray(v)) {
      for (const x of v) visit(x, depth + 1);
      return;
    }
    if (typeof v !== "object") return;
    const o = v as Record<string, unknown>;
    if (Array.isArray(o.content)) {
      for (const c of o.content) {
        if (typeof c === "string") push(c);
        else if (c && typeof c === "object" && typeof (c as { text?: unknown }).text === "string") push((c as { text: string }).text);
      }
      return;
    }
    if (typeof o.content === "string") return push(o.content);
    if (typeof o.text === "string") return push(o.text);
    try {
      push(JSON.stringify(o));
    } catch {
      /* unserializable: nothing to scan */
    }
  };
  visit(result, 0);
  const text = parts.join("\n");
  if (text.length <= max) return text;
  const half = Math.floor(max / 2);
  return `${text.slice(0, half)}\n…\n${text.slice(text.length - half)}`;
}

/** Tool call ids ClawShield blocked: their "results" are our own block reasons, never scanned. */
const BLOCKED_IDS_MAX = 4096;

export function createHookHandlers(deps: HookDeps): HookHandlers {
  const { taint, stats, logger } = deps;
  const now = deps.now ?? Date.now;
  const blockedIds = new Set<string>();
  const rememberBlocked = (id: string | undefined): void => {
    if (id === undefined || id === "") return;
    blockedIds.add(id);
    if (blockedIds.size > BLOCKED_IDS_MAX) {
      const first = blockedIds.values().next().value;
      if (first !== undefined) blockedIds.delete(first);
    }
  };
  /** The result of a call we blocked (or any plugin-blocked call) carries a block reason, not content. */
  const isOwnBlock = (toolCallId: string | undefined, result: unknown): boolean => {
    if (toolCallId !== undefined && blockedIds.has(toolCallId)) return true;
    const details = result && typeof result === "object" ? (result as { details?: { deniedReason?: unknown; status?: unknown } }).details : undefined;
    return details?.deniedReason === "plugin-before-tool-call";
  };

  const recordEval = (ms: number): void => {
    stats.recentEvalMs.push(Math.round(ms * 1000) / 1000);
    if (stats.recentEvalMs.length > 64) stats.recentEvalMs.shift();
  };

  function taintFromDecision(sessionKey: string | undefined, decision: Decision, cfg: { reviewThreshold: number }, source: string, extra: { tool?: string; toolCallId?: string }): TaintInfo | undefined {
    if (sessionKey === undefined || sessionKey === "") return undefined;
    const verdict = injectionVerdict(decision, cfg.reviewThreshold);
    if (verdict === undefined) return undefined;
    // The same tool result seen twice (tool_result_persist, then after_tool_call) taints once.
    const prev = taint.get(sessionKey);
    if (prev !== undefined && extra.toolCallId !== undefined && prev.toolCallId === extra.toolCallId) return prev;
    const info = taint.taint(sessionKey, { source, ruleIds: verdict.ruleIds.slice(0, 5), riskScore: decision.riskScore, decisionId: decision.id, ...extra });
    stats.taints++;
    logger.warn({ sessionKey, source, ruleIds: info.ruleIds, decisionId: decision.id, ...extra }, "session tainted by a prompt injection: its tool calls are now judged more strictly");
    return info;
  }

  /** Scans a tool result (full evaluation: quarantine on block, decision log) and taints on injection. */
  async function scanToolResult(sessionKey: string | undefined, toolName: string | undefined, toolCallId: string | undefined, text: string, agentId?: string, runId?: string): Promise<void> {
    const rt = await deps.runtime();
    if (!rt.config.plugin.scan_tool_results) return;
    // No `tool` on the action: a tool's risk bonus belongs to calling it, not to reading its output.
    const action = parseAction(
      { kind: "tool_output", toolOutput: text, sessionKey, toolCallId, agentId, runId, source: `plugin:after_tool_call:${toolName ?? "unknown"}` },
      {},
    );
    const decision = await rt.defender.evaluate(withId(action, "plg-res"));
    stats.scans.toolResults++;
    taintFromDecision(sessionKey, decision, { reviewThreshold: rt.config.plugin.tool_result_taint_score }, `${toolName ?? "tool"} result`, { ...(toolName ? { tool: toolName } : {}), ...(toolCallId ? { toolCallId } : {}) });
  }

  async function decideToolCall(event: BeforeToolCallEvent, ctx: ToolContext): Promise<BeforeToolCallResult | undefined> {
    const t0 = performance.now();
    const tool = typeof event?.toolName === "string" && event.toolName !== "" ? event.toolName : (ctx.toolName ?? "unknown");
    const pcfg = deps.pluginConfig();
    try {
      const rt = await withTimeout(deps.runtime(), pcfg.ready_timeout_ms);
      const cfg = rt.config.plugin;
      const sessionKey = ctx.sessionKey;
      if (sessionKey) await taint.settle(sessionKey, SETTLE_TIMEOUT_MS);
      const tinfo = sessionKey && cfg.taint_policy !== "off" ? taint.get(sessionKey) : undefined;
      const execLike = cfg.exec_like_tools.some((t) => t.trim().toLowerCase() === tool.trim().toLowerCase());
      const action = parseAction(
        {
          kind: "tool_call",
          tool,
          params: event.params && typeof event.params === "object" && !Array.isArray(event.params) ? event.params : {},
          sessionKey,
          runId: event.runId ?? ctx.runId,
          toolCallId: event.toolCallId ?? ctx.toolCallId,
          agentId: ctx.agentId,
          channel: ctx.requester?.channel ?? ctx.channelId,
          sender: ctx.requester?.senderId,
          accountId: ctx.requester?.accountId,
          tainted: tinfo !== undefined,
          source: "plugin:before_tool_call",
        },
        {},
      );
      const extraFindings: Finding[] = [];
      const extraReasons: string[] = [];
      if (tinfo !== undefined) {
        const what = describeTaint(tinfo, now());
        if (cfg.taint_policy === "block-exec" && execLike) {
          extraFindings.push({
            ruleId: "plugin.taint.exec-blocked",
            category: "taint",
            score: rt.config.security.block_threshold,
            floor: "block",
            tag: "session_tainted",
            message: `${what}: exec-like tools are blocked in this session (plugin.taint_policy = "block-exec")`,
          });
        }
        const blocked = cfg.taint_policy === "block-exec" && execLike;
        const bonus = rt.config.security.taint_bonus;
        extraReasons.push(`${clip(what, 260)}: ${blocked ? `${tool} is blocked in a tainted session (plugin.taint_policy "block-exec")` : `tool calls get +${bonus} risk`}`);
      }
      const decision = await rt.defender.evaluate(withId(action, "plg"), { findings: extraFindings, ...(ctx.abortSignal ? { signal: ctx.abortSignal } : {}) });
      stats.decisions[decision.action]++;
      const ms = performance.now() - t0;
      recordEval(ms);
      if (decision.action === "allow") return undefined;
      if (decision.action === "block" || cfg.review_mode === "block") {
        if (extraFindings.length > 0) stats.taintBlocks++;
        const reason = blockReason(decision, tool, decision.action === "review" ? [...extraReasons, "review decision blocked (plugin.review_mode = \"block\")"] : extraReasons);
        logger.warn({ tool, sessionKey, toolCallId: action.context.toolCallId, decisionId: decision.id, risk: decision.riskScore, rules: [...new Set(decision.findings.map((f) => f.ruleId))].slice(0, 8), tainted: tinfo !== undefined, ms: Math.round(ms) }, "tool call blocked");
        rememberBlocked(action.context.toolCallId);
        return { block: true, blockReason: reason };
      }
      stats.approvals.requested++;
      const approval = approvalRequest(decision, tool, action.params, cfg, extraReasons);
      approval.onResolution = (d) => {
        if (d === "allow-once" || d === "allow-always") stats.approvals.allowed++;
        else if (d === "timeout") stats.approvals.timedOut++;
        else if (d === "cancelled") stats.approvals.cancelled++;
        else stats.approvals.denied++;
        // OpenClaw cancels a request nobody can answer (seen on 2026.9.6: a Telegram turn while
        // channels.telegram.execApprovals is off). The call does not run, but review then means block,
        // so say how to give reviews a person.
        if (d === "cancelled") logger.warn({ tool, sessionKey, decisionId: decision.id, resolution: d }, "approval cancelled by OpenClaw, so the tool call did not run: no approval route for this turn. Connect an approval client (Control UI, `clawshield start`) or enable approvals on the channel the turn came from (e.g. channels.telegram.execApprovals)");
        else logger.info({ tool, sessionKey, decisionId: decision.id, resolution: d }, "approval resolved");
      };
      logger.info({ tool, sessionKey, decisionId: decision.id, risk: decision.riskScore, tainted: tinfo !== undefined }, "tool call needs approval: asking the human");
      return { requireApproval: approval };
    } catch (e) {
      stats.failClosed++;
      const why = e instanceof NotReadyError ? e.message : `error: ${(e as Error)?.message ?? String(e)}`;
      logger.error({ err: e, tool, sessionKey: ctx.sessionKey, failClosed: stats.failClosed }, "tool call blocked: ClawShield could not evaluate it (fail closed)");
      rememberBlocked(event?.toolCallId ?? ctx.toolCallId);
      return failClosed(tool, clip(why, 300));
    }
  }

  /** Keeps the wall time of one hook call (what the plugin adds to the Gateway's turn). */
  const timed = (kind: keyof PluginStats["hookMs"], t0: number): void => {
    const xs = stats.hookMs[kind];
    xs.push(Math.round((performance.now() - t0) * 1000) / 1000);
    if (xs.length > 64) xs.shift();
  };

  return {
    async beforeToolCall(event, ctx = {}) {
      const t0 = performance.now();
      const result = await decideToolCall(event, ctx);
      timed("beforeToolCall", t0);
      // Liveness contract v1: record every decision synchronously before returning it.
      deps.ring?.record({
        runId: event?.runId ?? ctx.runId,
        toolCallId: event?.toolCallId ?? ctx.toolCallId,
        toolName: typeof event?.toolName === "string" && event.toolName !== "" ? event.toolName : (ctx.toolName ?? "unknown"),
        sessionKey: ctx.sessionKey,
        action: result === undefined ? "allow" : result.block === true ? "block" : "review",
      });
      return result;
    },

    async afterToolCall(event, ctx = {}) {
      const t0 = performance.now();
      try {
        await afterToolCallTimed(event, ctx);
      } finally {
        timed("afterToolCall", t0);
      }
    },

    async messageReceived(event, ctx = {}) {
      const t0 = performance.now();
      try {
        await messageReceivedTimed(event, ctx);
      } finally {
        timed("messageReceived", t0);
      }
    },

    async messageSending(event, ctx = {}) {
      const t0 = performance.now();
      try {
        return await messageSendingTimed(event, ctx);
      } catch (e) {
        // Finding credentials is pure string work, so this is a bug; still never silent. "block"
        // fails closed (the message is cancelled), "redact" lets it go unchecked.
        stats.scans.errors++;
        const closed = deps.pluginConfig().outbound_secrets === "block";
        logger.error({ err: e, sessionKey: ctx.sessionKey, failClosed: closed }, closed ? "outgoing message check failed: cancelled (fail closed)" : "outgoing message check failed: sent unchecked (fail open)");
        return closed ? { cancel: true, cancelReason: "ClawShield could not check this message (fail closed)" } : undefined;
      } finally {
        timed("messageSending", t0);
      }
    },

    toolResultPersist: toolResultPersistHook,
  };

  /**
   * The last step of most exfiltration is an ordinary reply ("here is the key you asked for").
   * Credentials are found without the engine (a fixed list of shapes), so redaction works even
   * while the engine starts; the engine then records the evidence (quarantine, decision log).
   */
  async function messageSendingTimed(event: MessageSendingEvent, ctx: MessageContext): Promise<MessageSendingResult | undefined> {
    const mode = deps.pluginConfig().outbound_secrets;
    if (mode === "off") return undefined;
    const content = typeof event?.content === "string" ? event.content : "";
    const media = mediaOf(event?.metadata);
    const keyFiles = media.filter((m) => judgePath(m.replace(/^file:\/\//i, ""), "send") === PATH_RULES.secretSend);
    const redacted = redactCredentials(content, OUTBOUND_MARKER);
    if (redacted.count === 0 && keyFiles.length === 0) return undefined;
    const cancel = mode === "block" || keyFiles.length > 0;
    const what = [redacted.count > 0 ? `${redacted.count} credential(s)` : "", keyFiles.length > 0 ? `key file attachment(s) ${keyFiles.slice(0, 3).join(", ")}` : ""].filter((x) => x !== "").join(" and ");
    if (cancel) stats.outbound.cancelled++;
    else stats.outbound.redacted++;
    const sessionKey = ctx.sessionKey;
    const decisionId = await recordOutbound(event, ctx, media).catch((e: unknown) => {
      stats.scans.errors++;
      logger.error({ err: e, sessionKey }, "outgoing message: evidence could not be recorded (the message is still redacted or cancelled)");
      return undefined;
    });
    logger.warn({ sessionKey, channel: ctx.channelId, to: event?.to, credentials: redacted.count, keyFiles: keyFiles.length, decisionId, outcome: cancel ? "cancelled" : "redacted" }, `outgoing message carried ${what}: ${cancel ? "cancelled" : "sent with the credentials redacted"}`);
    if (cancel) return { cancel: true, cancelReason: `ClawShield: the message carried ${what}${decisionId ? ` (decision ${decisionId})` : ""}` };
    return { content: redacted.text };
  }

  /** The outgoing message judged as a `message` send, for the record; undefined while the engine is not running. */
  async function recordOutbound(event: MessageSendingEvent, ctx: MessageContext, media: string[]): Promise<string | undefined> {
    const rt = deps.readyRuntime();
    if (rt === undefined) {
      logger.warn({ sessionKey: ctx.sessionKey }, "outgoing message with a credential while the engine is starting: handled, no evidence recorded");
      return undefined;
    }
    const params: Record<string, unknown> = { action: "send", target: event?.to ?? "", message: event?.content ?? "" };
    if (media.length > 0) params["attachments"] = media.map((m) => ({ media: m }));
    const action = parseAction({ kind: "tool_call", tool: "message", params, sessionKey: ctx.sessionKey, channel: ctx.channelId, accountId: ctx.accountId, runId: ctx.runId, source: "plugin:message_sending" }, {});
    const decision = await rt.defender.evaluate(withId(action, "plg-out"));
    return decision.id;
  }

  async function afterToolCallTimed(event: AfterToolCallEvent, ctx: ToolContext): Promise<void> {
    const sessionKey = ctx.sessionKey;
    if (isOwnBlock(event?.toolCallId ?? ctx.toolCallId, event?.result)) return;
    const text = [resultText(event?.result), typeof event?.error === "string" ? event.error : ""].filter((s) => s !== "").join("\n");
    if (text.trim() === "") return;
    const scan = scanToolResult(sessionKey, event.toolName ?? ctx.toolName, event.toolCallId ?? ctx.toolCallId, text, ctx.agentId, event.runId ?? ctx.runId);
    if (sessionKey) taint.track(sessionKey, scan);
    try {
      await scan;
    } catch (e) {
      stats.scans.errors++;
      logger.error({ err: e, tool: event.toolName, sessionKey }, "tool result scan failed");
    }
  }

  async function messageReceivedTimed(event: MessageReceivedEvent, ctx: MessageContext): Promise<void> {
    const sessionKey = event?.sessionKey ?? ctx.sessionKey;
    const content = typeof event?.content === "string" ? event.content : "";
    if (content.trim() === "") return;
    const run = async (): Promise<void> => {
      const rt = await deps.runtime();
      if (!rt.config.plugin.scan_inbound) return;
      const meta = event.metadata ?? {};
      const channel = typeof meta.provider === "string" ? meta.provider : typeof meta.originatingChannel === "string" ? meta.originatingChannel : ctx.channelId;
      const action = parseAction({ kind: "prompt", text: content, sessionKey, channel, sender: event.senderId ?? ctx.senderId, runId: event.runId ?? ctx.runId, accountId: ctx.accountId, source: "plugin:message_received" }, {});
      const decision = await rt.defender.evaluate(withId(action, "plg-msg"));
      stats.scans.inbound++;
      taintFromDecision(sessionKey, decision, { reviewThreshold: rt.config.security.review_threshold }, "inbound message", {});
    };
    const p = run();
    if (sessionKey) taint.track(sessionKey, p);
    try {
      await p;
    } catch (e) {
      stats.scans.errors++;
      logger.error({ err: e, sessionKey }, "inbound message scan failed");
    }
  }

  function toolResultPersistHook(event: ToolResultPersistEvent, ctx: ToolResultPersistContext = {}): undefined {
    try {
      const rt = deps.readyRuntime();
      const sessionKey = ctx.sessionKey;
      if (rt === undefined || !sessionKey || !rt.config.plugin.scan_tool_results) return undefined;
      const toolCallId = event?.toolCallId ?? ctx.toolCallId;
      if (isOwnBlock(toolCallId, event?.message)) return undefined;
      const known = taint.get(sessionKey);
      if (known !== undefined && toolCallId !== undefined && known.toolCallId === toolCallId) return undefined;
      const text = resultText(event?.message);
      if (text.trim() === "") return undefined;
      const toolName = event?.toolName ?? ctx.toolName;
      const action = parseAction({ kind: "tool_output", toolOutput: text, sessionKey, toolCallId, agentId: ctx.agentId, source: `plugin:tool_result_persist:${toolName ?? "unknown"}` }, {});
      // Engine only (synchronous, no evidence): after_tool_call keeps the evidence of the same result.
      const scanned = withId(action, "plg-persist");
      const decision = rt.defender.engine.evaluate(scanned);
      reportSlowEvaluation(scanned, decision, logger, noTelemetry);
      taintFromDecision(sessionKey, decision, { reviewThreshold: rt.config.plugin.tool_result_taint_score }, `${toolName ?? "tool"} result`, { ...(toolName ? { tool: toolName } : {}), ...(toolCallId ? { toolCallId } : {}) });
    } catch (e) {
      stats.scans.errors++;
      logger.error({ err: e }, "tool result scan (persist) failed");
    }
    return undefined;
  }
}

/** The reply's attachments (`metadata.mediaUrls`: local paths or URLs). */
function mediaOf(meta: Record<string, unknown> | undefined): string[] {
  const urls = meta?.["mediaUrls"] ?? meta?.["mediaUrl"];
  const list = Array.isArray(urls) ? urls : [urls];
  return list.filter((u): u is string => typeof u === "string" && u !== "").slice(0, 32);
}

function withId(action: Action, prefix: string): Action {
  return { ...action, id: newActionId(prefix) };
}
