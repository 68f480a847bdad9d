// A protocol-level fake OpenClaw Gateway (wire protocol v4) for the sidecar load test: a `ws`
// server on 127.0.0.1 that does the handshake the real Gateway does (connect.challenge → connect
// req → hello-ok granting the requested operator scopes, shape of openclaw-protocol.md §2.5),
// answers the methods the sidecar calls after hello-ok minimally (sessions.subscribe,
// exec/plugin.approval.list, plugins.list; unknown methods get INVALID_REQUEST like the real one),
// sends ticks, and lets the load generator push event frames with a per-connection `seq`.
// The real Gateway cannot produce tens of thousands of events a second; this one can.

import { randomUUID } from "node:crypto";
import { WebSocketServer, type WebSocket } from "ws";

export interface FakeGateway {
  readonly url: string;
  readonly token: string;
  /** Requests received, by method. */
  readonly requests: Map<string, number>;
  /** Resolves once a connected client has called sessions.subscribe. */
  waitSubscribed(timeoutMs: number): Promise<void>;
  /**
   * Sends one event frame to every subscribed client; `payloadJson` is the payload already
   * serialized (the generator builds it). Returns false when no client is subscribed.
   */
  sendEvent(event: string, payloadJson: string): boolean;
  /** Bytes queued in the server's sockets (backpressure from a slow consumer). */
  bufferedAmount(): number;
  /** Hello-ok sent (a reconnect shows up as more than one). */
  readonly hellos: number;
  close(): Promise<void>;
}

const OPERATOR_SCOPES = new Set(["operator.read", "operator.write", "operator.admin", "operator.approvals", "operator.questions", "operator.pairing", "operator.talk", "operator.talk.secrets"]);
const METHODS = ["connect", "health", "status", "sessions.subscribe", "sessions.messages.subscribe", "sessions.messages.unsubscribe", "sessions.list", "exec.approval.list", "exec.approval.resolve", "plugin.approval.list", "plugin.approval.resolve", "plugins.list"];
const EVENTS = ["connect.challenge", "agent", "chat", "session.message", "session.tool", "sessions.changed", "presence", "tick", "shutdown", "health", "heartbeat", "exec.approval.requested", "exec.approval.resolved", "plugin.approval.requested", "plugin.approval.resolved"];
const TICK_MS = 30_000;

interface Conn {
  readonly ws: WebSocket;
  seq: number;
  authed: boolean;
  subscribed: boolean;
}

