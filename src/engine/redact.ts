// Secret redaction for everything ClawShield writes or shows: evidence excerpts, quarantine
// records, logs. Patterns are linear-time (no nested quantifiers).

import { credentialInBase64, CREDENTIAL_FORMATS, findCredentials } from "./credential-formats.ts";

// Redaction errs on the side of hiding: the credential formats are used without their `valid`
// checks, and a shorter `sk-` key shape is kept too.
export const SECRET_PATTERNS: readonly RegExp[] = [
  // A whole PEM private key block (the credential format only matches its header).
  /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY-----|$)/g,
  ...CREDENTIAL_FORMATS.filter((f) => f.id !== "private-key").map((f) => f.re),
  /\bsk-(?:proj-|ant-)?[A-Za-z0-9_-]{16,}\b/g,
  /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\b/g, // JWT
  /\b(?:bearer|token)\s+[A-Za-z0-9._~+/=-]{16,}/gi,
  /\b(?:password|passwd|pwd|secret|api[_-]?key|apikey|access[_-]?token|auth[_-]?token|client[_-]?secret)\s*[=:]\s*("[^"\n]{1,200}"|'[^'\n]{1,200}'|[^\s"'&;]{1,200})/gi,
  /(?<=:\/\/[^/\s:@]{1,100}:)[^@\s/]{1,200}(?=@)/g, // password in URL userinfo
];

export const REDACTED = "[REDACTED]";

// One pass that tells whether any pattern can match (one alternation per flag set): most strings
// (rule ids, actions, session keys, ordinary commands) hold no secret, and 16 separate scans of
// each were most of the cost. A string none of them matches comes back unchanged either way.
const anyOf = (res: readonly RegExp[], flags: string): RegExp | undefined => {
  for (const r of res) if (!/^gi?$/.test(r.flags)) throw new Error(`redact: pattern /${r.source}/${r.flags} has flags the combined pre-check cannot keep`);
  return res.length === 0 ? undefined : new RegExp(res.map((r) => `(?:${r.source})`).join("|"), flags);
};
const ANY_SECRET = anyOf(SECRET_PATTERNS.filter((r) => !r.ignoreCase), "");
const ANY_SECRET_I = anyOf(SECRET_PATTERNS.filter((r) => r.ignoreCase), "i");

/** Replaces secrets in a string with [REDACTED], keeping the key name of key=value pairs. */
export function redactSecrets(s: string): string {
  if (!(ANY_SECRET?.test(s) ?? false) && !(ANY_SECRET_I?.test(s) ?? false)) return s;
  let out = s;
  for (const re of SECRET_PATTERNS) {
    re.lastIndex = 0;
    out = out.replace(re, (m, quoted?: unknown) => {
      if (typeof quoted === "string" && m.length > quoted.length) return m.slice(0, m.length - quoted.length) + REDACTED;
      return REDACTED;
    });
  }
  return out;
}

/**
 * Replaces only the credentials with a recognisable shape (credential-formats.ts; a private key
 * up to its END line) by `marker`: for text that is still sent, where generic `password: …`
 * redaction would mangle ordinary prose. Returns the text and how many credentials were replaced.
 */
export function redactCredentials(s: string, marker: string): { text: string; count: number } {
  const hits = findCredentials(s, 1024);
  if (hits.length === 0) return { text: s, count: 0 };
  const spans = hits.map((h) => {
    if (h.format.id !== "private-key") return [h.start, h.end] as const;
    const end = /-----END [A-Z0-9 ]{0,60}PRIVATE KEY(?: BLOCK)?-----/.exec(s.slice(h.end));
    return [h.start, end === null ? s.length : h.end + end.index + end[0].length] as const;
  });
  spans.sort((a, b) => a[0] - b[0]);
  let out = "";
  let at = 0;
  for (const [start, end] of spans) {
    if (end <= at) continue;
    out += s.slice(at, Math.max(at, start)) + marker;
    at = end;
  }
  return { text: out + s.slice(at), count: hits.length };
}

/** Deep copy of a JSON value with every string redacted (a base64 payload that decodes to a credential, e.g. an attachment, as a whole). */
export function redactDeep(v: unknown, depth = 0): unknown {
  if (typeof v === "string") return credentialInBase64(v) !== undefined ? `${REDACTED} (base64 payload holding a credential)` : redactSecrets(v);
  if (depth > 32 || typeof v !== "object" || v === null) return v;
  if (Array.isArray(v)) return v.map((x) => redactDeep(x, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    out[k] = /^(?:password|passwd|secret|token|api[_-]?key|apikey|authorization|cookie|private[_-]?key|client[_-]?secret)$/i.test(k) && typeof x === "string" ? REDACTED : redactDeep(x, depth + 1);
  }
  return out;
}

/** A short, redacted excerpt of s[start, end) for evidence, at most `max` characters. */
export function excerpt(s: string, start = 0, end = s.length, max = 160): string {
  let part = s.slice(Math.max(0, start), Math.max(start, end));
  if (part.length > max) part = `${part.slice(0, max - 1)}…`;
  return redactSecrets(part).replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, "�");
}
