// The HTTP API: fastify inject() for the endpoints, and real loopback requests for the SSE stream.
import assert from "node:assert/strict";
import http from "node:http";
import { createRequire } from "node:module";
import { after, describe, it } from "node:test";
import { createDefender } from "../../src/defender/defender.ts";
import type { FactProvider } from "../../src/defender/types.ts";
import { isClawShieldError } from "../../src/errors.ts";
import { createEngine } from "../../src/index.ts";
import { createPipeline } from "../../src/runtime/pipeline.ts";
import { createHttpServer, isLoopbackHost, type HttpServerDeps, type Readiness } from "../../src/server/http.ts";
import { createDecisionHub } from "../../src/server/stream.ts";
import { createMetrics } from "../../src/telemetry/metrics.ts";
import { config } from "../runtime/helpers.ts";

const closers: (() => Promise<void>)[] = [];
after(async () => {
  for (const c of closers.splice(0)) await c();
});

async function setup(overrides: Record<string, unknown> = {}, extra: Partial<HttpServerDeps> = {}, providers: FactProvider[] = []) {
  const cfg = config({ "server.port": 0, ...overrides });
  const metrics = createMetrics();
  const hub = createDecisionHub({ eventName: cfg.runtime.decision_event });
  const defender = createDefender({ config: cfg, engine: await createEngine(cfg), telemetry: metrics, sinks: [hub], providers });
  const pipeline = createPipeline({ config: cfg, defender, telemetry: metrics, sinks: [hub] });
  const server = createHttpServer({ config: cfg, pipeline, metrics, hub, ...extra });
  closers.push(async () => {
    await server.close();
    await pipeline.stop();
  });
  return { cfg, server, pipeline, metrics, hub };
}

describe("health and readiness", () => {
  it("/healthz is 200 with the version", async () => {
    const { server } = await setup();
    const r = await server.app.inject({ method: "GET", url: "/healthz" });
    assert.equal(r.statusCode, 200);
    assert.equal(r.json().status, "ok");
    assert.equal(typeof r.json().version, "string");
  });

  it("/readyz follows the readiness probe (503 with the reason when the Gateway is not connected)", async () => {
    let state: Readiness = { ready: false, reason: "Gateway not connected at ws://127.0.0.1:1: ECONNREFUSED", detail: { gateway: { connected: false } } };
    const { server } = await setup({}, { readiness: () => state });
    const r1 = await server.app.inject({ method: "GET", url: "/readyz" });
    assert.equal(r1.statusCode, 503);
    assert.match(r1.json().reason, /not connected/);
    state = { ready: true };
    const r2 = await server.app.inject({ method: "GET", url: "/readyz" });
    assert.equal(r2.statusCode, 200);
  });
});

describe("POST /v1/evaluate", () => {
  it("Action JSON in, Decision JSON out", async () => {
    const { server } = await setup();
    const r = await server.app.inject({ method: "POST", url: "/v1/evaluate", payload: { id: "h1", command: "rm -rf /", tool: "exec", channel: "discord" } });
    assert.equal(r.statusCode, 200);
    const d = r.json();
    assert.equal(d.id, "h1");
    assert.equal(d.action, "block");
    assert.equal(r.headers["x-clawshield-action"], "block");
  });

  it("malformed JSON is a 400 with a clear message, counted", async () => {
    const { server, metrics } = await setup();
    const r = await server.app.inject({ method: "POST", url: "/v1/evaluate", headers: { "content-type": "application/json" }, payload: '{"command": "ls"' });
    assert.equal(r.statusCode, 400);
    assert.equal(r.json().error.code, "CS_INPUT_INVALID");
    assert.match(r.json().error.message, /not valid JSON/);
    assert.match(await metrics.render(), /clawshield_input_rejected_total\{reason="malformed",source="http"\} 1/);
  });

  it("an empty body, a non-object and a wrongly typed field are 400 naming the problem", async () => {
    const { server } = await setup();
    const empty = await server.app.inject({ method: "POST", url: "/v1/evaluate", headers: { "content-type": "application/json" }, payload: "" });
    assert.equal(empty.statusCode, 400);
    const arr = await server.app.inject({ method: "POST", url: "/v1/evaluate", payload: [1, 2] });
    assert.equal(arr.statusCode, 400);
    assert.match(arr.json().error.message, /must be a JSON object/);
    const bad = await server.app.inject({ method: "POST", url: "/v1/evaluate", payload: { command: ["ls"] } });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.json().error.message, /"command"/);
  });

  it("oversized bodies are 413 and other media types 415", async () => {
    const { server } = await setup({ "runtime.max_frame_bytes": 2048 });
    const big = await server.app.inject({ method: "POST", url: "/v1/evaluate", payload: { text: "a".repeat(5000) } });
    assert.equal(big.statusCode, 413);
    assert.match(big.json().error.message, /max_frame_bytes/);
    const txt = await server.app.inject({ method: "POST", url: "/v1/evaluate", headers: { "content-type": "text/plain" }, payload: "ls" });
    assert.equal(txt.statusCode, 415);
  });

  it("queue mode and activation can be given as query parameters", async () => {
    const { server } = await setup();
    const r = await server.app.inject({ method: "POST", url: "/v1/evaluate?groupActivation=mention", payload: { text: "hi", sessionKey: "agent:main:discord:group:g" } });
    assert.ok(r.json().tags.includes("ignored_activation"));
  });
});

