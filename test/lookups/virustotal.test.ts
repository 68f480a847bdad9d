// VirusTotal provider against a local fake server: mapping, errors, fail modes, cache, rate limit, files.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, beforeEach, test } from "node:test";
import { createHash } from "node:crypto";
import { loadConfig } from "../../src/config/load.ts";
import { extractSubjects, parseAction } from "../../src/engine/action.ts";
import type { Finding } from "../../src/engine/types.ts";
import { createEngine } from "../../src/index.ts";
import { canonicalizeUrl, createMemoryVtCache, createVirusTotalProvider, virusTotalStatus, vtUrlId } from "../../src/lookups/virustotal/index.ts";
import type { Telemetry } from "../../src/defender/types.ts";
import { FakeVt, stats } from "./vt-fake-server.ts";

const fake = new FakeVt();
let dir: string;
let clock = 1_700_000_000_000;
const now = (): number => clock;

before(async () => {
  await fake.start();
  fake.clock = now;
});
after(async () => {
  await fake.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  fake.requests.length = 0;
  fake.replies.clear();
  clock += 86_400_000 * 2;
});

function config(extra: Record<string, unknown> = {}) {
  dir ??= mkdtempSync(path.join(tmpdir(), "cs-vt-"));
  return loadConfig({
    cwd: dir,
    env: {},
    overrides: {
      "security.virustotal_api_key": "test-key",
      "virustotal.base_url": fake.baseUrl,
      "virustotal.cache_path": ":memory:",
      "virustotal.rate_per_minute": 1000,
      "runtime.state_dir": path.join(dir, "state"),
      ...extra,
    },
  });
}

function counter(): Telemetry & { counts: Map<string, number> } {
  const counts = new Map<string, number>();
  return { counts, count: (n, _l, by = 1) => void counts.set(n, (counts.get(n) ?? 0) + by), observe() {}, gauge() {} };
}

const urlPath = (u: string): string => `/api/v3/urls/${vtUrlId(canonicalizeUrl(u)!)}`;
const signal = (): AbortSignal => new AbortController().signal;
async function collect(p: ReturnType<typeof createVirusTotalProvider>, input: Record<string, unknown>): Promise<readonly Finding[]> {
  const a = parseAction(input);
  return p.collect(a, extractSubjects(a), signal());
}

