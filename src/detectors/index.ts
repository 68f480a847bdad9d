// The default detector set, chosen by security.scoring. The one place that wires detectors.

import type { ResolvedConfig } from "../config/schema.ts";
import type { Detector } from "../engine/types.ts";
import { createCommandDetector } from "./command/detect.ts";
import { createCompatCommandDetector, createCompatPromptDetector } from "./compat/rust-compat.ts";
import { createInjectionDetector } from "./injection/detect.ts";

/** Builds the detectors for a config; compiled once, evaluated many times. */
export function createDefaultDetectors(config: ResolvedConfig): Detector[] {
  if (config.security.scoring === "compat") {
    return [createCompatPromptDetector(config.security), createCompatCommandDetector(config.security)];
  }
  return [createInjectionDetector(config.security), createCommandDetector(config.security)];
}
