// The default detector set, chosen by security.scoring. The one place that wires detectors.

import type { ResolvedConfig } from "../config/schema.ts";
import type { Detector } from "../engine/types.ts";
import { createCommandDetector } from "./command/detect.ts";
import { loadShellParser } from "./command/parser.ts";
import { createCompatCommandDetector, createCompatPromptDetector } from "./compat/rust-compat.ts";
import { createControlDetector } from "./control/detect.ts";
import { createInjectionDetector } from "./injection/detect.ts";
import { createPathDetector } from "./path/detect.ts";
import { createSecretDetector } from "./secret/detect.ts";
import { createUrlDetector } from "./url/detect.ts";

/** Builds the detectors for a config: compiled once (async: the shell parser is WASM), evaluated many times. */
export async function createDefaultDetectors(config: ResolvedConfig): Promise<Detector[]> {
  if (config.security.scoring === "compat") {
    return [createCompatPromptDetector(config.security), createCompatCommandDetector(config.security)];
  }
  const shell = await loadShellParser();
  // OPENCLAW_GATEWAY_PORT: inside the Gateway (the plugin) OpenClaw sets it to the port it listens
  // on, so url.local-control knows that port even when clawshield.toml names none.
  return [createInjectionDetector(config.security), createCommandDetector(config.security, shell), createUrlDetector(config.security, { gatewayUrl: config.gateway.url, gatewayPort: process.env.OPENCLAW_GATEWAY_PORT, apiPort: config.server.port }), createPathDetector(), createSecretDetector(), createControlDetector()];
}
