// Offline URL heuristics (no network, no key): every `url` subject of an action is parsed once and
// checked against the rules of rules.ts. Synchronous and pure; VirusTotal lookups are a separate
// FactProvider (src/lookups/virustotal).

import { domainToUnicode } from "node:url";
import type { SecurityConfig } from "../../config/schema.ts";
import { excerpt } from "../../engine/redact.ts";
import type { Detector, Finding, Subject } from "../../engine/types.ts";
import {
  BRANDS, BRAND_TOKEN_ONLY, CONFUSABLES, EXECUTABLE_EXTENSIONS, EXFIL_HOSTS, EXFIL_PATHS, FREE_HOSTING, FREE_HOSTING_PREFIX_LABELS,
  ABUSED_TLDS, FREE_TLDS, METADATA_HOSTS, ORG_PAGES, RISKY_CCTLDS, WEAK_KEYWORDS, PASTE_HOSTS, RISKY_TLDS, SECOND_LEVEL_SUFFIXES, SENSITIVE_KEYWORDS, SHORTENERS, THROWAWAY_HOSTS,
  TUNNEL_HOSTS, URL_RULES, type UrlRule,
} from "./rules.ts";

const BRAND_ENTRIES: readonly (readonly [string, readonly string[]])[] = Object.entries(BRANDS);
const BRAND_NAMES: readonly string[] = Object.keys(BRANDS);
const BRAND_OWNED: ReadonlySet<string> = new Set(Object.entries(BRANDS).flatMap(([b, owners]) => [b, ...owners]).filter((l) => l.length >= 3));
/** URLs longer than this are inspected in their first part only (the length itself is a finding). */
const MAX_URL_INSPECT = 8192;
const TAG = "suspicious_url";

export interface UrlDetectorOptions {
  /** The Gateway ClawShield is configured for (`gateway.url`): when it is on this machine, its port is a control API too. */
  readonly gatewayUrl?: string;
  /**
   * The port of the Gateway this process runs in or beside, as OpenClaw names it
   * (`OPENCLAW_GATEWAY_PORT`, which the Gateway sets for itself before plugins load): the plugin's
   * way to know a Gateway port that ClawShield's own config does not name.
   */
  readonly gatewayPort?: string | number;
  /**
   * ClawShield's own HTTP API port (`server.port`): an agent that can reach it can ask the guard
   * which variant of a command passes (`/v1/evaluate`) and read every session's decisions
   * (`/v1/decisions/stream`). 0 (any free port) adds nothing.
   */
  readonly apiPort?: number;
}

/** Loopback ports of control APIs an agent must not drive: OpenClaw's default Gateway port, ClawShield's own API, Docker, kubelet. */
export const DEFAULT_CONTROL_PORTS: ReadonlyMap<number, string> = new Map([
  [18789, "the OpenClaw Gateway"],
  [18780, "ClawShield's own API"],
  [2375, "the Docker API"],
  [2376, "the Docker API"],
  [10250, "the kubelet API"],
]);

export function createUrlDetector(_security: SecurityConfig, opts: UrlDetectorOptions = {}): Detector {
  const ports = controlPortsFor(opts.gatewayUrl, opts.gatewayPort, opts.apiPort);
  return {
    id: "url",
    detect({ subjects }) {
      const out: Finding[] = [];
      let commandFields: Set<string> | undefined;
      for (const s of subjects) {
        if (s.kind !== "url") continue;
        // URLs found inside a shell command carry the field `<command field>#url`.
        const inCommand = s.field.endsWith("#url") && (commandFields ??= new Set(subjects.filter((x) => x.kind === "command").map((x) => `${x.field}#url`))).has(s.field);
        for (const hit of analyzeUrl(s.value, ports, { inCommand })) out.push(toFinding(hit, s));
      }
      return out;
    },
  };
}

export interface UrlHit {
  readonly rule: UrlRule;
  /** Extra detail appended to the rule's message (e.g. which brand, which host). */
  readonly detail?: string;
}

function toFinding(hit: UrlHit, s: Subject): Finding {
  const value = s.value.length > MAX_URL_INSPECT ? s.value.slice(0, MAX_URL_INSPECT) : s.value;
  return {
    ruleId: hit.rule.id,
    category: "url",
    score: hit.rule.score,
    tag: TAG,
    message: hit.detail ? `${hit.rule.message} (${hit.detail})` : hit.rule.message,
    evidence: { field: s.field, start: 0, end: value.length, excerpt: excerpt(value, 0, value.length, 120) },
  };
}

