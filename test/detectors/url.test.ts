// Offline URL heuristics: positive and negative examples (own examples, not corpus rows).
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { test } from "node:test";
import { loadConfig } from "../../src/config/load.ts";
import { parseAction } from "../../src/engine/action.ts";
import { createEngine } from "../../src/index.ts";
import { analyzeUrl, controlPortsFor, createUrlDetector, DEFAULT_CONTROL_PORTS } from "../../src/detectors/url/detect.ts";

const DEFAULT_SIZE = DEFAULT_CONTROL_PORTS.size;

const ids = (u: string): string[] => analyzeUrl(u).map((h) => h.rule.id);
const score = (u: string): number => analyzeUrl(u).reduce((n, h) => n + h.rule.score, 0);

test("schemes: javascript:, data: with active content, file:", () => {
  assert.ok(ids("javascript:alert(document.cookie)").includes("url.javascript-scheme"));
  assert.ok(ids("JaVa\tScRiPt:alert(1)").includes("url.javascript-scheme"));
  assert.ok(ids("data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==").includes("url.data-active"));
  assert.ok(ids("data:image/svg+xml,<svg onload=alert(1)>").includes("url.data-active"));
  assert.deepEqual(ids("data:image/png;base64,iVBORw0KGgo="), ["url.data"]);
  assert.ok(score("data:image/png;base64,iVBORw0KGgo=") < 35);
  assert.ok(ids("file:///etc/passwd").includes("url.file-scheme"));
});

test("IP literals, obfuscated IPs, metadata and internal addresses", () => {
  assert.ok(ids("http://203.0.113.7/login").includes("url.ip-literal"));
  for (const u of ["http://3405803783/", "http://0xcb.0x0.0x71.0x7/", "http://0313.0.0161.07/", "http://0xcb007107/"]) {
    assert.ok(ids(u).includes("url.ip-obfuscated"), u);
    assert.ok(score(u) >= 65, u);
  }
  assert.ok(ids("http://169.254.169.254/latest/meta-data/iam/").includes("url.cloud-metadata"));
  assert.ok(ids("http://metadata.google.internal/computeMetadata/v1/").includes("url.cloud-metadata"));
  assert.deepEqual(ids("http://127.0.0.1:8080/health"), ["url.ip-internal"]);
  assert.ok(score("http://localhost:3000/") < 35);
  assert.ok(ids("http://1-2-3-4.static.example-isp.net/").includes("url.ip-in-host"));
});

test("credentials and userinfo deception", () => {
  assert.ok(ids("https://admin:hunter2@example.com/").includes("url.credentials"));
  assert.ok(ids("http://www.paypal.com@203.0.113.9/").includes("url.userinfo-deception"));
  assert.ok(ids("https://accounts.google.com@evil.example/").includes("url.userinfo-deception"));
});

test("homographs: mixed script, all-Cyrillic look-alikes, punycode", () => {
  // "pаypal" with a Cyrillic а
  assert.ok(ids("https://p\u0430ypal.com/signin").includes("url.mixed-script"));
  // "аррӏе" entirely Cyrillic look-alikes of "apple"
  assert.ok(ids("https://\u0430\u0440\u0440\u04cf\u0435.com/").includes("url.homoglyph"));
  assert.ok(score("https://\u0430\u0440\u0440\u04cf\u0435.com/") >= 65);
  assert.ok(ids("https://xn--80ak6aa92e.com/").some((i) => i === "url.homoglyph" || i === "url.mixed-script"));
  // A genuine IDN in one script is only a weak signal.
  assert.ok(score("https://münchen.de/") < 35);
});