export async function startFakeGateway(opts: { token?: string } = {}): Promise<FakeGateway> {
  const token = opts.token ?? randomUUID();
  const wss = new WebSocketServer({ host: "127.0.0.1", port: 0, perMessageDeflate: false, maxPayload: 26_214_400 });
  await new Promise<void>((resolve, reject) => {
    wss.on("listening", resolve);
    wss.on("error", reject);
  });
  const addr = wss.address();
  const port = typeof addr === "string" ? Number(addr.split(":").pop()) : addr.port;
  const conns = new Set<Conn>();
  const requests = new Map<string, number>();
  let hellos = 0;
  let subscribedWaiters: (() => void)[] = [];

  const sendFrame = (c: Conn, obj: Record<string, unknown>): void => {
    if (c.ws.readyState === 1) c.ws.send(JSON.stringify(obj));
  };
  const res = (c: Conn, id: string, payload: unknown): void => sendFrame(c, { type: "res", id, ok: true, payload });
  const err = (c: Conn, id: string, code: string, message: string, details?: Record<string, unknown>): void =>
    sendFrame(c, { type: "res", id, ok: false, error: { code, message, ...(details ? { details } : {}), retryable: false } });

  function helloOk(params: Record<string, unknown>): Record<string, unknown> {
    const requested = Array.isArray(params.scopes) ? params.scopes.filter((s): s is string => typeof s === "string" && OPERATOR_SCOPES.has(s)) : [];
    return {
      type: "hello-ok",
      protocol: 4,
      server: { version: "2026.9.6-bench-fake", buildId: "bench-fake", bootId: randomUUID(), connId: randomUUID() },
      features: { methods: METHODS, events: EVENTS, capabilities: ["model-catalog-snapshot"] },
      snapshot: { presence: [], health: {}, stateVersion: { presence: 1, health: 1 }, uptimeMs: 1000, authMode: "token", sessionDefaults: {} },
      auth: { method: "token", role: "operator", scopes: requested },
      policy: { maxPayload: 26_214_400, maxBufferedBytes: 52_428_800, tickIntervalMs: TICK_MS, attachments: { maxBytes: 19_464_192, maxImageBytes: 6_291_456 } },
    };
  }

  function onRequest(c: Conn, id: string, method: string, params: Record<string, unknown>): void {
    requests.set(method, (requests.get(method) ?? 0) + 1);
    if (method === "connect") {
      const auth = (typeof params.auth === "object" && params.auth !== null ? params.auth : {}) as Record<string, unknown>;
      if (params.minProtocol !== 4 && params.maxProtocol !== 4) {
        err(c, id, "INVALID_REQUEST", "protocol mismatch", { code: "PROTOCOL_MISMATCH", expectedProtocol: 4 });
        c.ws.close(1002, "protocol mismatch");
        return;
      }
      if (auth.token !== token) {
        err(c, id, "INVALID_REQUEST", "unauthorized: gateway token mismatch (provide gateway auth token)", { code: "AUTH_TOKEN_MISMATCH", canRetryWithDeviceToken: false, recommendedNextStep: "update_auth_credentials" });
        c.ws.close(1008, "unauthorized");
        return;
      }
      c.authed = true;
      hellos++;
      res(c, id, helloOk(params));
      return;
    }
    if (!c.authed) {
      err(c, id, "INVALID_REQUEST", "first request must be connect");
      c.ws.close(1008, "connect required");
      return;
    }
    switch (method) {
      case "sessions.subscribe":
        c.subscribed = true;
        res(c, id, { subscribed: true });
        for (const w of subscribedWaiters.splice(0)) w();
        return;
      case "sessions.messages.subscribe":
      case "sessions.messages.unsubscribe":
        // The sidecar subscribes to each session it hears of (tool calls of channel turns).
        res(c, id, { subscribed: method.endsWith(".subscribe"), key: (params as { key?: string } | undefined)?.key });
        return;
      case "exec.approval.list":
      case "plugin.approval.list":
        res(c, id, { approvals: [] });
        return;
      case "plugins.list":
        res(c, id, { plugins: [] });
        return;
      case "health":
      case "status":
        res(c, id, { ok: true });
        return;
      case "sessions.list":
        res(c, id, { sessions: [] });
        return;
      default:
        err(c, id, "INVALID_REQUEST", `unknown method: ${method}`);
    }
  }

  wss.on("connection", (ws) => {
    const c: Conn = { ws, seq: 0, authed: false, subscribed: false };
    conns.add(c);
    ws.on("close", () => conns.delete(c));
    ws.on("error", () => conns.delete(c));
    ws.on("message", (data) => {
      let f: Record<string, unknown>;
      try {
        f = JSON.parse(data.toString("utf8")) as Record<string, unknown>;
      } catch {
        c.ws.close(1008, "invalid frame");
        return;
      }
      if (f.type !== "req" || typeof f.id !== "string" || typeof f.method !== "string") return;
      onRequest(c, f.id, f.method, (typeof f.params === "object" && f.params !== null ? f.params : {}) as Record<string, unknown>);
    });
    sendFrame(c, { type: "event", event: "connect.challenge", payload: { nonce: randomUUID(), ts: Date.now(), capabilities: ["model-catalog-snapshot"] } });
  });

  const tick = setInterval(() => {
    for (const c of conns) if (c.authed) c.ws.send(`{"type":"event","event":"tick","payload":{"ts":${Date.now()}},"seq":${++c.seq}}`);
  }, TICK_MS / 2);
  tick.unref();

  return {
    url: `ws://127.0.0.1:${port}`,
    token,
    requests,
    get hellos() {
      return hellos;
    },
    waitSubscribed(timeoutMs) {
      for (const c of conns) if (c.subscribed) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const t = setTimeout(() => {
          subscribedWaiters = subscribedWaiters.filter((w) => w !== done);
          reject(new Error(`no sessions.subscribe within ${timeoutMs} ms`));
        }, timeoutMs);
        const done = (): void => {
          clearTimeout(t);
          resolve();
        };
        subscribedWaiters.push(done);
      });
    },
    sendEvent(event, payloadJson) {
      let sent = false;
      for (const c of conns) {
        if (!c.subscribed || c.ws.readyState !== 1) continue;
        c.ws.send(`{"type":"event","event":"${event}","payload":${payloadJson},"seq":${++c.seq}}`);
        sent = true;
      }
      return sent;
    },
    bufferedAmount() {
      let n = 0;
      for (const c of conns) n += c.ws.bufferedAmount;
      return n;
    },
    async close() {
      clearInterval(tick);
      for (const c of conns) c.ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