/** Parsed view of a URL used by the rules; exported for the VirusTotal canonicalizer and tests. */
export interface ParsedUrl {
  readonly url: URL;
  /** The host as written (before WHATWG normalization), lower-cased, without port or brackets. */
  readonly rawHost: string;
  /** ASCII (punycode) host. */
  readonly host: string;
  /** Unicode form of the host. */
  readonly unicodeHost: string;
}

/** Parses a URL leniently ("example.com/x" gets http://). Undefined when it is not a URL. */
export function parseUrl(input: string): ParsedUrl | undefined {
  let s = input.trim().replace(/[\t\n\r]/g, "");
  if (s.length > MAX_URL_INSPECT) s = s.slice(0, MAX_URL_INSPECT);
  if (!/^[a-z][a-z0-9+.-]*:/i.test(s)) {
    if (/^\/\//.test(s)) s = `http:${s}`;
    else if (/^[^\s/:?#@]+\.[a-z]{2,}(?:[:/?#]|$)/i.test(s)) s = `http://${s}`;
    else return undefined;
  }
  let url: URL;
  try {
    url = new URL(s);
  } catch {
    return undefined;
  }
  const m = /^[a-z][a-z0-9+.-]*:\/\/([^/?#\\]*)/i.exec(s.replace(/[\t\n\r]/g, ""));
  let authority = m?.[1] ?? "";
  const at = authority.lastIndexOf("@");
  if (at >= 0) authority = authority.slice(at + 1);
  let rawHost = authority.startsWith("[") ? authority.slice(0, authority.indexOf("]") + 1) : authority.replace(/:\d*$/, "");
  rawHost = rawHost.toLowerCase();
  const host = url.hostname.toLowerCase();
  let unicodeHost = host;
  try {
    unicodeHost = domainToUnicode(host) || host;
  } catch {
    /* keep ASCII */
  }
  return { url, rawHost, host, unicodeHost };
}

/**
 * Whether `host` is a subdomain of `domain` ("a.b.example.com" of "example.com"), without building
 * "." + domain for each of the hundreds of listed domains a URL is checked against.
 */
function isSubdomainOf(host: string, domain: string): boolean {
  const dot = host.length - domain.length - 1;
  return dot >= 0 && host.charCodeAt(dot) === 0x2e && host.endsWith(domain);
}

/** Runs every heuristic on one URL string. Pure. */
export interface AnalyzeOptions {
  /**
   * The URL is part of a shell command. There a loopback host (`curl localhost:3000/health`) is
   * the developer's own service, not the internal-network reach (SSRF) `url.ip-internal` warns of
   * for fetch tools; control ports stay `url.local-control`.
   */
  readonly inCommand?: boolean;
}

export function analyzeUrl(input: string, controlPorts: ReadonlyMap<number, string> = DEFAULT_CONTROL_PORTS, opts: AnalyzeOptions = {}): UrlHit[] {
  const hits: UrlHit[] = [];
  const add = (rule: UrlRule, detail?: string): void => {
    if (!hits.some((h) => h.rule.id === rule.id)) hits.push(detail === undefined ? { rule } : { rule, detail });
  };
  if (input.length > 2048) add(URL_RULES.longUrl, `${input.length} characters`);
  const p = parseUrl(input);
  if (p === undefined) return hits;
  const { url } = p;
  const scheme = url.protocol.slice(0, -1).toLowerCase();
  if (scheme === "javascript" || scheme === "vbscript") {
    add(URL_RULES.javascript);
    return hits;
  }
  if (scheme === "data") {
    const mediaType = (/^data:([^,;]*)/i.exec(url.href)?.[1] ?? "").trim().toLowerCase();
    if (/^(?:text\/html|application\/(?:x-)?(?:javascript|ecmascript|xhtml\+xml|x-msdownload|hta|octet-stream)|text\/(?:javascript|ecmascript|vbscript)|image\/svg\+xml|application\/pdf)$/.test(mediaType)) add(URL_RULES.dataActive, mediaType);
    else add(URL_RULES.data, mediaType || "no media type");
    return hits;
  }
  if (scheme === "file" || scheme === "smb") {
    add(URL_RULES.fileScheme);
    return hits;
  }
  if (scheme === "gopher" || scheme === "dict") {
    add(URL_RULES.smugglingScheme, scheme);
    return hits;
  }
  if (!["http", "https", "ftp", "ws", "wss"].includes(scheme)) return hits;

  const host = p.host.replace(/\.$/, "");
  if (host === "") return hits;

  // Credentials and userinfo tricks.
  if (url.username !== "" || url.password !== "") {
    const user = safeDecode(url.username);
    if (/[a-z0-9-]+\.[a-z]{2,}/i.test(user) && !user.includes("%")) add(URL_RULES.userinfoDeception, `shown "${user.slice(0, 60)}", real host ${host}`);
    else if (url.password !== "") add(URL_RULES.credentials);
    else if (/(?:^|[^a-z])(?:login|secure|account|verify|signin|paypal|apple|google|microsoft|bank)/i.test(user)) add(URL_RULES.userinfoDeception, `user part "${user.slice(0, 60)}"`);
  }
  if (p.rawHost.includes("%")) add(URL_RULES.encodedHost);

  // IP literals, including the decimal/hex/octal forms WHATWG silently normalizes.
  if (METADATA_HOSTS.has(host)) add(URL_RULES.cloudMetadata, host);
  const ipv4 = /^\d{1,3}(?:\.\d{1,3}){3}$/.test(host);
  const ipv6 = host.startsWith("[");
  if (ipv4 || ipv6) {
    const rawIsDotted = /^\d{1,3}(?:\.\d{1,3}){3}$/.test(p.rawHost) && !/(?:^|\.)0\d/.test(p.rawHost);
    if (ipv4 && !rawIsDotted) add(URL_RULES.ipObfuscated, `${p.rawHost} = ${host}`);
    else if (ipv6 && /::ffff:|^\[::[0-9a-f]{1,4}:[0-9a-f]{1,4}\]$/i.test(host) && !isInternalIp(host)) add(URL_RULES.ipObfuscated, host);
    if (!METADATA_HOSTS.has(host)) {
      if (isInternalIp(host)) {
        if (!(opts.inCommand && isLoopback(host))) add(URL_RULES.ipInternal, host);
      } else add(URL_RULES.ipLiteral, host);
    }
    if (isLoopback(host)) controlCheck(url, controlPorts, add);
    portCheck(url, scheme, add);
    pathChecks(url, add);
    return hits;
  }
  if (host === "localhost" || host.endsWith(".localhost") || host.endsWith(".internal") || host.endsWith(".local")) {
    const loopbackName = host === "localhost" || host.endsWith(".localhost");
    if (!METADATA_HOSTS.has(host) && !(opts.inCommand && loopbackName)) add(URL_RULES.ipInternal, host);
    if (loopbackName) controlCheck(url, controlPorts, add);
    return hits;
  }

  const labels = host.split(".");
  const tld = labels[labels.length - 1] ?? "";
  const regIdx = registrableIndex(labels);
  const regLabel = labels[regIdx] ?? "";
  const regDomain = labels.slice(regIdx).join(".");
  const sub = labels.slice(0, regIdx);

  // Internationalized names: homographs.
  const uLabels = p.unicodeHost.split(".");
  let idn = false;
  for (const ul of uLabels) {
    if (!/[^\x00-\x7f]/.test(ul)) continue;
    idn = true;
    const scripts = scriptsOf(ul);
    if (scripts.has("latin") && (scripts.has("cyrillic") || scripts.has("greek") || scripts.has("armenian"))) {
      add(URL_RULES.mixedScript, `${ul} mixes ${[...scripts].join("+")}`);
    } else if ((scripts.has("cyrillic") || scripts.has("greek")) && [...ul].every((c) => CONFUSABLES[c] !== undefined || /[a-z0-9-]/.test(c))) {
      add(URL_RULES.homoglyph, `${ul} reads as "${[...ul].map((c) => CONFUSABLES[c] ?? c).join("")}"`);
    }
  }
  if (idn || labels.some((l) => l.startsWith("xn--"))) {
    if (!hits.some((h) => h.rule === URL_RULES.mixedScript || h.rule === URL_RULES.homoglyph)) add(URL_RULES.punycode, p.unicodeHost);
  }

  // Known services.
  const hostMatch = (list: readonly string[]): string | undefined => list.find((d) => host === d || isSubdomainOf(host, d));
  /** Platforms: only a customer's subdomain counts, not the platform's own site. */
  const platformMatch = (list: readonly string[]): string | undefined => list.find((d) => isSubdomainOf(host, d) && !/^(?:www|docs|help|support|blog|status|api|app|dashboard)\./.test(host.slice(0, -d.length)));
  const exfil = hostMatch(EXFIL_HOSTS) ?? EXFIL_PATHS.find(([h, pre]) => (host === h || isSubdomainOf(host, h)) && url.pathname.toLowerCase().startsWith(pre))?.[0];
  if (exfil !== undefined) add(URL_RULES.exfilHost, exfil);
  const tunnel = hostMatch(TUNNEL_HOSTS);
  if (tunnel !== undefined) add(URL_RULES.tunnelHost, tunnel);
  const paste = hostMatch(PASTE_HOSTS);
  if (paste !== undefined) add(URL_RULES.pasteHost, paste);
  const throwaway = platformMatch(THROWAWAY_HOSTS) ?? (/^(?:bafy|bafk|qm)[a-z0-9]{40,}$/.test(labels[0] ?? "") ? "IPFS content id" : undefined) ?? (labels.slice(0, regIdx).some((l) => l === "ipfs" || l === "ipns") ? "IPFS gateway" : undefined);
  if (throwaway !== undefined) add(URL_RULES.throwawayHost, throwaway);
  const platform = platformMatch(FREE_HOSTING) ?? (FREE_HOSTING_PREFIX_LABELS.includes(labels[regIdx] ?? "") ? regDomain : undefined);
  const onPlatform = throwaway !== undefined || platform !== undefined;
  if (platform !== undefined && throwaway === undefined) add(URL_RULES.freeHosting, platform);
  const shortener = hostMatch(SHORTENERS);
  if (shortener !== undefined) add(URL_RULES.shortener, shortener);

  // A known service is described by its own rule; its TLD and name shape say nothing more.
  if (exfil !== undefined || tunnel !== undefined || paste !== undefined || shortener !== undefined) {
    portCheck(url, scheme, add);
    pathChecks(url, add);
    return hits;
  }

  // TLD.
  const institutional = regIdx === labels.length - 3 && ["gov", "edu", "ac", "mil"].includes(labels[labels.length - 2] ?? "");
  if (FREE_TLDS.has(tld)) add(URL_RULES.freeTld, `.${tld}`);
  else if (ABUSED_TLDS.has(tld)) add(URL_RULES.abusedTld, `.${tld}`);
  else if (RISKY_TLDS.has(tld)) add(URL_RULES.riskyTld, `.${tld}`);
  else if (RISKY_CCTLDS.has(tld) && !institutional) add(URL_RULES.riskyCcTld, `.${tld}`);

  // The name itself: on a hosting platform the owner-chosen part is the subdomain.
  const ownLabels = onPlatform ? labels.slice(0, Math.max(1, labels.length - (platform ?? throwaway ?? "").split(".").length)) : [...sub, regLabel];
  const ownTokens = tokenize(ownLabels.filter((l) => l !== "www"));
  const orgPage = hostMatch(ORG_PAGES);

  // Brand impersonation and typosquatting.
  let brandHit: string | undefined;
  let ownLeet: string[] | undefined;
  for (const [brand, owners] of BRAND_ENTRIES) {
    if ((owners.includes(regLabel) || regLabel === brand) && !onPlatform) continue;
    if (orgPage !== undefined && labels[0] === brand) continue;
    const tokenOnly = BRAND_TOKEN_ONLY.has(brand) || brand.length < 6;
    const found = ownTokens.includes(brand) || (!tokenOnly && (ownLabels.some((l) => l.includes(brand)) || (ownLeet ??= ownLabels.map(deLeet)).some((l) => l.includes(brand))));
    if (found) {
      brandHit = brand;
      break;
    }
  }
  if (brandHit !== undefined) add(URL_RULES.brand, `${brandHit} on ${onPlatform ? (platform ?? throwaway) : regDomain}`);
  else {
    const squat = typosquatOf(ownTokens, ownLabels);
    if (squat !== undefined) add(URL_RULES.typosquat, squat);
  }

  // Sensitive keywords.
  const kw = new Set<string>();
  const weak = new Set<string>();
  const inLabels = (k: string): boolean => ownTokens.includes(k) || (k.length >= 5 && ownLabels.some((l) => l.length > k.length + 3 && l.includes(k)));
  for (const k of SENSITIVE_KEYWORDS) if (inLabels(k)) kw.add(k);
  for (const k of WEAK_KEYWORDS) if (inLabels(k) && ![...kw].some((x) => x.includes(k))) weak.add(k);
  if (BRAND_OWNED.has(regLabel) && !onPlatform) {
    // A brand's own domain: login/account hosts are expected there.
  } else if (kw.size >= 2 || (kw.size === 1 && weak.size >= 1) || weak.size >= 4) add(URL_RULES.keywords, [...kw, ...weak].slice(0, 4).join(", "));
  else if (kw.size === 1) add(URL_RULES.keyword, [...kw][0]);
  else if (weak.size >= 3) add(URL_RULES.keyword, [...weak].join(", "));

  // Another domain embedded in the host: "paypal.com-secure.xyz", "bank.co.jp.evil.ga".
  if (sub.length >= 2 && /(?:^|\.)(?:com|net|org|co|gov|edu)(?:\.[a-z]{2})?\.(?=.)/.test(`${sub.join(".")}.${regLabel}`)) add(URL_RULES.embeddedDomain, host);
  else if (/^(?:com|net|org|co)-[a-z0-9]/.test(regLabel) || /[a-z]-(?:com|net|org|gov|edu)(?:-|$)/.test(regLabel) || labels.slice(0, -1).some((l) => /^www\d*-|-www$/.test(l))) add(URL_RULES.embeddedDomain, host);

  // Shape of the name.
  if (/(?:^|\.)\d{1,3}[.-]\d{1,3}[.-]\d{1,3}[.-]\d{1,3}(?=[.-])/.test(host)) add(URL_RULES.ipInHost, host);
  const depth = labels.length - regIdx - 1 + (sub[0] === "www" ? -1 : 0);
  if (!onPlatform && sub.length >= 4) add(URL_RULES.manySubdomains, `${sub.length} levels`);
  else if (onPlatform && ownLabels.length >= 3) add(URL_RULES.manySubdomains, `${ownLabels.length} levels on the platform`);
  void depth;
  if (host.length > 50) add(URL_RULES.longHost, `${host.length} characters`);
  const nameLabel = onPlatform ? (ownLabels[ownLabels.length - 1] ?? "") : regLabel;
  const generated = ownLabels.find(looksGenerated);
  if (generated !== undefined) add(URL_RULES.generatedHost, generated.slice(0, 40));
  const randomLabel = generated === undefined ? ownLabels.flatMap((l) => l.split("-")).find(looksRandom) : undefined;
  if (randomLabel !== undefined) add(URL_RULES.randomHost, randomLabel);
  if ((nameLabel.match(/-/g)?.length ?? 0) >= 2 && !/^xn--/.test(nameLabel)) add(URL_RULES.hyphens, nameLabel);
  const digitLabel = orgPage === undefined ? ownLabels.find(isDigitLabel) : undefined;
  if (digitLabel !== undefined) add(URL_RULES.digitLabel, digitLabel);

  portCheck(url, scheme, add);
  pathChecks(url, add);
  return hits;
}

function portCheck(url: URL, scheme: string, add: (r: UrlRule, d?: string) => void): void {
  if (url.port === "" || !["http", "https"].includes(scheme)) return;
  if (!["80", "443", "8080", "8443", "3000", "8000", "8888", "5000"].includes(url.port)) add(URL_RULES.oddPort, `port ${url.port}`);
}

function pathChecks(url: URL, add: (r: UrlRule, d?: string) => void): void {
  const full = url.pathname + url.search;
  const enc = full.match(/%[0-9a-f]{2}/gi)?.length ?? 0;
  if ((full.length >= 60 && (enc * 3) / full.length > 0.5) || /%(?:0[0-9a-f]|1[0-9a-f]|7f)|%25[0-9a-f]{2}/i.test(full.slice(0, 4096))) add(URL_RULES.heavilyEncoded);
  const last = url.pathname.split("/").pop() ?? "";
  const ext = /\.([a-z0-9]{1,10})$/i.exec(last)?.[1]?.toLowerCase();
  if (ext !== undefined && EXECUTABLE_EXTENSIONS.has(ext) && ext !== "js" && ext !== "com" && ext !== "bin" && ext !== "img") add(URL_RULES.executable, last.slice(0, 60));
}

/** Index of the registrable label (the one before the public suffix). */
function registrableIndex(labels: readonly string[]): number {
  const n = labels.length;
  if (n <= 2) return 0;
  const tld = labels[n - 1] ?? "";
  const second = labels[n - 2] ?? "";
  if (tld.length === 2 && SECOND_LEVEL_SUFFIXES.has(second)) return n - 3;
  return n - 2;
}

function tokenize(labels: readonly string[]): string[] {
  const out: string[] = [];
  for (const l of labels) for (const t of l.split(/[-_]+|(?<=\D)(?=\d)|(?<=\d)(?=\D)/)) if (t !== "") out.push(t);
  return out;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function scriptsOf(label: string): Set<string> {
  const out = new Set<string>();
  for (const c of label) {
    if (/[a-z]/i.test(c) || /\p{Script=Latin}/u.test(c)) out.add("latin");
    else if (/\p{Script=Cyrillic}/u.test(c)) out.add("cyrillic");
    else if (/\p{Script=Greek}/u.test(c)) out.add("greek");
    else if (/\p{Script=Armenian}/u.test(c)) out.add("armenian");
    else if (/\p{L}/u.test(c)) out.add("other");
  }
  return out;
}

/**
 * Whether a WHATWG hostname reaches this machine (0.0.0.0 and [::] connect locally). Not
 * server/http.ts's isLoopbackHost, which asks whether a bind address is reachable only from here.
 */
function isLoopback(host: string): boolean {
  return /^127\./.test(host) || host === "0.0.0.0" || host === "[::1]" || host === "[::]" || /^\[::ffff:127\./i.test(host);
}

/** The URL's port, or its scheme's default. */
function portOf(url: URL): number {
  return url.port !== "" ? Number(url.port) : url.protocol === "https:" || url.protocol === "wss:" ? 443 : 80;
}

/**
 * The default control ports plus the configured Gateway's port when it listens on this machine,
 * the port of the Gateway this process runs in, and ClawShield's own API port (valid TCP ports;
 * anything else is ignored).
 */
export function controlPortsFor(gatewayUrl: string | undefined, gatewayPort?: string | number, apiPort?: number): ReadonlyMap<number, string> {
  const ports = new Map(DEFAULT_CONTROL_PORTS);
  if (apiPort !== undefined && Number.isInteger(apiPort) && apiPort > 0 && apiPort < 65536) ports.set(apiPort, "ClawShield's own API");
  if (gatewayUrl !== undefined) {
    try {
      const url = new URL(gatewayUrl);
      const host = url.hostname.toLowerCase();
      if (isLoopback(host) || host === "localhost") ports.set(portOf(url), "the OpenClaw Gateway");
    } catch {
      // not a URL: the defaults stand (config validation reports it)
    }
  }
  const own = typeof gatewayPort === "number" ? gatewayPort : /^\s*\d{1,5}\s*$/.test(gatewayPort ?? "") ? Number(gatewayPort) : NaN;
  if (Number.isInteger(own) && own > 0 && own < 65536) ports.set(own, "the OpenClaw Gateway");
  return ports;
}

/** A loopback URL on a control API's port (explicit, or the scheme's default when that is the port). */
function controlCheck(url: URL, ports: ReadonlyMap<number, string>, add: (rule: UrlRule, detail?: string) => void): void {
  const port = portOf(url);
  const what = ports.get(port);
  if (what !== undefined) add(URL_RULES.localControl, `${what} on port ${port}`);
}

function isInternalIp(host: string): boolean {
  if (host.startsWith("[")) {
    const h = host.slice(1, -1).toLowerCase();
    return h === "::1" || h === "::" || /^f[cd]/.test(h) || /^fe[89ab]/.test(h) || /^::ffff:(?:127|10|192\.168)\./.test(h);
  }
  const [a = 0, b = 0] = host.split(".").map(Number);
  return a === 127 || a === 10 || a === 0 || (a === 192 && b === 168) || (a === 172 && b >= 16 && b <= 31) || (a === 169 && b === 254) || (a === 100 && b >= 64 && b <= 127);
}

/** Hash, UUID, long digit run, or a letter/digit jumble (axpk0tpry8, 5ofc4vbz2t): nobody types these. */
function looksGenerated(label: string): boolean {
  if (label.startsWith("xn--")) return false;
  if (/[0-9a-f]{16,}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\d{6,}/.test(label)) return true;
  if (label.length >= 24 && /\d/.test(label) && !label.includes("-") && looksRandom(label)) return true;
  for (const part of label.split("-")) {
    if (part.length < 8 || part.length > 40) continue;
    const transitions = part.match(/[a-z]\d|\d[a-z]/g)?.length ?? 0;
    if (transitions >= 3 && (part.match(/\d/g)?.length ?? 0) >= 2) return true;
  }
  return false;
}

/** A label that starts with digits (two or more in all) and has letters (365b04, 6la2b; not 1password), a label of 3+ digits, or letters ending in 3+ digits (bet83080). */
function isDigitLabel(label: string): boolean {
  if (label.startsWith("xn--")) return false;
  return (/^\d+[a-z][a-z0-9-]*$/.test(label) && /\d\D*\d/.test(label)) || /^\d{3,}$/.test(label) || /^[a-z]+-?\d{3,}$/.test(label);
}

const VOWELS = /[aeiouy]/;
/** A label that looks machine-generated: letters and >= 3 digits interleaved, or a long vowel-less run. */
function looksRandom(label: string): boolean {
  if (label.length < 4 || label.startsWith("xn--")) return false;
  const digits = label.match(/\d/g)?.length ?? 0;
  const letters = label.match(/[a-z]/g)?.length ?? 0;
  if (digits >= 3 && letters >= 2 && /[a-z]\d+[a-z]|\d[a-z]+\d/.test(label)) return true;
  if (digits >= 5 || (digits >= 4 && digits * 2 >= label.length)) return true;
  if (/[bcdfghjklmnpqrstvwxz]{6,}/.test(label)) return true;
  return letters >= 6 && !VOWELS.test(label);
}

function deLeet(s: string): string {
  if (!/[013-57-9$]/.test(s)) return s;
  let out = "";
  for (const c of s) out += LEET[c] ?? c;
  return out;
}

const LEET: Readonly<Record<string, string>> = { "0": "o", "1": "l", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "9": "g", "$": "s" };
/** A host token that spells a brand with digit substitutions, rn→m, vv→w or one edited character. */
function typosquatOf(tokens: readonly string[], labels: readonly string[]): string | undefined {
  const candidates = new Set<string>([...tokens, ...labels, ...labels.flatMap((l) => l.split("-"))]);
  for (const raw of candidates) {
    if (raw.length < 5) continue;
    const skel = [...raw].map((c) => LEET[c] ?? c).join("").replace(/rn/g, "m").replace(/vv/g, "w").replace(/cl/g, "d");
    for (const brand of BRAND_NAMES) {
      if (brand.length < 6 || raw === brand) continue;
      if (BRANDS[brand]!.includes(raw)) continue;
      if (skel === brand || (skel !== raw && skel.includes(brand) && !raw.includes(brand)) || (brand.length >= 7 && editDistance1(raw, brand)) || (brand.length === 6 && isTransposition(raw, brand))) return `${raw} ≈ ${brand}`;
    }
  }
  return undefined;
}

/** Same letters with two neighbours swapped (amaozn ≈ amazon). */
function isTransposition(a: string, b: string): boolean {
  if (a.length !== b.length || a === b) return false;
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return i + 1 < a.length && a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
}

function editDistance1(a: string, b: string): boolean {
  if (a === b || Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  let j = 0;
  let edits = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      i++;
      j++;
      continue;
    }
    if (++edits > 1) return false;
    if (a.length > b.length) i++;
    else if (a.length < b.length) j++;
    else if (a[i + 1] === b[j] && a[i] === b[j + 1]) {
      i += 2;
      j += 2;
    } else {
      i++;
      j++;
    }
  }
  return edits + (a.length - i) + (b.length - j) <= 1;
}
