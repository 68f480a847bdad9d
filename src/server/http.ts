// The HTTP API (fastify 5), loopback by default:
//   GET  /healthz              liveness (always 200 while the process serves)
//   GET  /readyz               200 when the Gateway is connected and the needed scopes are granted, else 503 with why
//   GET  /metrics              Prometheus text
//   POST /v1/evaluate          Action JSON → Decision JSON (through the runtime pipeline)
//   GET  /v1/decisions/stream  Server-Sent Events: one `security.decision` event per decision
// Bound beyond loopback, server.token is required (startup refuses otherwise); when a token is
// set, every route except /healthz and /readyz needs `Authorization: Bearer <token>`.

import { createHash, timingSafeEqual } from "node:crypto";
import type { ServerResponse } from "node:http";
import Fastify, { type FastifyError, type FastifyInstance } from "fastify";
import type { ResolvedConfig } from "../config/schema.ts";
import { noTelemetry, silentLogger, type Logger, type Telemetry } from "../defender/types.ts";
import { parseAction } from "../engine/action.ts";
import type { Action, Decision } from "../engine/types.ts";
import { ClawShieldError, ErrorCode, isClawShieldError } from "../errors.ts";
import type { SubmitMeta } from "../runtime/pipeline.ts";
import type { Metrics } from "../telemetry/metrics.ts";
import { VERSION } from "../version.ts";
import type { DecisionHub } from "./stream.ts";

/** Stands in for Fastify's schema compilers: this API has no route schemas (see createHttpServer). */
function noSchemaCompiler(): () => never {
  return () => {
    throw new Error("clawshield HTTP API: a route declares a schema, but the server is built without schema compilers (src/server/http.ts). Fix: validate in the handler, or restore Fastify's compilers there.");
  };
}

export interface Readiness {
  readonly ready: boolean;
  /** Why not ready (shown in the 503 body). */
  readonly reason?: string;
  readonly detail?: Readonly<Record<string, unknown>>;
}

export interface HttpServerDeps {
  readonly config: ResolvedConfig;
  readonly pipeline: { submit(action: Action, meta?: SubmitMeta): Promise<Decision>; readonly depth: number };
  readonly metrics?: Metrics;
  readonly telemetry?: Telemetry;
  readonly logger?: Logger;
  readonly hub?: DecisionHub;
  /** Readiness probe; without one the server is ready as soon as it listens. */
  readonly readiness?: () => Readiness;
  /** Overrides of server.host / server.port (CLI flags, tests). */
  readonly host?: string;
  readonly port?: number;
  /** SSE heartbeat interval (default 15 s). */
  readonly heartbeatMs?: number;
  /** Extra facts for /healthz (policy version, self-attestation digest). */
  readonly about?: () => Readonly<Record<string, unknown>>;
}

export interface HttpServer {
  readonly app: FastifyInstance;
  /** Starts listening; resolves with the bound address. */
  listen(): Promise<{ host: string; port: number; url: string }>;
  close(): Promise<void>;
}

/** 127.0.0.0/8, ::1 and localhost; 0.0.0.0 / :: are not loopback. */
export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[|\]$/g, "");
  return h === "localhost" || h === "::1" || /^127(?:\.\d{1,3}){3}$/.test(h) || h === "::ffff:127.0.0.1";
}

const SSE_MAX_BUFFERED = 1024 * 1024;
/** Routes open without the bearer token (liveness and readiness probes). */
const PUBLIC_ROUTES: ReadonlySet<string> = new Set(["/healthz", "/readyz"]);

function digest(s: string): Buffer {
  return createHash("sha256").update(s).digest();
}

