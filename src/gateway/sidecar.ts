// The Gateway sidecar: one supervised operator connection (connection.ts), observation of every
// session (observer.ts → the pipeline; advisory decisions), approval authority (approvals.ts;
// enforcing) and the hook-liveness guard (liveness.ts). `clawshield start` wires it
// (src/cli/commands/sidecar.ts); status() feeds /readyz.
//
// Per hello-ok (first connect and every reconnect: a reconnect is a new projection):
//   1. check granted scopes (missing ones are a CS_GATEWAY_AUTH error log and status().scopesOk=false)
//   2. sessions.subscribe {limit}                 → session.message / session.tool for all sessions,
//      and the recent roster; each session also gets sessions.messages.subscribe {key}, the only
//      way to see the tool calls of chat-channel turns (session-subscriptions.ts)
//   3. exec.approval.list / plugin.approval.list  → handle approvals raised while we were away
//   4. plugins.list                               → is the ClawShield plugin loaded (pluginSeen)

import type { EventFrame, HelloOk } from "@openclaw/gateway-protocol";
import type { ResolvedConfig } from "../config/schema.ts";
import type { Defender } from "../defender/defender.ts";
import { noTelemetry, silentLogger, type Logger, type Telemetry } from "../defender/types.ts";
import type { Action, Decision } from "../engine/types.ts";
import { createApprovalAuthority, type ApprovalAuthority, type ApprovalOutcome } from "./approvals.ts";
import { createConnection, type GatewayConnection } from "./connection.ts";
import { deviceIdentityPath, loadOrCreateDeviceIdentity, type DeviceIdentity } from "./device-identity.ts";
import { asRec } from "./drivers/base.ts";
import { createLivenessGuard, livenessMethod, type LivenessGuard, type UnguardedToolCall } from "./liveness.ts";
import { FrameError, observeSessionMessage, observeSessionTool, type Observation, type ObservedMeta } from "./observer.ts";
import { createSessionSubscriptions } from "./session-subscriptions.ts";

/** The runtime pipeline's contract (src/runtime/pipeline.ts), structurally. */
export interface SidecarPipeline {
  submit(action: Action, meta?: ObservedMeta): Promise<Decision>;
}

export interface SidecarStatus {
  readonly connected: boolean;
  readonly scopesOk: boolean;
  readonly missingScopes: readonly string[];
  readonly lastError?: string;
  readonly reconnects: number;
  readonly url: string;
  readonly pluginSeen: boolean;
}

export interface Sidecar {
  start(): Promise<void>;
  stop(): Promise<void>;
  status(): SidecarStatus;
}

/** Test/observability hooks (not part of the agreed contract; optional). */
export interface SidecarHooks {
  onObserved?(o: Observation, decision: Decision): void;
  onApproval?(o: ApprovalOutcome): void;
  onUnguarded?(u: UnguardedToolCall): void;
  onHello?(hello: HelloOk): void;
}

export interface SidecarDeps {
  config: ResolvedConfig;
  pipeline: SidecarPipeline;
  defender: Defender;
  telemetry?: Telemetry;
  logger?: Logger;
  hooks?: SidecarHooks;
}

const TOOL_ARGS_MAX = 2048;
const TAINT_MAX = 10_000;
/** Tool events remembered to drop a second copy (session.tool and agent stream:"tool" for one call). */
const TOOL_EVENTS_SEEN_MAX = 8192;
/** Sessions whose messages are subscribed at connect (the most recent of the roster). */
const ROSTER_LIMIT = 200;

