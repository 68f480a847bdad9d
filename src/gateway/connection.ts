// One supervised operator connection to the OpenClaw Gateway (wire protocol v4) through the
// reference client `@openclaw/gateway-client`: token or password auth, client id
// `gateway-client` / mode `backend`, displayName "ClawShield", a signed Ed25519 device identity,
// optional TLS certificate pinning for wss://.
//
// Reconnects are ours, not the reference client's: each attempt is one GatewayClient; when it
// closes (or does not reach hello-ok within gateway.connect_timeout_ms) it is stopped and a new one
// is started after a backoff (500 ms doubling, capped at gateway.reconnect_max_ms, ±20 % jitter).
// The backoff resets after every hello-ok, so a healthy connection that drops reconnects fast.
// After every hello-ok the granted scopes are checked against what ClawShield needs.

import { GatewayClient } from "@openclaw/gateway-client";
import type { EventFrame, HelloOk } from "@openclaw/gateway-protocol";
import type { ResolvedConfig } from "../config/schema.ts";
import { noTelemetry, silentLogger, type Logger, type Telemetry } from "../defender/types.ts";
import { VERSION } from "../version.ts";
import { publicKeyRawBase64UrlFromPem, signDevicePayload, type DeviceIdentity } from "./device-identity.ts";

export const REQUIRED_SCOPES: readonly string[] = ["operator.read", "operator.write", "operator.approvals", "operator.admin"];
export const REQUESTED_CAPS: readonly string[] = ["approvals", "exec-approvals", "plugin-approvals", "tool-events"];

/** What each scope is needed for (used in the missing-scope message). */
const SCOPE_PURPOSE: Readonly<Record<string, string>> = {
  "operator.read": "observe sessions (sessions.subscribe: messages, tool calls, tool results)",
  "operator.write": "status and session methods",
  "operator.approvals": "receive and resolve exec/plugin approval requests",
  "operator.admin": "see approvals of runs other clients started, read config (doctor)",
};

export interface ConnectionOptions {
  readonly config: ResolvedConfig;
  readonly deviceIdentity?: DeviceIdentity;
  readonly logger?: Logger;
  readonly telemetry?: Telemetry;
  /** Test hook: initial backoff (default 500 ms). */
  readonly initialBackoffMs?: number;
  onHello?(hello: HelloOk, info: { scopes: readonly string[]; missingScopes: readonly string[]; reconnect: boolean }): void;
  onEvent?(evt: EventFrame): void;
  onDisconnect?(info: { code?: number; reason: string }): void;
}

export interface ConnectionState {
  readonly connected: boolean;
  readonly grantedScopes: readonly string[];
  readonly missingScopes: readonly string[];
  readonly lastError?: string;
  readonly reconnects: number;
  readonly url: string;
  readonly hello?: HelloOk;
}

export interface GatewayConnection {
  start(): void;
  stop(): Promise<void>;
  request<T = unknown>(method: string, params?: unknown, timeoutMs?: number): Promise<T>;
  state(): ConnectionState;
}

