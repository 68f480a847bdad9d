// Public API: build an engine from a config with the default detectors. Imports no shell.

import type { ResolvedConfig } from "./config/schema.ts";
import { createDefaultDetectors } from "./detectors/index.ts";
import { createEngine as createBareEngine, type Engine } from "./engine/engine.ts";
import type { Detector } from "./engine/types.ts";
import { VERSION } from "./version.ts";

export { loadConfig, redactConfig } from "./config/load.ts";
export type { ResolvedConfig } from "./config/schema.ts";
export { parseAction, extractSubjects } from "./engine/action.ts";
export type * from "./engine/types.ts";
export type { Engine } from "./engine/engine.ts";
export { VERSION } from "./version.ts";

/** The engine with ClawShield's default detectors (plus any extra ones). Async once, at start-up. */
export async function createEngine(config: ResolvedConfig, opts: { extraDetectors?: readonly Detector[]; now?: () => number; policyVersion?: string } = {}): Promise<Engine> {
  return createBareEngine({
    config,
    detectors: [...(await createDefaultDetectors(config)), ...(opts.extraDetectors ?? [])],
    version: VERSION,
    ...(opts.now ? { now: opts.now } : {}),
    ...(opts.policyVersion ? { policyVersion: opts.policyVersion } : {}),
  });
}
