// Suites beyond the engine's: the sidecar end to end (protocol-level fake Gateway) and the plugin
// overhead on the real Gateway. Registered here so bench/run.ts stays small.
import type { Row } from "./lib.ts";
import { benchPlugin } from "./plugin/plugin.bench.ts";
import { benchSidecar } from "./sidecar/sidecar.bench.ts";

export const EXTRA_SUITES: Record<string, (opts: { quick?: boolean }) => Promise<Row[]>> = {
  sidecar: benchSidecar,
  plugin: benchPlugin,
};