/** Plain-words explanation of a connect failure (auth codes from ConnectErrorDetailCodes). */
export function explainConnectError(err: unknown, config: ResolvedConfig): string {
  const e = err as { message?: string; details?: unknown; gatewayCode?: string; code?: string };
  const details = (typeof e?.details === "object" && e.details !== null ? e.details : {}) as Record<string, unknown>;
  const code = typeof details.code === "string" ? details.code : undefined;
  const msg = String(e?.message ?? err);
  const hasToken = config.gateway.token !== undefined && config.gateway.token !== "";
  const hasPassword = config.gateway.password !== undefined && config.gateway.password !== "";
  switch (code) {
    case "AUTH_TOKEN_MISMATCH":
      return `Gateway refused the token (AUTH_TOKEN_MISMATCH). Fix: set gateway.token (or OPENCLAW_GATEWAY_TOKEN) to the Gateway's gateway.auth.token.`;
    case "AUTH_TOKEN_MISSING":
      return `Gateway requires a token (AUTH_TOKEN_MISSING)${hasPassword ? " but ClawShield sent a password" : ""}. Fix: set gateway.token or OPENCLAW_GATEWAY_TOKEN to the Gateway's gateway.auth.token.`;
    case "AUTH_TOKEN_NOT_CONFIGURED":
      return `Gateway has no token configured (AUTH_TOKEN_NOT_CONFIGURED). Fix: set gateway.auth.token on the Gateway, or use its password mode with gateway.password here.`;
    case "AUTH_PASSWORD_MISMATCH":
      return `Gateway refused the password (AUTH_PASSWORD_MISMATCH). Fix: set gateway.password (or OPENCLAW_GATEWAY_PASSWORD) to the Gateway's gateway.auth.password.`;
    case "AUTH_PASSWORD_MISSING":
      return `Gateway requires a password (AUTH_PASSWORD_MISSING)${hasToken ? " but ClawShield sent a token" : ""}. Fix: set gateway.password or OPENCLAW_GATEWAY_PASSWORD.`;
    case "AUTH_PASSWORD_NOT_CONFIGURED":
      return `Gateway has no password configured (AUTH_PASSWORD_NOT_CONFIGURED). Fix: use token auth (gateway.token) or configure gateway.auth.password on the Gateway.`;
    case "AUTH_RATE_LIMITED":
      return `Gateway rate-limited authentication (AUTH_RATE_LIMITED); retrying later. Check that the token/password is right.`;
    case "PAIRING_REQUIRED":
      return `Gateway requires this device to be paired (PAIRING_REQUIRED). Fix: on the Gateway host run \`openclaw devices list\` and \`openclaw devices approve <requestId>\`, or connect over loopback with the shared token.`;
    case "PROTOCOL_MISMATCH":
      return `Gateway speaks a different protocol version (PROTOCOL_MISMATCH: ${JSON.stringify({ expected: details.expectedProtocol })}); ClawShield speaks v4 (OpenClaw 2026.9.x). Upgrade the Gateway or ClawShield.`;
    default:
      if (code?.startsWith("DEVICE_AUTH") || code === "DEVICE_IDENTITY_REQUIRED") {
        return `Gateway rejected the device identity (${code}). Fix: move ${config.gateway.device_identity_path ?? "<state_dir>/device-identity.json"} away to create a new identity, and check the host clock (signatures expire after 2 minutes).`;
      }
      if (!hasToken && !hasPassword && /unauthorized|auth/i.test(msg)) {
        return `Gateway refused the connection: ${msg}. Fix: set gateway.token / OPENCLAW_GATEWAY_TOKEN (or gateway.password).`;
      }
      return code ? `${msg} (${code})` : msg;
  }
}

/** The missing-scope startup message: which scope, what for, and the Gateway setting to change. */
export function explainMissingScopes(missing: readonly string[], granted: readonly string[]): string {
  const what = missing.map((s) => `${s} (needed to ${SCOPE_PURPOSE[s] ?? "work"})`).join(", ");
  const cleared = granted.length === 0;
  return (
    `Gateway granted ${cleared ? "no scopes" : `only [${granted.join(", ")}]`}; missing ${what}. ` +
    (cleared
      ? "The Gateway cleared the requested scopes: connect with the shared token (gateway.auth.token → gateway.token / OPENCLAW_GATEWAY_TOKEN) over loopback, or pair this device. "
      : "") +
    "Fix: give ClawShield's device the missing operator scopes (`openclaw devices list`, then approve/rotate its pairing with the scopes " +
    `${REQUIRED_SCOPES.join(", ")}), or connect with the Gateway's shared token as client gateway-client/backend, which keeps the requested scopes.`
  );
}

