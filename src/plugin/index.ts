// The ClawShield OpenClaw plugin (entry named by package.json "openclaw.extensions"; manifest:
// openclaw.plugin.json at the package root). A plain default-export object, which is what
// `definePluginEntry` returns, so nothing is imported from openclaw at run time.
//
// register() is synchronous and idempotent (OpenClaw runs it several times): it loads the config
// (same loader, engine and rules as the CLI and the sidecar), starts the engine once per process in
// the background, and registers the hooks. Hook handlers await the engine (bounded) and fail closed.

import { pluginSection, type PluginConfig } from "../config/sections/plugin.ts";
import { createHookHandlers } from "./hooks.ts";
import { livenessHandler } from "./liveness.ts";
import { adaptLogger, countersOf, ensureRuntime, hookMsSummary, startRuntime } from "./runtime.ts";
import type { OpenClawPluginApiLike, PluginEntry } from "./types.ts";

export const PLUGIN_ID = "clawshield";
/** Runs before other plugins' before_tool_call handlers (higher runs first): a block is terminal. */
export const HOOK_PRIORITY = 10_000;

/** [plugin] defaults (from the schema), used while the config is unavailable (the hooks then fail closed anyway). */
const FALLBACK_PLUGIN_CONFIG = Object.fromEntries(Object.entries(pluginSection).map(([k, spec]) => [k, spec.default])) as unknown as PluginConfig;

const registered = new WeakSet<object>();

export function register(api: OpenClawPluginApiLike): void {
  if (registered.has(api)) return;
  registered.add(api);
  const logger = adaptLogger(api.logger);
  // Metadata-only loads (discovery, CLI metadata, setup) get the hooks but start no engine.
  const full = api.registrationMode === undefined || api.registrationMode === "full";
  const state = ensureRuntime(api.pluginConfig, logger, { start: full });
  const handlers = createHookHandlers({
    runtime: () => startRuntime(state, logger),
    readyRuntime: () => state.ready,
    pluginConfig: () => state.setup?.config.plugin ?? FALLBACK_PLUGIN_CONFIG,
    taint: state.taint,
    stats: state.stats,
    ring: state.ring,
    logger,
  });
  api.on("before_tool_call", handlers.beforeToolCall, { priority: HOOK_PRIORITY });
  api.on("after_tool_call", handlers.afterToolCall, { priority: HOOK_PRIORITY });
  api.on("message_received", handlers.messageReceived, { priority: HOOK_PRIORITY });
  api.on("tool_result_persist", handlers.toolResultPersist, { priority: HOOK_PRIORITY });
  // Every message_sending handler sees the original content and the last returned content wins, so
  // the redaction runs last (lowest priority); a cancel by an earlier handler is terminal anyway.
  api.on("message_sending", handlers.messageSending, { priority: -HOOK_PRIORITY });
  // Hook-liveness contract v1 (src/gateway/liveness.ts): the sidecar polls our decisions.
  try {
    api.registerGatewayMethod?.(`${PLUGIN_ID}.decisions`, livenessHandler(() => state.ring, () => ({ hookMs: hookMsSummary(state.stats), stats: countersOf(state.stats) })), { scope: "operator.read", profileAccess: "independent" });
  } catch (e) {
    logger.warn({ err: e }, "could not register the clawshield.decisions method (hook-liveness guard unavailable)");
  }
}

const entry: PluginEntry = {
  id: PLUGIN_ID,
  name: "ClawShield",
  description: "Security defender: blocks malicious tool calls (exec, files, browser, messages…), asks a human on review, and taints sessions that received a prompt injection.",
  register,
};

export default entry;
export { pluginStats, resetPluginState, processState } from "./runtime.ts";
