// [server] — HTTP server: /healthz, /readyz, /metrics, /v1/evaluate, /v1/decisions/stream.
import type { SectionSpec } from "../fields.ts";

export const serverSection: SectionSpec = {};

export interface ServerConfig {}