test("paste, webhook, tunnel services", () => {
  assert.ok(ids("https://webhook.site/0b1c2d3e-aaaa-bbbb-cccc-1234567890ab").includes("url.exfil-endpoint"));
  assert.ok(ids("https://discord.com/api/webhooks/123/abc").includes("url.exfil-endpoint"));
  assert.ok(!ids("https://discord.com/channels/123").includes("url.exfil-endpoint"));
  assert.ok(ids("https://abc123.oast.fun/").includes("url.exfil-endpoint"));
  assert.ok(ids("https://1a2b-3c4d.ngrok-free.app/payload").includes("url.tunnel-host"));
  assert.ok(ids("https://random-words-here.trycloudflare.com/").includes("url.tunnel-host"));
  assert.ok(ids("https://pastebin.com/raw/abcd1234").includes("url.paste-host"));
  assert.ok(ids("https://transfer.sh/get/x/run").includes("url.paste-host"));
  for (const u of ["https://webhook.site/x", "https://pastebin.com/raw/abcd1234", "https://x.ngrok.io/"]) assert.ok(score(u) >= 35, u);
  // Listed domains match themselves and their subdomains, on a label boundary only.
  assert.ok(ids("https://a.b.ngrok.io/").includes("url.tunnel-host"));
  assert.ok(!ids("https://notngrok.io/").includes("url.tunnel-host"));
  assert.ok(!ids("https://ngrok.io.example.net/").includes("url.tunnel-host"));
  assert.ok(!ids("https://xpastebin.com/raw/abcd1234").includes("url.paste-host"));
});

test("brands, keywords, typosquats, embedded domains", () => {
  assert.ok(ids("https://paypal-account-verify.example.top/").includes("url.brand-impersonation"));
  assert.ok(score("https://paypal-account-verify.example.top/") >= 65);
  assert.ok(ids("https://secure-login-microsoft.azurewebsites.net/").includes("url.brand-impersonation"));
  assert.ok(ids("https://paypa1.com/").some((i) => i === "url.typosquat" || i === "url.brand-impersonation"));
  assert.ok(ids("https://micros0ft-support.com/").some((i) => i === "url.typosquat" || i === "url.brand-impersonation"));
  assert.ok(ids("https://arnazon-orders.com/").includes("url.typosquat"));
  assert.ok(ids("https://appleid.apple.com.verify-session.example/").includes("url.embedded-domain"));
  assert.ok(ids("https://signin-verify-account.example.com/").includes("url.sensitive-keywords"));
  // The brands on their own domains are fine.
  for (const u of ["https://www.paypal.com/signin", "https://login.microsoftonline.com/common/oauth2", "https://accounts.google.com/", "https://appleid.apple.com/", "https://facebook.github.io/react/", "https://aws.amazon.com/s3/", "https://support.microsoft.com/office"]) {
    assert.ok(score(u) < 35, `${u}: ${ids(u).join(",")}`);
  }
});

test("hosting, TLD, generated names and shape", () => {
  assert.ok(ids("https://x1.000webhostapp.com/").includes("url.throwaway-hosting"));
  assert.ok(ids("https://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi.ipfs.dweb.link/").includes("url.throwaway-hosting"));
  assert.ok(ids("https://my-shop.netlify.app/").includes("url.free-hosting"));
  assert.ok(score("https://my-site.netlify.app/") < 35);
  assert.ok(!ids("https://www.netlify.app/").includes("url.free-hosting"));
  assert.ok(ids("https://cheap-deals.xyz/").includes("url.abused-tld"));
  assert.ok(ids("https://bargains.tk/").includes("url.abused-free-tld"));
  assert.ok(ids("https://8a7f3c9e2b1d4f6a0c5e.example.com/").includes("url.generated-host"));
  assert.ok(ids("https://k3x9qz7wv2.example.com/").includes("url.generated-host"));
  assert.ok(ids("https://a.b.c.d.e.example.com/").includes("url.many-subdomains"));
  assert.ok(ids(`https://example.com/${"a".repeat(3000)}`).includes("url.very-long"));
  assert.ok(ids("https://ex%61mple.com/").includes("url.encoded-host"));
  assert.ok(ids("https://example.com/download/setup.exe").includes("url.executable-download"));
  assert.ok(ids("https://bit.ly/3abcDEF").includes("url.shortener"));
});