test("URL id: canonical, unpadded URL-safe base64; same id for case and trailing-slash variants", () => {
  assert.equal(canonicalizeUrl("HTTP://EVIL.com"), "http://evil.com/");
  assert.equal(canonicalizeUrl("http://evil.com:80/a#frag"), "http://evil.com/a");
  assert.equal(vtUrlId("http://evil.com/"), Buffer.from("http://evil.com/").toString("base64").replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_"));
  assert.ok(!vtUrlId("http://evil.com/?a=1").includes("="));
  assert.equal(canonicalizeUrl("javascript:alert(1)"), undefined);
});

test("answers map to spec §6 scores and tags; x-apikey sent; nothing but GET", async () => {
  const p = createVirusTotalProvider(config(), { now, store: createMemoryVtCache() });
  const cases: [string, ReturnType<typeof stats>, string, number, string][] = [
    ["https://bad.example/", stats(3, 1, 10), "vt.url.malicious", 75, "vt_url_malicious"],
    ["https://meh.example/", stats(0, 2, 10), "vt.url.suspicious", 45, "vt_url_suspicious"],
    ["https://good.example/", stats(0, 0, 60), "vt.url.clean", 0, "vt_url_clean"],
    ["https://none.example/", stats(0, 0, 0, 70), "vt.url.unknown", 10, "vt_url_unknown"],
  ];
  for (const [u, reply] of cases) fake.replies.set(urlPath(u), reply);
  for (const [u, , rule, score, tag] of cases) {
    const fs = await collect(p, { url: u });
    assert.equal(fs.length, 1, u);
    assert.equal(fs[0]!.ruleId, rule);
    assert.equal(fs[0]!.score, score);
    assert.equal(fs[0]!.tag, tag);
  }
  assert.equal(fake.requests.length, 4);
  assert.ok(fake.requests.every((r) => r.method === "GET" && r.apiKey === "test-key" && r.path.startsWith("/api/v3/urls/")));
  p.stop();
});

test("404 is vt.url.unknown (10) and is cached with the negative TTL", async () => {
  const p = createVirusTotalProvider(config({ "virustotal.negative_cache_ttl_secs": 60 }), { now, store: createMemoryVtCache() });
  const f1 = await collect(p, { url: "https://never-seen.example/x" });
  assert.equal(f1[0]!.ruleId, "vt.url.unknown");
  assert.equal(f1[0]!.score, 10);
  await collect(p, { url: "https://NEVER-seen.example/x#y" });
  assert.equal(fake.requests.length, 1, "second lookup served from cache");
  clock += 61_000;
  await collect(p, { url: "https://never-seen.example/x" });
  assert.equal(fake.requests.length, 2, "negative answer expired");
});

test("cache: a found answer is reused (positive TTL) and persists in SQLite across restarts", async () => {
  const file = path.join(mkdtempSync(path.join(tmpdir(), "cs-vtc-")), "vt-cache.db");
  const cfg = config({ "virustotal.cache_path": file, "virustotal.cache_ttl_secs": 3600 });
  fake.replies.set(urlPath("https://cached.example/"), stats(1, 0, 0));
  const p1 = createVirusTotalProvider(cfg, { now });
  assert.equal((await collect(p1, { url: "https://cached.example/" }))[0]!.ruleId, "vt.url.malicious");
  const again = await collect(p1, { url: "https://cached.example/" });
  assert.match(again[0]!.message, /cached/);
  p1.stop();
  const p2 = createVirusTotalProvider(cfg, { now });
  assert.equal((await collect(p2, { url: "https://cached.example/" }))[0]!.ruleId, "vt.url.malicious");
  assert.equal(fake.requests.length, 1, "no request after the first");
  clock += 3601_000;
  await collect(p2, { url: "https://cached.example/" });
  assert.equal(fake.requests.length, 2, "positive answer expired");
  p2.stop();
});

test("429 with a short Retry-After is retried after waiting; a long one fails at once and pauses lookups", async () => {
  const waits: number[] = [];
  const tel = counter();
  const p = createVirusTotalProvider(config({ "virustotal.retry_max_wait_ms": 5000 }), { now, store: createMemoryVtCache(), telemetry: tel, sleep: async (ms) => void waits.push(ms) });
  fake.replies.set(urlPath("https://r.example/"), [{ status: 429, headers: { "retry-after": "2" } }, stats(0, 0, 5)]);
  const fs = await collect(p, { url: "https://r.example/" });
  assert.equal(fs[0]!.ruleId, "vt.url.clean");
  assert.deepEqual(waits, [2000]);
  assert.equal(fake.requests.length, 2);

  fake.requests.length = 0;
  fake.replies.set(urlPath("https://slow.example/"), { status: 429, headers: { "retry-after": "3600" } });
  const f2 = await collect(p, { url: "https://slow.example/" });
  assert.equal(f2[0]!.ruleId, "vt.unavailable");
  assert.equal(f2[0]!.tag, "vt_url_error");
  assert.match(f2[0]!.message, /CS_LOOKUP_FAILED: http_429/);
  assert.equal(fake.requests.length, 1);
  const f3 = await collect(p, { url: "https://other.example/" });
  assert.equal(f3[0]!.ruleId, "vt.unavailable");
  assert.match(f3[0]!.message, /paused/);
  assert.equal(fake.requests.length, 1, "no request while paused");
  assert.equal(tel.counts.get("vt_unavailable"), 2);
});

test("5xx is retried with backoff up to max_retries, then an explicit failure", async () => {
  const waits: number[] = [];
  const tel = counter();
  const p = createVirusTotalProvider(config({ "virustotal.max_retries": 2 }), { now, store: createMemoryVtCache(), telemetry: tel, sleep: async (ms) => void waits.push(ms) });
  fake.replies.set(urlPath("https://down.example/"), { status: 503 });
  const fs = await collect(p, { url: "https://down.example/" });
  assert.equal(fake.requests.length, 3);
  assert.equal(waits.length, 2);
  assert.ok(waits[1]! > waits[0]!, "exponential backoff");
  assert.equal(fs[0]!.ruleId, "vt.unavailable");
  assert.equal(fs[0]!.score, 0);
  assert.equal(fs[0]!.floor, undefined, "fail_mode open adds nothing but stays visible");
  assert.equal(tel.counts.get("vt_unavailable"), 1);
  // Errors are not cached.
  fake.replies.set(urlPath("https://down.example/"), stats(0, 0, 1));
  assert.equal((await collect(p, { url: "https://down.example/" }))[0]!.ruleId, "vt.url.clean");
});

test("timeouts and malformed JSON are explicit failures", async () => {
  const p = createVirusTotalProvider(config({ "security.virustotal_timeout_ms": 500, "virustotal.max_retries": 0 }), { now, store: createMemoryVtCache() });
  fake.replies.set(urlPath("https://hang.example/"), { ...stats(1, 0, 0), delayMs: 3000 });
  const t0 = Date.now();
  const fs = await collect(p, { url: "https://hang.example/" });
  assert.ok(Date.now() - t0 < 2500);
  assert.equal(fs[0]!.ruleId, "vt.unavailable");
  assert.match(fs[0]!.message, /CS_LOOKUP_TIMEOUT: timeout/);
  fake.replies.set(urlPath("https://junk.example/"), { status: 200, body: "{not json" });
  assert.match((await collect(p, { url: "https://junk.example/" }))[0]!.message, /malformed/);
  fake.replies.set(urlPath("https://shape.example/"), { status: 200, body: { data: {} } });
  assert.match((await collect(p, { url: "https://shape.example/" }))[0]!.message, /malformed/);
  fake.replies.set(urlPath("https://key.example/"), { status: 401 });
  assert.match((await collect(p, { url: "https://key.example/" }))[0]!.message, /auth/);
});

test("fail modes: open allows visibly, review reviews, closed blocks", async () => {
  for (const [mode, expected] of [["open", "allow"], ["review", "review"], ["closed", "block"]] as const) {
    const cfg = config({ "virustotal.fail_mode": mode, "virustotal.max_retries": 0 });
    const p = createVirusTotalProvider(cfg, { now, store: createMemoryVtCache() });
    fake.replies.set(urlPath("https://docs.example.org/guide"), { status: 500 });
    const a = parseAction({ url: "https://docs.example.org/guide" });
    const findings = await p.collect(a, extractSubjects(a), signal());
    const engine = await createEngine(cfg);
    const d = engine.evaluate(a, { findings });
    assert.equal(d.action, expected, mode);
    assert.ok(d.findings.some((f) => f.ruleId === "vt.unavailable"), `${mode}: failure is in the decision`);
    assert.ok(d.tags.includes("vt_url_error"));
  }
});

test("rate limiter: never more than N requests in any window at the server (injected clock)", async () => {
  const tel = counter();
  const p = createVirusTotalProvider(config({ "virustotal.rate_per_minute": 3, "virustotal.rate_per_day": 5 }), { now, store: createMemoryVtCache(), telemetry: tel });
  const burst = async (n: number, tag: string): Promise<Finding[]> => (await Promise.all(Array.from({ length: n }, (_, i) => collect(p, { url: `https://u${i}-${tag}.example/` })))).flat();
  let fs = await burst(10, "a");
  assert.equal(fake.requests.length, 3);
  assert.equal(fs.filter((f) => f.ruleId === "vt.unavailable" && /rate limit/.test(f.message)).length, 7);
  clock += 30_000;
  await burst(5, "b");
  assert.equal(fake.requests.length, 3, "still inside the first minute");
  clock += 31_000;
  fs = await burst(5, "c");
  assert.equal(fake.requests.length, 5, "day budget of 5 caps the second minute at 2");
  clock += 120_000;
  await burst(5, "d");
  assert.equal(fake.requests.length, 5, "day budget exhausted");
  // Sliding-window check over what the server saw.
  const at = fake.requests.map((r) => r.at);
  for (const t of at) assert.ok(at.filter((x) => x >= t && x < t + 60_000).length <= 3);
  assert.equal(p.usage().day, 5);
  assert.ok((tel.counts.get("vt_unavailable") ?? 0) >= 7);
});

test("no API key: disabled, no lookups, status says why", async () => {
  const cfg = config({ "security.virustotal_api_key": "" });
  const st = virusTotalStatus(cfg);
  assert.equal(st.enabled, false);
  assert.match(st.status, /virustotal_api_key/);
  const p = createVirusTotalProvider(cfg, { now });
  assert.equal(p.enabled, false);
  assert.deepEqual(await collect(p, { url: "https://bad.example/" }), []);
  assert.equal(fake.requests.length, 0);
});

test("files: streamed SHA-256 of regular files in roots; FIFOs, devices, outside paths and big files refused", async () => {
  const root = mkdtempSync(path.join(tmpdir(), "cs-vtf-"));
  const outside = mkdtempSync(path.join(tmpdir(), "cs-vto-"));
  writeFileSync(path.join(root, "tool.bin"), "MZ fake payload");
  writeFileSync(path.join(root, "big.bin"), Buffer.alloc(4096));
  writeFileSync(path.join(outside, "secret.txt"), "s");
  symlinkSync(path.join(outside, "secret.txt"), path.join(root, "link-out"));
  mkdirSync(path.join(root, "sub"));
  let fifo = true;
  try {
    execFileSync("mkfifo", [path.join(root, "pipe")]);
  } catch {
    fifo = false;
  }
  const sha = createHash("sha256").update("MZ fake payload").digest("hex");
  fake.replies.set(`/api/v3/files/${sha}`, stats(5, 0, 0));
  const p = createVirusTotalProvider(config({ "virustotal.file_roots": [root], "virustotal.file_max_bytes": 1024 }), { now, store: createMemoryVtCache() });
  const byFile = async (file: string): Promise<readonly Finding[]> => collect(p, { tool: "read", params: { path: file } });
  const f1 = await byFile(path.join(root, "tool.bin"));
  assert.equal(f1[0]!.ruleId, "vt.file.malicious");
  assert.equal(f1[0]!.score, 75);
  assert.equal(f1[0]!.tag, "vt_file_malicious");
  assert.equal((await byFile("tool.bin"))[0]!.ruleId, "vt.file.malicious", "relative to the first root");
  assert.deepEqual(fake.requests.map((r) => r.path), [`/api/v3/files/${sha}`], "second lookup cached");
  const refused = async (file: string, reason: RegExp): Promise<void> => {
    const fs = await byFile(file);
    assert.equal(fs[0]?.ruleId, "vt.file.refused", file);
    assert.match(fs[0]!.message, reason);
  };
  await refused(path.join(root, "big.bin"), /too_large/);
  await refused(path.join(outside, "secret.txt"), /outside_roots/);
  await refused(path.join(root, "link-out"), /outside_roots/);
  await refused("/dev/zero", /outside_roots/);
  if (fifo) await refused(path.join(root, "pipe"), /not_regular.*FIFO/);
  const p2 = createVirusTotalProvider(config({ "virustotal.file_roots": ["/dev"] }), { now, store: createMemoryVtCache() });
  const dz = await collect(p2, { tool: "read", params: { path: "/dev/zero" } });
  assert.match(dz[0]!.message, /not_regular.*character device/);
  assert.deepEqual(await byFile(path.join(root, "sub")), [], "directories are not looked up");
  const missing = await byFile(path.join(root, "nope.txt"));
  assert.equal(missing[0]!.ruleId, "vt.file.missing");
  assert.equal(missing[0]!.score, 0);
  fake.replies.clear();
  writeFileSync(path.join(root, "new.bin"), "unknown");
  const unk = await byFile(path.join(root, "new.bin"));
  assert.equal(unk[0]!.ruleId, "vt.file.unknown");
  assert.equal(unk[0]!.score, 8);
  rmSync(root, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

test("per-action cap: extra URLs get a visible vt.skipped finding; internal URLs are not sent", async () => {
  const p = createVirusTotalProvider(config({ "virustotal.max_lookups_per_action": 2 }), { now, store: createMemoryVtCache() });
  const fs = await collect(p, { text: "a https://a.example/ b https://b.example/ c https://c.example/ d http://127.0.0.1:8080/ e http://localhost/" });
  assert.equal(fake.requests.length, 2);
  assert.equal(fs.filter((f) => f.ruleId === "vt.skipped").length, 1);
});
