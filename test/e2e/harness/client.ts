/**
 * Operator-client helpers around the reference `@openclaw/gateway-client` for end-to-end tests.
 *
 * Identity: `client.id "gateway-client"`, `mode "backend"` with the shared token. On loopback this keeps
 * the requested scopes without a device identity (other ids such as "test" get their scopes cleared).
 * - `caps: ["tool-events"]` is needed to see `agent` events with `stream:"tool"` (only for runs this
 *   connection started).
 * - Receiving `exec.approval.requested` / `plugin.approval.requested` needs scope `operator.approvals`
 *   (or admin), cap `approvals`, AND either `operator.admin` or the same device identity as the sender.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, randomUUID, sign } from "node:crypto";
import { GatewayClient, GatewayClientRequestError } from "@openclaw/gateway-client";
import type { DeviceIdentity, GatewayClientOptions, GatewayClientRequestOptions } from "@openclaw/gateway-client";
import type { EventFrame, HelloOk } from "@openclaw/gateway-protocol";

export type { DeviceIdentity, EventFrame, HelloOk };

export const ALL_OPERATOR_SCOPES = ["operator.read", "operator.write", "operator.approvals", "operator.admin"];
export const DEFAULT_CAPS = ["tool-events", "approvals"];
export const DEFAULT_CONNECT_TIMEOUT_MS = 30_000;
export const DEFAULT_TURN_TIMEOUT_MS = 60_000;

export interface ConnectOperatorOptions {
  /** `ws://127.0.0.1:<port>` */
  url: string;
  token: string;
  /** Default: read, write, approvals, admin. */
  scopes?: string[];
  /** Default: ["tool-events", "approvals"]. */
  caps?: string[];
  /** Signed device identity (see createDeviceIdentity); default none. */
  deviceIdentity?: DeviceIdentity;
  /** Default "gateway-client" (must be a known client id; custom ids are rejected). */
  clientName?: GatewayClientOptions["clientName"];
  /** Default "backend". */
  mode?: GatewayClientOptions["mode"];
  displayName?: string;
  /** Bound on reaching hello-ok; default 30 s. */
  timeoutMs?: number;
  /** Per-RPC timeout of the reference client; default its own (30 s). */
  requestTimeoutMs?: number;
}

/** `hello-ok.auth`: what the gateway actually granted. */
export interface GrantedAuth {
  method?: string;
  role?: string;
  scopes: string[];
  deviceToken?: string;
  [key: string]: unknown;
}

export interface OperatorClient {
  client: GatewayClient;
  /** The latest hello-ok (updated after an automatic reconnect). */
  hello: HelloOk;
  /** Granted auth of the latest hello-ok. */
  auth: GrantedAuth;
  /** Every event received since connect, oldest first (mutable). */
  events: EventFrame[];
  request<T = Record<string, unknown>>(method: string, params?: unknown, opts?: GatewayClientRequestOptions): Promise<T>;
  /** Subscribe to future events; returns an unsubscribe function. */
  onEvent(listener: (evt: EventFrame) => void): () => void;
  /** Aborted by close(): pending waitForEvent/runTurn calls reject at once. */
  signal: AbortSignal;
  /** Stop the client (idempotent). */
  close(): Promise<void>;
}

function asRecord(v: unknown): Record<string, unknown> {
  return v && typeof v === "object" ? (v as Record<string, unknown>) : {};
}

// ---------------------------------------------------------------------------------------------
// Device identity (Ed25519; id = sha256(raw public key))

function rawPublicKey(publicKeyPem: string): Buffer {
  return createPublicKey(publicKeyPem).export({ type: "spki", format: "der" }).subarray(-32);
}

/** A fresh Ed25519 device identity for `deviceIdentity` (share one between sender and approver). */
export function createDeviceIdentity(): DeviceIdentity {
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  const publicKeyPem = publicKey.export({ type: "spki", format: "pem" }).toString();
  const privateKeyPem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  const deviceId = createHash("sha256").update(rawPublicKey(publicKeyPem)).digest("hex");
  return { deviceId, publicKeyPem, privateKeyPem };
}

const deviceHostDeps = {
  signDevicePayload: (privateKeyPem: string, payload: string) =>
    sign(null, Buffer.from(payload, "utf8"), createPrivateKey(privateKeyPem)).toString("base64url"),
  publicKeyRawBase64UrlFromPem: (publicKeyPem: string) => rawPublicKey(publicKeyPem).toString("base64url"),
};

// ---------------------------------------------------------------------------------------------

