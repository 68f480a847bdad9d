// [server] — HTTP server: /healthz, /readyz, /metrics, /v1/evaluate, /v1/decisions/stream.
// Loopback by default. The default port 18780 stays clear of OpenClaw's own ports: 18789 (Gateway),
// 18790 (Gateway + 1: bridge / apps sandbox), 18791 (browser control), 18792 (CDP relay),
// 18799 (browser relay), 18800-18899 (browser profiles), 19001 (dev Gateway).
import { f, type SectionSpec } from "../fields.ts";

export const serverSection: SectionSpec = {
  enabled: f.bool(true, "Serve the HTTP API when `clawshield start` runs."),
  host: f.str("127.0.0.1", "Bind address. Anything other than a loopback address (127.0.0.0/8, ::1, localhost) requires server.token.", { env: ["SERVER_HOST"] }),
  port: f.int(18780, "TCP port (0 = any free port, printed in the log). 18790 would collide with OpenClaw's Gateway + 1 port.", 0, 65535, { env: ["SERVER_PORT"] }),
  token: f.str(undefined, "Bearer token for /v1/* and /metrics (required when host is not loopback; when set it is always enforced).", { secret: true, env: ["SERVER_TOKEN"] }),
  sse_max_clients: f.int(32, "Concurrent /v1/decisions/stream clients; more are refused with 503.", 1, 10000),
};

export interface ServerConfig {
  readonly enabled: boolean;
  readonly host: string;
  readonly port: number;
  readonly token?: string;
  readonly sse_max_clients: number;
}