export function createSidecar(deps: SidecarDeps): Sidecar {
  const { config, pipeline, defender } = deps;
  const logger = deps.logger?.child?.({ component: "sidecar" }) ?? deps.logger ?? silentLogger;
  const telemetry = deps.telemetry ?? noTelemetry;
  const hooks = deps.hooks ?? {};
  const maxBytes = config.runtime.max_frame_bytes;
  let conn: GatewayConnection | undefined;
  let pluginSeen = false;
  let started = false;
  const toolArgs = new Map<string, Readonly<Record<string, unknown>>>();
  const tainted = new Set<string>();

  const request = (method: string, params: unknown, timeoutMs?: number): Promise<unknown> => {
    if (!conn) return Promise.reject(new Error("sidecar not started"));
    return conn.request(method, params, timeoutMs);
  };

  const approvals: ApprovalAuthority = createApprovalAuthority({
    config,
    defender,
    request,
    logger,
    telemetry,
    toolArgs: (runId, toolCallId) => toolArgs.get(`${runId ?? ""}\u0000${toolCallId ?? ""}`),
    isTainted: (k) => (k ? tainted.has(k) : false),
    onOutcome: (o) => hooks.onApproval?.(o),
  });
  const liveness: LivenessGuard = createLivenessGuard({ config, request, logger, telemetry, onUnguarded: (u) => hooks.onUnguarded?.(u) });
  const sessionSubs = createSessionSubscriptions({ request, logger, telemetry });
  const toolEventsSeen = new Set<string>();

  /** The session key an event names (session.message, sessions.changed). */
  const sessionKeyOf = (payload: unknown): string | undefined => {
    const p = asRec(payload);
    const k = p?.sessionKey ?? p?.key ?? asRec(p?.session)?.key;
    return typeof k === "string" && k.trim() !== "" ? k : undefined;
  };

  /** session.tool, or an agent stream:"tool" event of a channel turn: one tool start or result. */
  function onToolEvent(payload: unknown): void {
    const o = observeSessionTool(payload, maxBytes);
    if (!o || o.type === "message") return;
    // The same call can reach us both ways; judge it once.
    const seenKey = `${o.type}\u0000${o.runId ?? ""}\u0000${o.toolCallId ?? ""}`;
    if (o.toolCallId !== undefined) {
      if (toolEventsSeen.has(seenKey)) return;
      toolEventsSeen.add(seenKey);
      while (toolEventsSeen.size > TOOL_EVENTS_SEEN_MAX) toolEventsSeen.delete(toolEventsSeen.values().next().value!);
    }
    if (o.type === "tool_start") {
      const k = `${o.runId ?? ""}\u0000${o.toolCallId ?? ""}`;
      if (o.action.params) {
        toolArgs.set(k, o.action.params);
        while (toolArgs.size > TOOL_ARGS_MAX) toolArgs.delete(toolArgs.keys().next().value!);
      }
      liveness.observeToolStart({ tool: o.tool, ...(o.runId ? { runId: o.runId } : {}), ...(o.toolCallId ? { toolCallId: o.toolCallId } : {}), ...(o.action.context.sessionKey ? { sessionKey: o.action.context.sessionKey } : {}) });
      telemetry.count("observed", { type: "tool_call" });
      submit(o);
    } else if (o.type === "tool_result") {
      liveness.observeToolResult({ ...(o.runId ? { runId: o.runId } : {}), ...(o.toolCallId ? { toolCallId: o.toolCallId } : {}), ...(o.deniedReason ? { deniedReason: o.deniedReason } : {}) });
      if (o.action) {
        telemetry.count("observed", { type: "tool_output" });
        submit(o as Observation & { action: Action });
      }
    }
  }

  function submit(o: Observation & { action: Action }): void {
    let p: Promise<Decision>;
    try {
      p = pipeline.submit(o.action, o.meta);
    } catch (e) {
      telemetry.count("sidecar_submit_error");
      logger.error({ err: (e as Error).message, actionId: o.action.id }, "pipeline.submit threw");
      return;
    }
    p.then(
      (d) => {
        const fields = { actionId: o.action.id, kind: o.action.kind, tool: o.action.tool, sessionKey: o.action.context.sessionKey, channel: o.action.context.channel, decision: d.action, riskScore: d.riskScore, reasons: d.reasons };
        if (d.action === "allow") logger.debug(fields, "observed action decided (advisory)");
        else logger.warn(fields, `observed action decided ${d.action} (advisory; enforcement is by approvals/plugin)`);
        // Taint: a session that received an injection judges its later exec approvals more strictly.
        const key = o.action.context.sessionKey;
        if (key && d.action !== "allow" && (o.action.kind === "prompt" || o.action.kind === "tool_output") && d.findings.some((f) => f.ruleId.startsWith("inj."))) {
          if (!tainted.has(key)) logger.warn({ sessionKey: key, actionId: o.action.id }, "session tainted by an injection; its exec approvals are judged more strictly");
          tainted.add(key);
          while (tainted.size > TAINT_MAX) tainted.delete(tainted.values().next().value!);
        }
        hooks.onObserved?.(o, d);
      },
      (e: unknown) => {
        telemetry.count("sidecar_submit_error");
        logger.error({ err: (e as Error)?.message, actionId: o.action.id }, "pipeline rejected an action");
      },
    );
  }

  function onEvent(evt: EventFrame): void {
    try {
      switch (evt.event) {
        case "session.message": {
          if (!config.gateway.observe) return;
          const key = sessionKeyOf(evt.payload);
          if (key) sessionSubs.ensure(key);
          const o = observeSessionMessage(evt.payload, maxBytes);
          if (o) {
            telemetry.count("observed", { type: "message" });
            submit(o as Observation & { action: Action });
          }
          return;
        }
        case "sessions.changed": {
          const key = config.gateway.observe ? sessionKeyOf(evt.payload) : undefined;
          if (key) sessionSubs.ensure(key);
          return;
        }
        case "session.tool":
          if (config.gateway.observe) onToolEvent(evt.payload);
          return;
        case "agent":
          // Channel turns' tool calls arrive only this way (to per-session subscribers).
          if (config.gateway.observe && asRec(evt.payload)?.stream === "tool") onToolEvent(evt.payload);
          return;
        case "exec.approval.requested":
        case "plugin.approval.requested": {
          if (!config.gateway.approvals) return;
          const kind = evt.event.startsWith("exec") ? "exec" : "plugin";
          void approvals.handle(kind, evt.payload).catch((e: unknown) => logger.error({ err: (e as Error).message }, "approval handling failed"));
          return;
        }
        case "exec.approval.resolved":
        case "plugin.approval.resolved":
          approvals.resolved(evt.event.startsWith("exec") ? "exec" : "plugin", evt.payload);
          return;
        case "plugins.changed":
          void detectPlugin();
          return;
        default:
          return;
      }
    } catch (e) {
      if (e instanceof FrameError) {
        telemetry.count(e.reason === "oversized" ? "frames_oversized" : "frames_malformed", { event: evt.event });
        logger.warn({ event: evt.event, reason: e.reason, err: e.message }, `${e.reason} frame skipped`);
        return;
      }
      telemetry.count("frames_malformed", { event: String(evt?.event) });
      logger.error({ event: evt?.event, err: (e as Error)?.message }, "frame handling failed; skipped");
    }
  }

  async function detectPlugin(hello?: HelloOk): Promise<void> {
    const method = livenessMethod(config.gateway.plugin_id);
    let seen = false;
    const methods = (hello as { features?: { methods?: unknown } } | undefined)?.features?.methods;
    if (Array.isArray(methods) && methods.includes(method)) seen = true;
    try {
      const res = asRec(await request("plugins.list", {}, 10_000));
      const list = Array.isArray(res?.plugins) ? res.plugins : [];
      for (const p of list) {
        const r = asRec(p);
        if (r?.id !== config.gateway.plugin_id) continue;
        const runtimeState = asRec(r.runtime)?.state;
        if (r.enabled === true && (runtimeState === undefined || runtimeState === "loaded" || runtimeState === "active" || runtimeState === "ready")) seen = true;
      }
    } catch (e) {
      logger.debug({ err: (e as Error).message }, "plugins.list failed");
    }
    if (seen !== pluginSeen) logger.info({ pluginId: config.gateway.plugin_id, loaded: seen }, seen ? "ClawShield plugin is loaded on the Gateway" : "ClawShield plugin is not loaded on the Gateway");
    pluginSeen = seen;
    liveness.setPluginLoaded(seen);
    if (!seen && config.gateway.expect_plugin === "always") {
      logger.warn({ pluginId: config.gateway.plugin_id }, "gateway.expect_plugin = always but the ClawShield plugin is not loaded: tool calls are only guarded by approvals");
    }
  }

  async function onHello(hello: HelloOk, info: { missingScopes: readonly string[] }): Promise<void> {
    hooks.onHello?.(hello);
    if (config.gateway.observe) {
      sessionSubs.reset();
      try {
        const res = asRec(await request("sessions.subscribe", { limit: ROSTER_LIMIT }, 10_000));
        const rows = asRec(res?.list)?.sessions;
        if (Array.isArray(rows)) {
          for (const r of rows) {
            const key = sessionKeyOf(r);
            if (key) sessionSubs.ensure(key);
          }
        }
      } catch (e) {
        logger.error({ err: (e as Error).message, code: "CS_GATEWAY_AUTH" }, "sessions.subscribe failed: inbound messages and tool calls are not observed (needs scope operator.read)");
      }
    }
    if (config.gateway.approvals) {
      if (info.missingScopes.includes("operator.approvals") || info.missingScopes.includes("operator.admin")) {
        logger.error({ code: "CS_GATEWAY_AUTH" }, "approval authority is degraded: without operator.admin + operator.approvals the Gateway does not show ClawShield the approvals of other clients' runs");
      }
      await approvals.backfill().catch(() => undefined);
    }
    await detectPlugin(hello);
  }

  return {
    async start() {
      if (started) return;
      started = true;
      let identity: DeviceIdentity | undefined;
      const path = deviceIdentityPath(config);
      try {
        identity = loadOrCreateDeviceIdentity(path);
        logger.debug({ deviceId: identity.deviceId, path }, "device identity ready");
      } catch (e) {
        logger.error({ err: (e as Error).message, path }, "device identity unavailable; connecting without it (works on loopback with the shared token)");
      }
      conn = createConnection({
        config,
        ...(identity ? { deviceIdentity: identity } : {}),
        logger,
        telemetry,
        onHello: (h, info) => {
          void onHello(h, info).catch((e: unknown) => logger.error({ err: (e as Error).message }, "post-connect setup failed"));
        },
        onEvent,
      });
      conn.start();
    },
    async stop() {
      if (!started) return;
      started = false;
      liveness.stop();
      await conn?.stop();
    },
    status() {
      const s = conn?.state();
      const missing = s?.missingScopes ?? [];
      return {
        connected: s?.connected ?? false,
        scopesOk: (s?.connected ?? false) && missing.length === 0,
        missingScopes: missing,
        ...(s?.lastError !== undefined ? { lastError: s.lastError } : {}),
        reconnects: s?.reconnects ?? 0,
        url: config.gateway.url,
        pluginSeen,
      };
    },
  };
}
