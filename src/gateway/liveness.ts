// Hook-liveness guard: when both the ClawShield plugin and the sidecar run, every tool call the
// sidecar observes (session.tool phase "start") must have been decided by the plugin's
// before_tool_call hook. OpenClaw issues report hooks that silently do not fire under some agent
// harnesses; a tool call without a plugin decision raises `unguarded_tool_call` (warn log +
// telemetry counter `unguarded_tool_call`).
//
// ── Plugin-side contract (implemented by src/plugin; version 1) ────────────────────────────────
// Channel: a Gateway RPC method registered by the plugin, polled by the sidecar. Plugins cannot
// push custom events to operator clients (unknown event families are blocked by the Gateway), so
// the sidecar pulls.
//
//   api.registerGatewayMethod("<plugin_id>.decisions", handler, { scope: "operator.read" })
//     (plugin_id defaults to "clawshield"; the method only reads the plugin's in-memory ring, so
//      it may be registered with profileAccess: "independent")
//
//   params:   { since?: number, limit?: number }        since = last seq the caller has seen
//   respond(true, {
//     v: 1,
//     instanceId: string,   // random per plugin process/module instance; a new value resets cursors
//     seq: number,          // highest seq recorded so far (0 when none)
//     decisions: Array<{    // every recorded decision with seq > since, oldest first, at most `limit` (default 500)
//       seq: number,        // strictly increasing per instanceId
//       runId?: string,     // event.runId ?? ctx.runId
//       toolCallId?: string,// event.toolCallId ?? ctx.toolCallId (as the hook saw it)
//       toolName: string,
//       sessionKey?: string,
//       action: "allow" | "review" | "block",
//       ts: number          // ms since epoch
//     }>
//   })
//
//   The plugin records one entry for EVERY before_tool_call invocation it decides (allow
//   included), synchronously before returning from the hook, in a module-level ring of >= 2048
//   entries (shared across register() calls: register may run several times).
//
// Sidecar side (this file): tool starts are remembered with a deadline of now + liveness_grace_ms;
// while any are pending the method is polled about every grace/3 ms (at least 250 ms; a plugin
// found absent, by plugins.list or an unknown-method answer, only once a minute). A start
// counts as guarded when a decision with the same runId+toolCallId arrives, or when its tool result
// shows `details.deniedReason: "plugin-before-tool-call"` (the plugin blocked it). Indirect calls
// through the Tool-Search wrapper: a decision whose toolCallId is `tool_search_code:<outer>:…`
// also guards the observed outer call <outer>.
// gateway.expect_plugin: "auto" (default) guards only while the plugin is loaded (its method
// answers); "always" also alerts when it is not loaded; "never" disables the guard.

import type { ResolvedConfig } from "../config/schema.ts";
import { noTelemetry, silentLogger, type Logger, type Telemetry } from "../defender/types.ts";

export const LIVENESS_CONTRACT_VERSION = 1;

export function livenessMethod(pluginId: string): string {
  return `${pluginId}.decisions`;
}

export interface PluginDecisionRecord {
  readonly seq: number;
  readonly runId?: string;
  readonly toolCallId?: string;
  readonly toolName?: string;
  readonly sessionKey?: string;
  readonly action?: string;
  readonly ts?: number;
}

export interface UnguardedToolCall {
  readonly runId?: string;
  readonly toolCallId?: string;
  readonly tool: string;
  readonly sessionKey?: string;
  readonly reason: "no_plugin_decision" | "plugin_not_loaded";
}

export interface LivenessGuard {
  /** Whether the plugin is known to be loaded (method answered or plugins.list says so). */
  setPluginLoaded(loaded: boolean): void;
  readonly pluginLoaded: boolean;
  observeToolStart(t: { runId?: string; toolCallId?: string; tool: string; sessionKey?: string }): void;
  observeToolResult(t: { runId?: string; toolCallId?: string; deniedReason?: string }): void;
  /** Polls the plugin and checks deadlines now (also runs on its own timer). */
  check(): Promise<void>;
  readonly alerts: number;
  readonly pending: number;
  stop(): void;
}

export interface LivenessDeps {
  readonly config: ResolvedConfig;
  request(method: string, params: unknown, timeoutMs?: number): Promise<unknown>;
  readonly logger?: Logger;
  readonly telemetry?: Telemetry;
  onUnguarded?(u: UnguardedToolCall): void;
  readonly now?: () => number;
}