test("digit-led and number-suffixed labels, dynamic DNS, transposed brands", () => {
  for (const u of ["https://24hr.example-shop.com/", "https://mail.77bet9.com/", "https://414.218.hostname-example.com/", "https://prizes12345.com/"]) {
    assert.ok(ids(u).includes("url.digit-label"), `${u}: ${ids(u).join(",")}`);
  }
  // Alone it is weak; with a platform or another weak signal it reaches review.
  assert.ok(score("https://24hr.example-shop.com/") < 35);
  assert.ok(score("https://acme2024.netlify.app/") >= 35);
  for (const u of ["https://1password.com/", "https://www.7-zip.org/", "https://web3.example.org/", "https://user123.github.io/"]) {
    assert.ok(!ids(u).includes("url.digit-label"), `${u}: ${ids(u).join(",")}`);
  }
  assert.ok(ids("https://myhome.ydns.eu/").includes("url.throwaway-hosting"));
  assert.ok(ids("https://cam.f3322.net/").includes("url.throwaway-hosting"));
  assert.ok(ids("https://shop-amaozn.example.com/").includes("url.typosquat"));
  assert.ok(ids("https://acme-mail.ru.com/").includes("url.free-hosting"));
  assert.ok(ids("https://mailboxsignin.example.net/").includes("url.sensitive-keyword"));
  assert.ok(score("https://blogindex.example.org/") < 35);
  assert.ok(!ids("https://www.amazon.com/").includes("url.typosquat"));
});

test("ordinary documentation and everyday URLs stay quiet", () => {
  for (const u of [
    "https://github.com/nodejs/node/blob/main/README.md",
    "https://docs.python.org/3/library/os.html",
    "https://developer.mozilla.org/en-US/docs/Web/API/URL",
    "https://en.wikipedia.org/wiki/Homoglyph",
    "https://www.gnu.org/software/coreutils/manual/",
    "https://stackoverflow.com/questions/123/how-to",
    "https://crates.io/crates/serde",
    "https://pkg.go.dev/net/http",
    "https://www.bbc.co.uk/news",
    "https://news.ycombinator.com/item?id=1",
    "https://example.org/",
    "http://localhost:5173/",
    "https://raw.githubusercontent.com/user/repo/main/install.sh",
  ]) {
    assert.ok(score(u) < 35, `${u}: ${ids(u).join(",")}`);
  }
  assert.deepEqual(ids("not a url"), []);
  assert.deepEqual(ids(""), []);
});

test("detector: one finding per rule with evidence, engine decisions", async () => {
  const cfg = loadConfig({ cwd: mkdtempSync(path.join(tmpdir(), "cs-url-")), env: {} });
  const det = createUrlDetector(cfg.security);
  const action = parseAction({ text: "see https://webhook.site/abc and https://docs.python.org/3/" });
  const { extractSubjects } = await import("../../src/engine/action.ts");
  const fs = det.detect({ action, subjects: extractSubjects(action) });
  assert.equal(fs.length, 1);
  assert.equal(fs[0]!.ruleId, "url.exfil-endpoint");
  assert.equal(fs[0]!.evidence?.field, "text#url");
  assert.match(fs[0]!.evidence!.excerpt, /webhook\.site/);
  const engine = await createEngine(cfg);
  assert.equal(engine.evaluate(parseAction({ url: "http://0x7f000001/" })).action, "block");
  assert.equal(engine.evaluate(parseAction({ url: "https://pastebin.com/raw/x" })).action, "review");
  assert.equal(engine.evaluate(parseAction({ url: "https://docs.python.org/3/" })).action, "allow");
  // Credentials in a URL never reach the decision unredacted.
  const d = engine.evaluate(parseAction({ url: "https://admin:hunter2secret@example.com/" }));
  assert.ok(!JSON.stringify(d).includes("hunter2secret"));
});

