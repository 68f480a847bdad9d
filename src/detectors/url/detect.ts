// Offline URL heuristics (no network): filled in by the host-integrity/VirusTotal work.
import type { SecurityConfig } from "../../config/schema.ts";
import type { Detector } from "../../engine/types.ts";

export function createUrlDetector(_security: SecurityConfig): Detector {
  return { id: "url", detect: () => [] };
}
