// Control for bench/plugin/plugin.bench.ts: the hooks ClawShield registers (src/plugin/index.ts),
// at the same priority, with empty handlers. A turn on a Gateway hosting this plugin costs what the
// Gateway itself adds for a plugin with these hooks; ClawShield's own share is the rest.
const PRIORITY = 10_000;

export default {
  id: "clawshield-bench-noop",
  name: "ClawShield bench control (no-op)",
  description: "no-op hooks",
  register(api) {
    api.logger.info("[clawshield-bench-noop] registered");
    api.on("before_tool_call", async () => undefined, { priority: PRIORITY });
    api.on("after_tool_call", async () => undefined, { priority: PRIORITY });
    api.on("message_received", async () => undefined, { priority: PRIORITY });
    api.on("tool_result_persist", () => undefined, { priority: PRIORITY });
    api.on("message_sending", async () => undefined, { priority: -PRIORITY });
  },
};