export function createConnection(opts: ConnectionOptions): GatewayConnection {
  const { config } = opts;
  const logger = opts.logger ?? silentLogger;
  const telemetry = opts.telemetry ?? noTelemetry;
  const initialMs = opts.initialBackoffMs ?? 500;
  const maxMs = config.gateway.reconnect_max_ms;
  let client: GatewayClient | undefined;
  let generation = 0;
  let stopped = true;
  let connected = false;
  let everConnected = false;
  let backoff = initialMs;
  let reconnects = 0;
  let retryTimer: NodeJS.Timeout | undefined;
  let attemptTimer: NodeJS.Timeout | undefined;
  let lastError: string | undefined;
  let lastLoggedError: string | undefined;
  let grantedScopes: readonly string[] = [];
  let missingScopes: readonly string[] = [];
  let hello: HelloOk | undefined;

  const token = config.gateway.token?.trim() || undefined;
  const password = token ? undefined : config.gateway.password?.trim() || undefined;

  function nextDelay(): number {
    const d = Math.min(backoff, maxMs);
    backoff = Math.min(backoff * 2, maxMs);
    return Math.round(d * (0.8 + Math.random() * 0.4));
  }

  function fail(gen: number, reason: string, code?: number): void {
    if (gen !== generation || stopped) return;
    generation++; // ignore further callbacks of this attempt
    const c = client;
    client = undefined;
    if (attemptTimer) clearTimeout(attemptTimer);
    attemptTimer = undefined;
    c?.stop();
    const wasConnected = connected;
    connected = false;
    if (wasConnected) {
      telemetry.gauge("gateway_connected", 0);
      logger.warn({ code, reason, url: config.gateway.url }, "gateway connection lost; reconnecting");
      opts.onDisconnect?.({ ...(code !== undefined ? { code } : {}), reason });
    }
    const delay = nextDelay();
    retryTimer = setTimeout(attempt, delay);
    retryTimer.unref?.();
  }

  function setError(msg: string): void {
    lastError = msg;
    if (msg !== lastLoggedError) {
      lastLoggedError = msg;
      logger.error({ url: config.gateway.url, code: "CS_GATEWAY_AUTH" }, msg);
    } else logger.debug({ url: config.gateway.url }, msg);
  }

  function attempt(): void {
    if (stopped) return;
    retryTimer = undefined;
    const gen = ++generation;
    if (everConnected) {
      reconnects++;
      telemetry.count("gateway_reconnects");
    }
    let c: GatewayClient;
    try {
      c = new GatewayClient({
        url: config.gateway.url,
        ...(token ? { token } : {}),
        ...(password ? { password } : {}),
        clientName: "gateway-client",
        mode: "backend",
        clientDisplayName: "ClawShield",
        clientVersion: VERSION,
        platform: process.platform,
        role: "operator",
        scopes: [...REQUIRED_SCOPES],
        caps: [...REQUESTED_CAPS],
        minProtocol: 4,
        maxProtocol: 4,
        requestTimeoutMs: 30_000,
        ...(config.gateway.tls_fingerprint ? { tlsFingerprint: config.gateway.tls_fingerprint } : {}),
        deviceIdentity: opts.deviceIdentity ?? null,
        hostDeps: {
          signDevicePayload,
          publicKeyRawBase64UrlFromPem,
          logDebug: (m) => logger.debug({ component: "gateway-client" }, m),
          logError: (m) => logger.debug({ component: "gateway-client" }, m),
        },
        onHelloOk: (h) => {
          if (gen !== generation || stopped) return;
          if (attemptTimer) clearTimeout(attemptTimer);
          attemptTimer = undefined;
          const reconnect = everConnected;
          connected = true;
          everConnected = true;
          backoff = initialMs;
          hello = h;
          const auth = (h as { auth?: { scopes?: unknown } }).auth;
          grantedScopes = Array.isArray(auth?.scopes) ? (auth.scopes as unknown[]).filter((s): s is string => typeof s === "string") : [];
          missingScopes = REQUIRED_SCOPES.filter((s) => !grantedScopes.includes(s));
          telemetry.gauge("gateway_connected", 1);
          if (missingScopes.length > 0) {
            const msg = explainMissingScopes(missingScopes, grantedScopes);
            lastError = msg;
            logger.error({ code: "CS_GATEWAY_AUTH", missingScopes, grantedScopes }, msg);
            telemetry.count("gateway_missing_scope", { scope: missingScopes.join(",") });
          } else {
            lastError = undefined;
          }
          lastLoggedError = undefined;
          const server = (h as { server?: { version?: string } }).server;
          logger.info({ url: config.gateway.url, server: server?.version, scopes: grantedScopes, reconnect }, reconnect ? "gateway reconnected" : "gateway connected");
          opts.onHello?.(h, { scopes: grantedScopes, missingScopes, reconnect });
        },
        onEvent: (evt) => {
          if (gen !== generation || stopped) return;
          opts.onEvent?.(evt);
        },
        onConnectError: (err) => {
          if (gen !== generation || stopped) return;
          setError(`cannot connect to the Gateway at ${config.gateway.url}: ${explainConnectError(err, config)}`);
        },
        onReconnectPaused: (info) => {
          if (gen !== generation || stopped) return;
          setError(`Gateway at ${config.gateway.url} refused the connection (${info.detailCode ?? info.code}: ${info.reason}); retrying every ${Math.round(maxMs / 1000)} s`);
          backoff = maxMs;
        },
        onClose: (code, reason, info) => {
          if (gen !== generation || stopped) return;
          if (!connected && info?.connectError) setError(`cannot connect to the Gateway at ${config.gateway.url}: ${explainConnectError(info.connectError, config)}`);
          else if (!connected && code !== 1000 && code !== 1005) {
            setError(`cannot connect to the Gateway at ${config.gateway.url}: closed (${code}${reason ? ` ${reason}` : ""}); is it running?`);
          }
          fail(gen, reason || `closed ${code}`, code);
        },
      });
    } catch (e) {
      setError(`invalid Gateway connection settings: ${(e as Error).message}`);
      fail(gen, (e as Error).message);
      return;
    }
    client = c;
    attemptTimer = setTimeout(() => {
      if (gen !== generation || connected) return;
      setError(`no hello-ok from the Gateway at ${config.gateway.url} within ${config.gateway.connect_timeout_ms} ms; retrying`);
      fail(gen, "connect timeout");
    }, config.gateway.connect_timeout_ms);
    attemptTimer.unref?.();
    try {
      c.start();
    } catch (e) {
      setError(`cannot connect to the Gateway at ${config.gateway.url}: ${(e as Error).message}`);
      fail(gen, (e as Error).message);
    }
  }

  return {
    start() {
      if (!stopped) return;
      stopped = false;
      backoff = initialMs;
      attempt();
    },
    async stop() {
      stopped = true;
      generation++;
      if (retryTimer) clearTimeout(retryTimer);
      if (attemptTimer) clearTimeout(attemptTimer);
      retryTimer = attemptTimer = undefined;
      const c = client;
      client = undefined;
      if (connected) telemetry.gauge("gateway_connected", 0);
      connected = false;
      if (c) await c.stopAndWait({ timeoutMs: 2000 }).catch(() => undefined);
    },
    async request<T>(method: string, params?: unknown, timeoutMs?: number): Promise<T> {
      const c = client;
      if (!c || !connected) throw new Error(`gateway not connected (${method})`);
      return (await c.request<Record<string, unknown>>(method, params ?? {}, timeoutMs !== undefined ? { timeoutMs } : undefined)) as T;
    },
    state() {
      return {
        connected,
        grantedScopes,
        missingScopes,
        ...(lastError !== undefined ? { lastError } : {}),
        reconnects,
        url: config.gateway.url,
        ...(hello ? { hello } : {}),
      };
    },
  };
}