/** Connect an operator client and resolve after hello-ok. Every event is collected in `events`. */
export async function connectOperator(opts: ConnectOperatorOptions): Promise<OperatorClient> {
  const events: EventFrame[] = [];
  const listeners = new Set<(evt: EventFrame) => void>();
  const timeoutMs = opts.timeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  let lastError: unknown;
  let hello: HelloOk | undefined;
  const ready = Promise.withResolvers<HelloOk>();

  const clientOpts: GatewayClientOptions = {
    url: opts.url,
    token: opts.token,
    minProtocol: 4,
    maxProtocol: 4,
    clientName: opts.clientName ?? "gateway-client",
    mode: opts.mode ?? "backend",
    clientDisplayName: opts.displayName ?? "clawshield-e2e",
    role: "operator",
    scopes: opts.scopes ?? ALL_OPERATOR_SCOPES,
    caps: opts.caps ?? DEFAULT_CAPS,
    deviceIdentity: opts.deviceIdentity ?? null,
    ...(opts.deviceIdentity ? { hostDeps: deviceHostDeps } : {}),
    ...(opts.requestTimeoutMs !== undefined ? { requestTimeoutMs: opts.requestTimeoutMs } : {}),
    onHelloOk: (h) => {
      hello = h;
      ready.resolve(h);
    },
    onConnectError: (err) => {
      lastError = err;
      // An authoritative, non-retryable rejection (bad token, bad client id, protocol) ends the wait.
      if (err instanceof GatewayClientRequestError && !err.retryable) ready.reject(err);
    },
    onReconnectPaused: (info) => {
      ready.reject(new Error(`gateway connect paused: ${info.code} ${info.reason} (${info.detailCode ?? "no detail"})`));
    },
    onEvent: (evt) => {
      events.push(evt);
      for (const l of listeners) {
        try {
          l(evt);
        } catch {
          // a failing listener must not break the client
        }
      }
    },
  };
  const client = new GatewayClient(clientOpts);
  client.start();

  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      ready.promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(
              new Error(
                `no hello-ok from ${opts.url} within ${timeoutMs} ms` + (lastError ? ` (last error: ${String(lastError)})` : ""),
              ),
            ),
          timeoutMs,
        );
      }),
    ]);
  } catch (err) {
    await client.stopAndWait({ timeoutMs: 2000 }).catch(() => client.stop());
    throw err;
  } finally {
    clearTimeout(timer);
  }

  let closing: Promise<void> | undefined;
  const closed = new AbortController();
  const op: OperatorClient = {
    client,
    get hello() {
      return hello as HelloOk;
    },
    get auth() {
      const a = asRecord(asRecord(hello).auth);
      return { ...a, scopes: Array.isArray(a.scopes) ? (a.scopes as string[]) : [] } as GrantedAuth;
    },
    events,
    request: (method, params, reqOpts) => client.request(method, params, reqOpts),
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    signal: closed.signal,
    close() {
      if (!closed.signal.aborted) closed.abort(new Error("operator client closed"));
      closing ??= client.stopAndWait({ timeoutMs: 5000 }).catch(() => client.stop());
      return closing;
    },
  };
  return op;
}

export interface WaitForEventOptions {
  /** Also scan `client.events` from this index (default: only events arriving after the call). */
  since?: number;
}

/** Resolve with the first event matching `predicate` (bounded by `timeoutMs`). */
export function waitForEvent(
  op: OperatorClient,
  predicate: (evt: EventFrame) => boolean,
  timeoutMs: number,
  opts: WaitForEventOptions = {},
): Promise<EventFrame> {
  if (opts.since !== undefined) {
    for (let i = Math.max(0, opts.since); i < op.events.length; i++) {
      const evt = op.events[i];
      if (evt && predicate(evt)) return Promise.resolve(evt);
    }
  }
  if (op.signal.aborted) return Promise.reject(new Error("waitForEvent: operator client closed"));
  return new Promise<EventFrame>((resolve, reject) => {
    const cleanup = () => {
      clearTimeout(timer);
      off();
      op.signal.removeEventListener("abort", onClosed);
    };
    const onClosed = () => {
      cleanup();
      reject(new Error("waitForEvent: operator client closed"));
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`waitForEvent: no matching event within ${timeoutMs} ms`));
    }, timeoutMs);
    const off = op.onEvent((evt) => {
      if (!predicate(evt)) return;
      cleanup();
      resolve(evt);
    });
    op.signal.addEventListener("abort", onClosed, { once: true });
  });
}

export interface RunTurnOptions {
  /** `"demo"` becomes `"agent:main:demo"` on the gateway. Use a fresh key per test for a clean transcript. */
  sessionKey: string;
  message: string;
  /** Bound on the whole turn; default 60 s. On timeout chat.abort is called and the promise rejects. */
  timeoutMs?: number;
  /** Extra chat.send params (e.g. { deliver: false }). */
  extra?: Record<string, unknown>;
}

export interface TurnResult {
  runId: string;
  /** Session key as the gateway reports it (e.g. "agent:main:demo"). */
  sessionKey: string;
  state: "final" | "error" | "aborted";
  /** Final assistant text (or errorMessage for state "error"). */
  text: string;
  /** The terminal `chat` event payload. */
  payload: Record<string, unknown>;
  /** Events of this run received by this client (chat, agent, approvals), in order. */
  events: EventFrame[];
  durationMs: number;
}