export function createHttpServer(deps: HttpServerDeps): HttpServer {
  const { config } = deps;
  const logger = deps.logger ?? silentLogger;
  const telemetry = deps.telemetry ?? deps.metrics ?? noTelemetry;
  const host = deps.host ?? config.server.host;
  const port = deps.port ?? config.server.port;
  const token = config.server.token?.trim() ? config.server.token.trim() : undefined;
  if (!isLoopbackHost(host) && token === undefined) {
    throw new ClawShieldError(
      ErrorCode.CONFIG_INVALID,
      `server.host = "${host}" is not a loopback address and server.token is not set: the HTTP API would let anyone on the network evaluate and read the decision stream. Fix: set server.token (or CLAWSHIELD_SERVER_TOKEN), or bind 127.0.0.1.`,
      { key: "server.token" },
    );
  }
  const tokenDigest = token === undefined ? undefined : digest(token);
  const started = Date.now();
  const eventName = config.runtime.decision_event;
  const streams = new Set<ServerResponse>();

  const app = Fastify({
    logger: false,
    bodyLimit: config.runtime.max_frame_bytes,
    forceCloseConnections: true,
    return503OnClosing: true,
    // No route declares a schema (bodies go through parseAction, replies are plain JSON), so
    // Fastify's default compilers would only load Ajv and fast-json-stringify into the service
    // (~1.4 MB of heap, 2-4 MB of RSS). A route that adds a schema fails at startup, loudly.
    schemaController: { compilersFactory: { buildValidator: noSchemaCompiler, buildSerializer: noSchemaCompiler } },
  });

  // Own JSON parser: clear 400 messages, counted.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("application/json", { parseAs: "string" }, (_req, body, done) => {
    const text = String(body);
    if (text.trim() === "") {
      done(Object.assign(new Error('empty request body. Fix: send one Action JSON object, e.g. {"command":"ls"}.'), { statusCode: 400, code: ErrorCode.INPUT_INVALID }), undefined);
      return;
    }
    try {
      done(null, JSON.parse(text) as unknown);
    } catch (e) {
      const m = /position (\d+)/.exec((e as Error).message);
      done(Object.assign(new Error(`request body is not valid JSON${m ? ` (at character ${m[1]})` : ""}: ${(e as Error).message}. Fix: send one Action JSON object, e.g. {"command":"ls"}.`), { statusCode: 400, code: ErrorCode.INPUT_INVALID }), undefined);
    }
  });

  app.setErrorHandler((err: FastifyError, req, reply) => {
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500;
    if (status >= 500) logger.error({ err, url: req.url }, "HTTP handler failed");
    else {
      telemetry.count("input_rejected", { source: "http", reason: status === 413 ? "oversized" : status === 415 ? "media_type" : "malformed" });
      logger.warn({ url: req.url, status, error: err.message }, "HTTP request rejected");
    }
    const message =
      status === 413
        ? `request body larger than runtime.max_frame_bytes (${config.runtime.max_frame_bytes} bytes). Fix: send a smaller action or raise runtime.max_frame_bytes.`
        : status === 415
          ? "unsupported content type. Fix: send Content-Type: application/json."
          : status >= 500
            ? "internal error (logged)"
            : err.message;
    void reply.code(status).send({ error: { code: status < 500 ? ErrorCode.INPUT_INVALID : "internal", message } });
  });

  // Default deny: with a token, every route except the two probes needs it. Decided on the matched
  // route pattern, never on the raw URL (a percent-encoded path like /%761/evaluate matches the
  // /v1/evaluate route but not a "/v1/" prefix test).
  app.addHook("onRequest", async (req, reply) => {
    if (tokenDigest === undefined) return;
    const route = req.routeOptions.url;
    if (route !== undefined && PUBLIC_ROUTES.has(route)) return;
    const h = req.headers.authorization ?? "";
    const m = /^Bearer\s+(.+)$/i.exec(h);
    if (!m || !timingSafeEqual(digest(m[1]!.trim()), tokenDigest)) {
      telemetry.count("http_unauthorized");
      return reply.code(401).header("www-authenticate", 'Bearer realm="clawshield"').send({ error: { code: "unauthorized", message: "missing or wrong bearer token. Fix: send Authorization: Bearer <server.token>." } });
    }
  });

  app.addHook("onResponse", async (req, reply) => {
    telemetry.count("http_requests", { route: req.routeOptions.url ?? "unknown", code: String(reply.statusCode) });
  });

  app.get("/healthz", async () => ({ status: "ok", version: VERSION, uptimeSecs: Math.round((Date.now() - started) / 1000), queueDepth: deps.pipeline.depth, ...(deps.about?.() ?? {}) }));

  app.get("/readyz", async (_req, reply) => {
    const r = deps.readiness?.() ?? { ready: true };
    return reply.code(r.ready ? 200 : 503).send({ ready: r.ready, ...(r.reason ? { reason: r.reason } : {}), ...(r.detail ?? {}) });
  });

  app.get("/metrics", async (_req, reply) => {
    if (!deps.metrics) return reply.code(404).send({ error: { code: "not_found", message: "metrics are not enabled" } });
    deps.metrics.gauge("queue_depth", deps.pipeline.depth);
    return reply.header("content-type", deps.metrics.contentType).send(await deps.metrics.render());
  });

  app.post("/v1/evaluate", async (req, reply) => {
    let action: Action;
    try {
      action = parseAction(req.body, { source: "http" });
    } catch (e) {
      if (!isClawShieldError(e)) throw e;
      telemetry.count("input_rejected", { source: "http", reason: "invalid_action" });
      logger.warn({ error: e.message }, "HTTP evaluate: invalid action");
      return reply.code(400).send({ error: { code: e.code, message: e.message } });
    }
    const q = req.query as Record<string, string | undefined>;
    const meta: { queueMode?: SubmitMeta["queueMode"]; groupActivation?: SubmitMeta["groupActivation"] } = {};
    if (q.queueMode && ["followup", "steer", "collect", "steer-backlog", "interrupt"].includes(q.queueMode)) meta.queueMode = q.queueMode as SubmitMeta["queueMode"];
    if (q.groupActivation === "mention" || q.groupActivation === "always") meta.groupActivation = q.groupActivation;
    const decision = await deps.pipeline.submit(action, meta);
    return reply.header("x-clawshield-action", decision.action).send(decision);
  });

  app.get("/v1/decisions/stream", (req, reply) => {
    const hub = deps.hub;
    if (!hub) return reply.code(404).send({ error: { code: "not_found", message: "the decision stream is not enabled" } });
    if (streams.size >= config.server.sse_max_clients) {
      telemetry.count("sse_refused");
      return reply.code(503).send({ error: { code: "busy", message: `too many stream clients (server.sse_max_clients = ${config.server.sse_max_clients})` } });
    }
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache, no-transform", connection: "keep-alive", "x-accel-buffering": "no" });
    res.write(`: clawshield ${VERSION} decision stream (event: ${eventName})\n\n`);
    streams.add(res);
    telemetry.gauge("sse_clients", streams.size);
    let seq = 0;
    const cleanup = (): void => {
      unsubscribe();
      clearInterval(ping);
      if (streams.delete(res)) telemetry.gauge("sse_clients", streams.size);
    };
    const unsubscribe = hub.subscribe((ev) => {
      if (res.writableLength > SSE_MAX_BUFFERED) {
        // A client that does not read must not make the server buffer without bound.
        telemetry.count("sse_dropped_clients");
        logger.warn({ buffered: res.writableLength }, "decision stream client too slow; disconnected");
        cleanup();
        res.destroy();
        return;
      }
      res.write(`event: ${eventName}\nid: ${++seq}\ndata: ${JSON.stringify(ev)}\n\n`);
    });
    const ping = setInterval(() => res.write(": ping\n\n"), deps.heartbeatMs ?? 15_000);
    ping.unref();
    req.raw.on("close", cleanup);
    res.on("error", cleanup);
  });

  return {
    app,
    async listen() {
      await app.listen({ host, port });
      const addr = app.server.address();
      const boundPort = typeof addr === "object" && addr !== null ? addr.port : port;
      const shownHost = host.includes(":") ? `[${host}]` : host;
      return { host, port: boundPort, url: `http://${shownHost}:${boundPort}` };
    },
    async close() {
      for (const res of streams) res.end();
      streams.clear();
      await app.close();
    },
  };
}
