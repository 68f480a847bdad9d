// Credential formats with a recognisable shape (provider prefixes, PEM headers). One list serves
// two purposes: redaction (no secret is ever written to evidence, logs or quarantine) and the
// secret-exfiltration detector (a credential leaving the host in a message, URL or command).
// Every pattern is linear: a fixed prefix followed by one bounded character class.

export interface CredentialFormat {
  /** Stable id, used in finding messages. */
  readonly id: string;
  /** Literal parts every match contains: a string without any of them is skipped unscanned. */
  readonly hints: readonly string[];
  /** What an operator calls it. */
  readonly label: string;
  /** Global regex for the credential itself. */
  readonly re: RegExp;
  /** Hosts (and their subdomains) that legitimately receive this credential; empty = none. */
  readonly issuers: readonly string[];
  /** Extra check on a match, to keep look-alike words out (e.g. `sk-learn-…`). */
  readonly valid?: (match: string) => boolean;
}

/**
 * A provider key is random: it has digits and letters, and it is either mixed-case or one run
 * (`sk-learn-compatible-v2`, hyphen-joined words, is not a key).
 */
const looksRandom = (m: string): boolean => /\d/.test(m) && /[A-Za-z]/.test(m) && (/[A-Z]/.test(m) || (m.slice(3).match(/-/g)?.length ?? 0) <= 2);
/** Looser shapes (three dot-separated runs) need mixed case and digits, as real base64 tokens have. */
const mixedCase = (m: string): boolean => /\d/.test(m) && /[a-z]/.test(m) && /[A-Z]/.test(m);

export const CREDENTIAL_FORMATS: readonly CredentialFormat[] = [
  { id: "private-key", hints: ["PRIVATE KEY"], label: "private key", re: /-----BEGIN (?:[A-Z0-9]{1,20} ){0,3}PRIVATE KEY(?: BLOCK)?-----/g, issuers: [] },
  { id: "aws-access-key", hints: ["AKIA", "ASIA"], label: "AWS access key", re: /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g, issuers: ["amazonaws.com", "aws.amazon.com"] },
  { id: "github-token", hints: ["gh", "github_pat_"], label: "GitHub token", re: /\b(?:gh[pousr]_[A-Za-z0-9]{20,255}|github_pat_[A-Za-z0-9_]{20,255})\b/g, issuers: ["github.com", "githubusercontent.com"] },
  {
    id: "ai-provider-key",
    hints: ["sk-"],
    label: "OpenAI or Anthropic API key",
    re: /\bsk-(?:proj-|svcacct-|admin-|ant-(?:[a-z]{2,8}\d{2}-)?)?[A-Za-z0-9_-]{20,255}/g,
    issuers: ["openai.com", "anthropic.com"],
    valid: looksRandom,
  },
  { id: "slack-token", hints: ["xox"], label: "Slack token", re: /\bxox[abposr]-[A-Za-z0-9-]{10,255}/g, issuers: ["slack.com"] },
  { id: "google-api-key", hints: ["AIza"], label: "Google API key", re: /\bAIza[0-9A-Za-z_-]{30,40}\b/g, issuers: ["googleapis.com", "google.com", "firebaseio.com", "firebaseapp.com"] },
  { id: "stripe-key", hints: ["_live_"], label: "Stripe secret key", re: /\b(?:sk|rk)_live_[0-9A-Za-z]{20,255}\b/g, issuers: ["stripe.com"] },
  { id: "npm-token", hints: ["npm_"], label: "npm token", re: /\bnpm_[A-Za-z0-9]{36}\b/g, issuers: ["npmjs.org", "npmjs.com"] },
  { id: "gitlab-token", hints: ["glpat-"], label: "GitLab token", re: /\bglpat-[A-Za-z0-9_-]{20,255}/g, issuers: ["gitlab.com"] },
  { id: "huggingface-token", hints: ["hf_"], label: "Hugging Face token", re: /\bhf_[A-Za-z0-9]{30,255}\b/g, issuers: ["huggingface.co"], valid: looksRandom },
  { id: "telegram-bot-token", hints: [":AA"], label: "Telegram bot token", re: /\b\d{8,10}:AA[A-Za-z0-9_-]{33}\b/g, issuers: ["api.telegram.org"] },
  {
    id: "discord-bot-token",
    hints: ["."],
    label: "Discord bot token",
    re: /\b[MNO][A-Za-z0-9_-]{23,27}\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{27,40}\b/g,
    issuers: ["discord.com", "discordapp.com"],
    valid: mixedCase,
  },
];

/** One credential found in a string. */
export interface CredentialHit {
  readonly format: CredentialFormat;
  readonly start: number;
  readonly end: number;
}

/**
 * Credentials in `s`, at most `max`, in order of format. Cheap when there are none: a format
 * whose literal hints are all absent is not scanned.
 */
export function findCredentials(s: string, max = 8): CredentialHit[] {
  const out: CredentialHit[] = [];
  for (const f of CREDENTIAL_FORMATS) {
    if (!mayContain(f, s)) continue;
    f.re.lastIndex = 0;
    for (let m = f.re.exec(s); m !== null; m = f.re.exec(s)) {
      if (f.valid === undefined || f.valid(m[0])) out.push({ format: f, start: m.index, end: m.index + m[0].length });
      if (out.length >= max) return out;
    }
  }
  return out;
}

function mayContain(f: CredentialFormat, s: string): boolean {
  for (const x of f.hints) if (s.includes(x)) return true;
  return false;
}

/** Whether `host` is one of the format's issuers or a subdomain of one. */
export function isIssuerHost(f: CredentialFormat, host: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, "");
  return f.issuers.some((d) => h === d || h.endsWith(`.${d}`));
}

/** Longest base64 text decoded when looking for an encoded credential. */
const MAX_DECODE = 256 * 1024;
/** Strings that may be a base64 payload: long runs of the base64 alphabet, or a `data:…;base64,` URL. */
const BASE64_LIKE = /^(?:data:[\w.+/-]{0,100}(?:;[\w=.-]{1,100}){0,4};base64,)?[A-Za-z0-9+/=\s_-]{24,}$/;

/**
 * The first credential inside a base64 (or base64url) payload or `data:…;base64,` URL, looking at
 * its first 256 KB; offsets point into the decoded text. Used for attachments (detection) and
 * for quarantine records (redaction).
 */
export function credentialInBase64(s: string): CredentialHit | undefined {
  const head = s.length > MAX_DECODE ? s.slice(0, MAX_DECODE) : s;
  if (!BASE64_LIKE.test(head)) return undefined;
  const body = head.slice(head.indexOf(",") + 1).replace(/\s+/g, "");
  return findCredentials(Buffer.from(body, "base64").toString("latin1"), 1)[0];
}