/** Text of a `chat` event message (`content` string or `[{type:"text",text}]`). */
export function messageText(message: unknown): string {
  const content = asRecord(message).content;
  if (typeof content === "string") return content;
  if (Array.isArray(content)) {
    return content
      .map((p) => {
        const r = asRecord(p);
        return r.type === "text" && typeof r.text === "string" ? r.text : "";
      })
      .join("");
  }
  return "";
}

/** runId an event belongs to (agent/chat payload.runId, approval payload.request.runId). */
export function eventRunId(evt: EventFrame): string | undefined {
  const p = asRecord(evt.payload);
  if (typeof p.runId === "string") return p.runId;
  const r = asRecord(p.request).runId;
  return typeof r === "string" ? r : undefined;
}

const TERMINAL_CHAT_STATES = new Set(["final", "error", "aborted"]);

/** `chat.send` one message and resolve on the run's terminal `chat` event (final | error | aborted). */
export async function runTurn(op: OperatorClient, opts: RunTurnOptions): Promise<TurnResult> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TURN_TIMEOUT_MS;
  const idempotencyKey = randomUUID();
  const runIds = new Set<string>([idempotencyKey]);
  const since = op.events.length;
  const t0 = Date.now();
  const isTerminal = (evt: EventFrame): boolean => {
    if (evt.event !== "chat") return false;
    const p = asRecord(evt.payload);
    return typeof p.runId === "string" && runIds.has(p.runId) && TERMINAL_CHAT_STATES.has(String(p.state));
  };

  const resp = await op.request<{ runId?: string; status?: string }>(
    "chat.send",
    { ...opts.extra, sessionKey: opts.sessionKey, message: opts.message, idempotencyKey },
    { timeoutMs: Math.min(timeoutMs, 30_000) },
  );
  if (typeof resp.runId === "string") runIds.add(resp.runId);
  const runId = typeof resp.runId === "string" ? resp.runId : idempotencyKey;

  let terminal: EventFrame;
  try {
    terminal = await waitForEvent(op, isTerminal, Math.max(1, timeoutMs - (Date.now() - t0)), { since });
  } catch {
    if (op.signal.aborted) throw new Error(`runTurn: operator client closed while run ${runId} was in flight`);
    let abortNote = "";
    try {
      await op.request("chat.abort", { sessionKey: opts.sessionKey, runId }, { timeoutMs: 10_000 });
      await waitForEvent(op, isTerminal, 5000, { since }).catch(() => undefined);
    } catch (err) {
      abortNote = ` (chat.abort failed: ${String(err)})`;
    }
    throw new Error(`runTurn: no terminal chat event for run ${runId} within ${timeoutMs} ms; aborted the run${abortNote}`);
  }

  const payload = asRecord(terminal.payload);
  const state = String(payload.state) as TurnResult["state"];
  const text = state === "error" ? String(payload.errorMessage ?? "") : messageText(payload.message);
  const events = op.events.slice(since).filter((e) => {
    const id = eventRunId(e);
    return id !== undefined && runIds.has(id);
  });
  return {
    runId,
    sessionKey: typeof payload.sessionKey === "string" ? payload.sessionKey : opts.sessionKey,
    state,
    text,
    payload,
    events,
    durationMs: Date.now() - t0,
  };
}

export type ApprovalDecision = "allow-once" | "allow-always" | "deny";

export interface ApprovalRequest {
  kind: "exec" | "plugin";
  id: string;
  /** `payload.request` (exec: command, cwd, sessionKey, runId, toolCallId, allowedDecisions…). */
  request: Record<string, unknown>;
  payload: Record<string, unknown>;
}

export interface AutoResolver {
  /** Every approval seen, with the decision sent (or the error). */
  handled: Array<ApprovalRequest & { decision?: ApprovalDecision; error?: string }>;
  stop(): void;
}

/**
 * Answer `exec.approval.requested` / `plugin.approval.requested` automatically. `decide` returns the
 * decision, or undefined to leave the approval pending. The client needs approval scopes and caps.
 */
export function autoResolveApprovals(
  op: OperatorClient,
  decide: (req: ApprovalRequest) => ApprovalDecision | undefined | Promise<ApprovalDecision | undefined>,
): AutoResolver {
  const handled: AutoResolver["handled"] = [];
  const off = op.onEvent((evt) => {
    const kind = evt.event === "exec.approval.requested" ? "exec" : evt.event === "plugin.approval.requested" ? "plugin" : undefined;
    if (!kind) return;
    const payload = asRecord(evt.payload);
    const req: ApprovalRequest = { kind, id: String(payload.id), request: asRecord(payload.request), payload };
    void (async () => {
      const entry: AutoResolver["handled"][number] = { ...req };
      handled.push(entry);
      try {
        const decision = await decide(req);
        if (!decision) return;
        entry.decision = decision;
        await op.request(`${kind}.approval.resolve`, { id: req.id, decision });
      } catch (err) {
        entry.error = String(err);
      }
    })();
  });
  return { handled, stop: off };
}
