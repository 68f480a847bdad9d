/** End-to-end harness: fake model server, real OpenClaw Gateway, operator-client helpers. */
export * from "./fake-llm.ts";
export * from "./gateway.ts";
export * from "./client.ts";
export { snapshotPluginPackage } from "./plugin-package.ts";
export * from "./fake-telegram.ts";