test("control APIs on this machine: the OpenClaw Gateway, ClawShield's own API, Docker and the kubelet on loopback are blocked; other local ports and remote hosts are not", () => {
  for (const u of ["http://127.0.0.1:18789/", "http://localhost:18789/api/diagnostics/prometheus", "ws://[::1]:18789", "http://127.0.0.1:2375/containers/json", "https://localhost:10250/pods"]) {
    assert.ok(ids(u).includes("url.local-control"), u);
    assert.ok(score(u) >= 65, u);
  }
  for (const u of ["http://127.0.0.1:3000/", "http://localhost:8080/health", "http://example.com:18789/", "http://10.0.0.5:2375/"]) assert.ok(!ids(u).includes("url.local-control"), u);
  // The configured Gateway's own port counts too.
  assert.ok(analyzeUrl("http://127.0.0.1:19001/", controlPortsFor("ws://127.0.0.1:19001")).some((h) => h.rule.id === "url.local-control"));
  assert.ok(!analyzeUrl("http://127.0.0.1:19001/", controlPortsFor("wss://gateway.example:19001")).some((h) => h.rule.id === "url.local-control"));
  // The port of the Gateway the plugin runs in (OPENCLAW_GATEWAY_PORT), beside the configured one.
  const own = controlPortsFor("ws://127.0.0.1:18789", "23456");
  assert.ok(analyzeUrl("http://127.0.0.1:23456/tools/invoke", own).some((h) => h.rule.id === "url.local-control"));
  assert.ok(analyzeUrl("http://localhost:18789/", own).some((h) => h.rule.id === "url.local-control"));
  for (const bad of ["", "0", "70000", "12ab", " "]) assert.equal(controlPortsFor(undefined, bad).size, DEFAULT_SIZE, `port ${JSON.stringify(bad)} ignored`);
  assert.ok(controlPortsFor(undefined, 23456).has(23456));
  // ClawShield's own API (default 18780, or server.port): the guard's oracle and decision stream.
  assert.ok(ids("http://127.0.0.1:18780/v1/evaluate").includes("url.local-control"));
  assert.ok(ids("http://localhost:18780/v1/decisions/stream").includes("url.local-control"));
  assert.ok(analyzeUrl("http://127.0.0.1:28780/v1/evaluate", controlPortsFor(undefined, undefined, 28780)).some((h) => h.rule.id === "url.local-control"));
  for (const bad of [0, -1, 70000, 1.5]) assert.equal(controlPortsFor(undefined, undefined, bad).size, DEFAULT_SIZE, `api port ${bad} ignored`);
});

test("gopher:/dict: URLs (raw TCP to internal services) are reviewed", () => {
  assert.deepEqual(ids("gopher://127.0.0.1:6379/_FLUSHALL"), ["url.smuggling-scheme"]);
  assert.deepEqual(ids("dict://localhost:11211/stats"), ["url.smuggling-scheme"]);
});

test("loopback in a shell command is the developer's own service; fetch tools and private networks keep url.ip-internal", async () => {
  assert.ok(!analyzeUrl("http://localhost:8080/health", DEFAULT_CONTROL_PORTS, { inCommand: true }).some((h) => h.rule.id === "url.ip-internal"));
  assert.ok(!analyzeUrl("http://127.0.0.1:3000/api", DEFAULT_CONTROL_PORTS, { inCommand: true }).some((h) => h.rule.id === "url.ip-internal"));
  assert.ok(analyzeUrl("http://10.0.0.5/admin", DEFAULT_CONTROL_PORTS, { inCommand: true }).some((h) => h.rule.id === "url.ip-internal"));
  assert.ok(analyzeUrl("http://127.0.0.1:18789/", DEFAULT_CONTROL_PORTS, { inCommand: true }).some((h) => h.rule.id === "url.local-control"));
  assert.ok(ids("http://localhost:8080/admin").includes("url.ip-internal"));
  // Through the engine: the same URL in a command and in a fetch tool.
  const engine = await createEngine(loadConfig({ cwd: mkdtempSync(path.join(tmpdir(), "cs-url-")), env: {} }));
  const rules = (raw: Record<string, unknown>): string[] => engine.evaluate(parseAction(raw)).findings.map((f) => f.ruleId);
  assert.ok(!rules({ tool: "exec", command: "curl -s http://localhost:8080/health" }).includes("url.ip-internal"));
  assert.ok(rules({ tool: "web_fetch", url: "http://localhost:8080/health" }).includes("url.ip-internal"));
});