describe("auth", () => {
  it("refuses to bind beyond loopback without a token", () => {
    assert.throws(() => createHttpServer({ config: config({ "server.host": "0.0.0.0" }), pipeline: { submit: async () => { throw new Error("x"); }, depth: 0 } }), (e) => isClawShieldError(e) && e.code === "CS_CONFIG_INVALID" && /server\.token/.test(e.message));
    assert.equal(isLoopbackHost("127.0.0.1"), true);
    assert.equal(isLoopbackHost("127.8.9.1"), true);
    assert.equal(isLoopbackHost("::1"), true);
    assert.equal(isLoopbackHost("[::1]"), true);
    assert.equal(isLoopbackHost("localhost"), true);
    assert.equal(isLoopbackHost("0.0.0.0"), false);
    assert.equal(isLoopbackHost("::"), false);
    assert.equal(isLoopbackHost("192.168.1.2"), false);
  });

  it("with a token, /v1/* and /metrics need the bearer token; health probes stay open", async () => {
    const { server } = await setup({ "server.token": "s3cret-token" });
    assert.equal((await server.app.inject({ method: "POST", url: "/v1/evaluate", payload: { text: "hi" } })).statusCode, 401);
    assert.equal((await server.app.inject({ method: "POST", url: "/v1/evaluate", headers: { authorization: "Bearer wrong" }, payload: { text: "hi" } })).statusCode, 401);
    assert.equal((await server.app.inject({ method: "GET", url: "/metrics" })).statusCode, 401);
    assert.equal((await server.app.inject({ method: "POST", url: "/v1/evaluate", headers: { authorization: "Bearer s3cret-token" }, payload: { text: "hi" } })).statusCode, 200);
    assert.equal((await server.app.inject({ method: "GET", url: "/healthz" })).statusCode, 200);
    assert.equal((await server.app.inject({ method: "GET", url: "/readyz" })).statusCode, 200);
  });

  it("auth is decided on the matched route: percent-encoded paths and unknown routes do not get around it", async () => {
    const { server } = await setup({ "server.token": "s3cret-token" });
    for (const url of ["/%761/evaluate", "/v1/%65valuate", "/v1/evaluate?x=1"]) {
      assert.equal((await server.app.inject({ method: "POST", url, payload: { text: "hi" } })).statusCode, 401, url);
    }
    assert.equal((await server.app.inject({ method: "GET", url: "/%6detrics" })).statusCode, 401);
    assert.equal((await server.app.inject({ method: "GET", url: "/v1/decisions/%73tream" })).statusCode, 401);
    assert.equal((await server.app.inject({ method: "GET", url: "/nope" })).statusCode, 401);
    assert.equal((await server.app.inject({ method: "GET", url: "/%68ealthz" })).statusCode, 200);
  });
});

describe("/metrics", () => {
  it("exposes decisions by action and channel, latency histogram, queue depth, fail modes, RSS", async () => {
    const slow: FactProvider = { id: "slow", collect: () => new Promise((r) => setTimeout(() => r([]), 20)) };
    const { server } = await setup({ "runtime.worker_concurrency": 1, "runtime.max_queue": 1 }, {}, [slow]);
    await server.app.inject({ method: "POST", url: "/v1/evaluate", payload: { text: "hello", channel: "telegram" } });
    await Promise.all([0, 1, 2, 3].map((i) => server.app.inject({ method: "POST", url: "/v1/evaluate", payload: { text: `hello ${i}` } })));
    const r = await server.app.inject({ method: "GET", url: "/metrics" });
    assert.equal(r.statusCode, 200);
    assert.match(r.headers["content-type"] as string, /text\/plain/);
    const text = r.body;
    assert.match(text, /clawshield_decisions_total\{action="allow",channel="telegram"\} 1/);
    assert.match(text, /clawshield_eval_seconds_bucket\{le="0\.001"\}/);
    assert.match(text, /clawshield_pipeline_seconds_count/);
    assert.match(text, /clawshield_pipeline_decisions_total\{action="allow",outcome="evaluated"\}/);
    assert.match(text, /^clawshield_queue_depth \d+$/m);
    assert.match(text, /clawshield_fail_mode_total\{action="review",reason="queue_overflow"\} \d+/);
    assert.match(text, /^process_resident_memory_bytes \d+/m);
    assert.match(text, /clawshield_http_requests_total\{code="200",route="\/v1\/evaluate"\}/);
  });
});