const key = (runId: string | undefined, toolCallId: string | undefined): string => `${runId ?? ""}\u0000${toolCallId ?? ""}`;
const MAX_PENDING = 10_000;
const MAX_DECIDED = 20_000;
const STATS_POLL_MS = 15_000;
/** How often a plugin known to be absent is asked again (each ask is an unknown-method error in the Gateway's log). */
export const ABSENT_PROBE_MS = 60_000;

export function createLivenessGuard(deps: LivenessDeps): LivenessGuard {
  const logger = deps.logger ?? silentLogger;
  const telemetry = deps.telemetry ?? noTelemetry;
  const now = deps.now ?? Date.now;
  const mode = deps.config.gateway.expect_plugin;
  const grace = deps.config.gateway.liveness_grace_ms;
  const method = livenessMethod(deps.config.gateway.plugin_id);
  const pending = new Map<string, { deadline: number; runId?: string; toolCallId?: string; tool: string; sessionKey?: string }>();
  const decided = new Set<string>(); // keys with a plugin decision (bounded FIFO)
  const decidedCallIds = new Set<string>(); // toolCallIds alone (events without runId)
  let pluginLoaded = false;
  let absentSince: number | undefined; // when the plugin was last found absent (undefined: not asked yet or loaded)
  let cursor = 0;
  let instanceId: string | undefined;
  let alerts = 0;
  let timer: NodeJS.Timeout | undefined;
  let polling = false;

  const markDecided = (runId: string | undefined, toolCallId: string | undefined): void => {
    decided.add(key(runId, toolCallId));
    if (toolCallId) decidedCallIds.add(toolCallId);
    const outer = toolCallId ? /^tool_search_code:([^:]+):/.exec(toolCallId)?.[1] : undefined;
    if (outer) {
      decided.add(key(runId, outer));
      decidedCallIds.add(outer);
    }
    for (const set of [decided, decidedCallIds]) {
      while (set.size > MAX_DECIDED) {
        const first = set.values().next().value;
        if (first === undefined) break;
        set.delete(first);
      }
    }
    pending.delete(key(runId, toolCallId));
  };

  const isDecided = (runId: string | undefined, toolCallId: string | undefined): boolean =>
    decided.has(key(runId, toolCallId)) || (toolCallId !== undefined && decidedCallIds.has(toolCallId));

  function active(): boolean {
    return mode === "always" || (mode === "auto" && pluginLoaded);
  }

  function schedule(): void {
    if (timer || pending.size === 0) return;
    timer = setTimeout(() => {
      timer = undefined;
      void check().finally(schedule);
    }, Math.max(250, Math.floor(grace / 3)));
    timer.unref?.();
  }

  async function poll(): Promise<void> {
    if (polling) return;
    polling = true;
    try {
      for (let page = 0; page < 20; page++) {
        const res = (await deps.request(method, { since: cursor, limit: 500 }, 5000)) as {
          instanceId?: unknown;
          seq?: unknown;
          decisions?: unknown;
        };
        absentSince = undefined;
        if (!pluginLoaded) {
          pluginLoaded = true;
          logger.info({ method }, "ClawShield plugin answers the liveness method; hook-liveness guard active");
        }
        if (typeof res?.instanceId === "string" && res.instanceId !== instanceId) {
          if (instanceId !== undefined) cursor = 0;
          instanceId = res.instanceId;
        }
        if (page === 0) exportPluginStats((res as { stats?: unknown })?.stats);
        const list = Array.isArray(res?.decisions) ? (res.decisions as PluginDecisionRecord[]) : [];
        for (const d of list) {
          if (typeof d?.seq === "number" && d.seq > cursor) cursor = d.seq;
          markDecided(typeof d?.runId === "string" ? d.runId : undefined, typeof d?.toolCallId === "string" ? d.toolCallId : undefined);
        }
        if (list.length < 500) break;
      }
    } catch (e) {
      const msg = (e as Error).message;
      if (/unknown method|not found|method not/i.test(msg)) {
        if (pluginLoaded) logger.warn({ method }, "ClawShield plugin liveness method disappeared (plugin unloaded?)");
        pluginLoaded = false;
        absentSince = now();
      } else logger.debug({ err: msg, method }, "liveness poll failed");
    } finally {
      polling = false;
    }
  }

  /**
   * The plugin's own counters (its `stats`, cumulative since the Gateway started) copied into gauges,
   * so /metrics shows what the in-process guard did: outgoing messages redacted or cancelled,
   * approvals cancelled for want of a route, fail-closed blocks, taints.
   */
  function exportPluginStats(stats: unknown): void {
    if (stats === null || typeof stats !== "object") return;
    for (const [group, value] of Object.entries(stats as Record<string, unknown>)) {
      const name = `plugin_${group.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}`;
      if (typeof value === "number" && Number.isFinite(value)) telemetry.gauge(name, value);
      else if (value !== null && typeof value === "object") {
        for (const [label, n] of Object.entries(value as Record<string, unknown>)) {
          if (typeof n === "number" && Number.isFinite(n)) telemetry.gauge(name, n, { kind: label.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`) });
        }
      }
    }
  }

  // The counters are worth reading even when no tool call is pending (a channel reply redacted, an
  // approval cancelled): while the plugin is loaded, poll on a slow timer too (which also notices it
  // unloading). Not while it is absent: each call would be an unknown-method error on the Gateway.
  const statsTimer = mode === "never" ? undefined : setInterval(() => {
    if (pluginLoaded) void poll();
  }, STATS_POLL_MS);
  statsTimer?.unref?.();

  async function check(): Promise<void> {
    if (mode === "never" || pending.size === 0) return;
    // An absent plugin is asked again at most once a minute (it may have been installed since), not
    // on every tool call: each ask is an unknown-method line in the Gateway's log.
    if (pluginLoaded || absentSince === undefined || now() - absentSince >= ABSENT_PROBE_MS) await poll();
    const t = now();
    for (const [k, p] of pending) {
      if (isDecided(p.runId, p.toolCallId)) {
        pending.delete(k);
        continue;
      }
      if (p.deadline > t) continue;
      pending.delete(k);
      if (!active()) continue;
      alerts++;
      const u: UnguardedToolCall = { ...p, reason: pluginLoaded ? "no_plugin_decision" : "plugin_not_loaded" };
      delete (u as { deadline?: number }).deadline;
      telemetry.count("unguarded_tool_call", { tool: p.tool, reason: u.reason });
      logger.warn(
        { alert: "unguarded_tool_call", tool: p.tool, runId: p.runId, toolCallId: p.toolCallId, sessionKey: p.sessionKey, reason: u.reason, graceMs: grace },
        u.reason === "plugin_not_loaded"
          ? "unguarded_tool_call: the ClawShield plugin is not loaded on the Gateway (gateway.expect_plugin = always)"
          : "unguarded_tool_call: a tool call ran without a ClawShield plugin decision (before_tool_call did not fire)",
      );
      deps.onUnguarded?.(u);
    }
  }

  return {
    setPluginLoaded(v) {
      pluginLoaded = v;
      absentSince = v ? undefined : now();
    },
    get pluginLoaded() {
      return pluginLoaded;
    },
    observeToolStart(t) {
      if (mode === "never") return;
      if (mode === "auto" && !pluginLoaded && absentSince !== undefined) {
        // Known absent: nothing to check (auto guards only a loaded plugin), so nothing is kept;
        // a tool call after the probe interval asks again whether it has been installed since.
        if (now() - absentSince >= ABSENT_PROBE_MS && !polling) {
          absentSince = now();
          void poll();
        }
        return;
      }
      if (isDecided(t.runId, t.toolCallId)) return;
      if (pending.size >= MAX_PENDING) {
        telemetry.count("liveness_overflow");
        return;
      }
      pending.set(key(t.runId, t.toolCallId), { deadline: now() + grace, tool: t.tool, ...(t.runId ? { runId: t.runId } : {}), ...(t.toolCallId ? { toolCallId: t.toolCallId } : {}), ...(t.sessionKey ? { sessionKey: t.sessionKey } : {}) });
      schedule();
    },
    observeToolResult(t) {
      if (t.deniedReason === "plugin-before-tool-call") markDecided(t.runId, t.toolCallId);
    },
    check,
    get alerts() {
      return alerts;
    },
    get pending() {
      return pending.size;
    },
    stop() {
      if (statsTimer) clearInterval(statsTimer);
      if (timer) clearTimeout(timer);
      timer = undefined;
      pending.clear();
    },
  };
}