function readEvents(url: string, want: number, headers: Record<string, string> = {}): Promise<{ events: { event: string; data: unknown }[]; req: http.ClientRequest; status: number }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers }, (res) => {
      let buf = "";
      const events: { event: string; data: unknown }[] = [];
      if (res.statusCode !== 200) {
        resolve({ events, req, status: res.statusCode ?? 0 });
        res.resume();
        return;
      }
      res.setEncoding("utf8");
      res.on("data", (c: string) => {
        buf += c;
        let i: number;
        while ((i = buf.indexOf("\n\n")) >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const ev = /^event: (.+)$/m.exec(block)?.[1];
          const data = /^data: (.+)$/m.exec(block)?.[1];
          if (ev && data) events.push({ event: ev, data: JSON.parse(data) });
          if (events.length >= want) resolve({ events, req, status: 200 });
        }
      });
    });
    req.on("error", reject);
  });
}

describe("real loopback requests", () => {
  it("runs without Fastify's schema compilers: Ajv is never loaded", async () => {
    const { server } = await setup();
    const { url } = await server.listen();
    assert.equal((await fetch(`${url}/v1/evaluate`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"command":"ls"}' })).status, 200);
    assert.equal((await fetch(`${url}/no-such-route`)).status, 404);
    const loaded = Object.keys(createRequire(import.meta.url).cache);
    assert.ok(loaded.some((f) => f.includes("/node_modules/fastify/")), "the CommonJS cache is visible here");
    assert.deepEqual(loaded.filter((f) => /\/node_modules\/(?:ajv|@fastify\/ajv-compiler|@fastify\/fast-json-stringify-compiler)\//.test(f)), []);
  });

  it("serves /healthz on a socket and streams decisions as security.decision SSE events", async () => {
    const { server, hub } = await setup();
    const { url } = await server.listen();
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const health = await fetch(`${url}/healthz`);
    assert.equal(health.status, 200);
    const got = readEvents(`${url}/v1/decisions/stream`, 2);
    for (let i = 0; i < 500 && hub.subscribers === 0; i++) await new Promise((r) => setTimeout(r, 10));
    const post = (body: unknown) => fetch(`${url}/v1/evaluate`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    await post({ id: "s1", command: "rm -rf /", tool: "exec", sessionKey: "agent:main:discord:group:g1", channel: "discord", wasMentioned: true });
    await post({ id: "s2", command: "rm -rf /", tool: "exec", sessionKey: "agent:main:discord:group:g1", channel: "discord", wasMentioned: true }); // idempotency hit: made by the pipeline
    const { events, req } = await got;
    req.destroy();
    assert.deepEqual(events.map((e) => e.event), ["security.decision", "security.decision"]);
    const first = events[0]!.data as { frame: { type: string; event: string; payload: Record<string, unknown> }; decision: { id: string; action: string } };
    assert.equal(first.frame.type, "event");
    assert.equal(first.frame.event, "security.decision");
    assert.equal(first.frame.payload.requestId, "s1");
    assert.equal(first.frame.payload.sessionId, "agent:main:discord:group:g1");
    assert.equal(first.frame.payload.sessionKind, "group");
    assert.deepEqual(Object.keys(first.frame.payload.decision as object), ["action", "risk_score", "reasons", "tags", "source"]);
    assert.equal(first.decision.id, "s1");
    assert.equal(first.decision.action, "block");
    const second = events[1]!.data as { decision: { id: string; tags: string[] } };
    assert.equal(second.decision.id, "s2");
    assert.ok(second.decision.tags.includes("idempotency_hit"));
  });

  it("refuses stream clients beyond server.sse_max_clients; close() ends open streams", async () => {
    const { server } = await setup({ "server.sse_max_clients": 1 });
    const { url } = await server.listen();
    const first = new Promise<http.IncomingMessage>((resolve) => http.get(`${url}/v1/decisions/stream`, resolve));
    const res1 = await first;
    assert.equal(res1.statusCode, 200);
    const second = await readEvents(`${url}/v1/decisions/stream`, 1);
    assert.equal(second.status, 503);
    const ended = new Promise((r) => res1.on("close", r));
    res1.resume();
    await server.close();
    await ended;
  });
});
