// Decoding of obfuscated payloads before matching: base64, hex (plain, \x-escaped, spaced),
// URL/percent-encoding (and \u / &#x; escapes), leetspeak and letter-spacing ("i g n o r e").
// Every decoder is a single linear scan with bounded work; decoded text is kept only when it is
// mostly printable, so hashes and binary blobs are dropped. Runs on the normalized (lower-case)
// text for leet/spacing, and on the original text for base64 (which is case-sensitive).

export type DecodeKind = "base64" | "hex" | "url-encoding" | "leetspeak" | "spacing" | "rot13" | "reversed" | "unicode-tags";

export interface Decoded {
  readonly kind: DecodeKind;
  /** Decoded text, lower-cased. */
  readonly text: string;
  /** Span of the encoded payload in the string that was decoded. */
  readonly start: number;
  readonly end: number;
}

/** Limits so a hostile input cannot make decoding expensive. */
const MAX_SEGMENTS = 24;
const MAX_DECODED_CHARS = 64 * 1024;

/** Character classes for the run scanner: 1 = base64 alphabet, 2 = also a hex digit. */
const RUN_CLASS = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  if (/[0-9a-fA-F]/.test(ch)) RUN_CLASS[c] = 2;
  else if (/[A-Za-z+/_-]/.test(ch)) RUN_CLASS[c] = 1;
}
const X_ESCAPED = /(?:\\x[0-9a-fA-F]{2}){8,}/g;
function isHexAt(s: string, i: number): boolean {
  const a = s.charCodeAt(i);
  const b = s.charCodeAt(i + 1);
  return a < 128 && b < 128 && RUN_CLASS[a] === 2 && RUN_CLASS[b] === 2;
}
const PERCENT = /%[0-9a-fA-F]{2}|\\u[0-9a-fA-F]{4}|&#x[0-9a-fA-F]{1,6};|&#[0-9]{1,7};/g;
const LEET_TOKEN = /[a-z0-9@$|!]+/g;
/** Leetspeak and letter-spacing decoding look at the first this many characters (they rewrite the whole text). */
const MAX_REWRITE_CHARS = 64 * 1024;
const MAX_ATTEMPTS = 64;
/**
 * Words for re-segmenting letter-spaced text written without word gaps ("s a y t h a t y o u …"
 * joins to "saythatyou…"): short function words and the vocabulary of override, extraction and
 * dictated-output requests (English, German), so the rules can read the decoded text.
 */
const SEGMENT_WORDS = new Set(
  (
    "a i an am are as at be but by just ok please do does for from have he her his how if in into is it its me my no not now of on or our say says she so tell than that the their them then there these they this those to up us was we were what when where which who why will with would you your yours " +
    "all any above act again always answer anything before best can dont every everything evil forget free hate hates hated ignore instructions instruction kill love loves mode new nothing only output password previous print prior prompt reveal rules secret show state stop stupid system task tell text write worst wrong " +
    "alle alles an anweisungen auf bist bitte dass das der die du ein eine er es gib hasse hasst ich ignoriere ist mir nicht nur sag sage schreibe sie sind und vergiss vorherigen was wie zeige"
  ).split(" "),
);
const SEGMENT_MAX_WORD = 12;
const SEGMENT_MAX_RUN = 400;

/**
 * Splits a run of letters into SEGMENT_WORDS where it can (dynamic programming over pieces of up to
 * 12 letters: a known word costs 1, an unknown piece 4 + 0.5 per letter, so unknown words stay
 * whole instead of being chopped into short known ones). Kept only when known words cover at
 * least 60% of the letters; otherwise the run is returned unchanged. O(run × 12).
 */
function segmentWords(run: string): string {
  const n = run.length;
  if (n < 10 || n > SEGMENT_MAX_RUN) return run;
  const cost = new Float64Array(n + 1).fill(Infinity);
  const back = new Int8Array(n + 1); // length of the piece ending here; negative = unknown piece
  cost[0] = 0;
  for (let i = 0; i < n; i++) {
    const c = cost[i] ?? Infinity;
    if (c === Infinity) continue;
    for (let l = 1; l <= SEGMENT_MAX_WORD && i + l <= n; l++) {
      const known = SEGMENT_WORDS.has(run.slice(i, i + l));
      const k = c + (known ? 1 : 4 + 0.5 * l);
      if (k < (cost[i + l] ?? Infinity)) {
        cost[i + l] = k;
        back[i + l] = known ? l : -l;
      }
    }
  }
  const parts: string[] = [];
  let known = 0;
  for (let j = n; j > 0; ) {
    const b = back[j] ?? 1;
    const l = Math.abs(b);
    parts.push(run.slice(j - l, j));
    if (b > 0) known += l;
    j -= l;
  }
  return known >= 0.6 * n ? parts.reverse().join(" ") : run;
}

const LEET_HINT = /[a-z][0134578@$|!][a-z]|[0134578@$][a-z]{2}/;
const SPACED = /(?:^|[^a-z])((?:[a-z][ .\-_*]){4,}[a-z])(?![a-z])/g;

const LEET_MAP: Readonly<Record<string, string>> = { "0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "@": "a", $: "s", "|": "l", "!": "i" };

/** Share of printable characters (letters, digits, punctuation, spaces, non-ASCII letters). */
function mostlyText(s: string): boolean {
  if (s.length < 8) return false;
  let good = 0;
  let letters = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c >= 0x20 && c < 0x7f) || c === 0x0a || c === 0x0d || c === 0x09 || c >= 0xa0) good++;
    if ((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c >= 0xc0) letters++;
  }
  return good / s.length >= 0.95 && letters / s.length >= 0.5 && /[a-zA-Z\u00c0-\uffff]{2}[\s,.:;!?]+[a-zA-Z\u00c0-\uffff]{2}/.test(s);
}

const UTF8 = new TextDecoder("utf-8", { fatal: true });
function utf8(bytes: Uint8Array): string {
  try {
    return UTF8.decode(bytes);
  } catch {
    return "";
  }
}

function decodeBase64(run: string): string {
  const clean = run.replace(/-/g, "+").replace(/_/g, "/");
  // A base64 payload mixes cases or has digits; a long plain word does not.
  if (!/[A-Z]/.test(clean) || !/[a-z0-9]/.test(clean)) return "";
  try {
    return utf8(Buffer.from(clean, "base64"));
  } catch {
    return "";
  }
}

function decodeHex(run: string): string {
  const hex = run.replace(/\\x|[ :]/g, "");
  if (hex.length % 2 !== 0) return "";
  return utf8(Buffer.from(hex, "hex"));
}

function percentDecode(s: string): string {
  return s.replace(PERCENT, (m) => {
    let cp: number;
    if (m.startsWith("%")) cp = parseInt(m.slice(1), 16);
    else if (m.startsWith("\\u")) cp = parseInt(m.slice(2), 16);
    else if (m.startsWith("&#x")) cp = parseInt(m.slice(3, -1), 16);
    else cp = parseInt(m.slice(2, -1), 10);
    return cp > 0x10ffff ? m : String.fromCodePoint(cp);
  });
}

/**
 * Finds encoded payloads in `original` (case preserved) and `lower` (normalized) and returns their
 * decoded text. Bounded: at most MAX_SEGMENTS segments and MAX_DECODED_CHARS decoded characters.
 */
export function decodePayloads(original: string, lower: string): Decoded[] {
  const out: Decoded[] = [];
  let budget = MAX_DECODED_CHARS;
  const push = (kind: DecodeKind, text: string, start: number, end: number): boolean => {
    if (out.length >= MAX_SEGMENTS || budget <= 0) return false;
    const t = text.length > budget ? text.slice(0, budget) : text;
    budget -= t.length;
    out.push({ kind, text: t.toLowerCase(), start, end });
    return true;
  };

  if (original.length >= 20) {
    // One linear scan for base64 runs (>= 20 chars of the alphabet, up to two "=" after), plain hex
    // runs (>= 20 hex digits, even) and spaced hex ("49 67 6e …", >= 9 pairs).
    let attempts = 0;
    const len = original.length;
    for (let i = 0; i < len && attempts < MAX_ATTEMPTS * 2 && out.length < MAX_SEGMENTS; ) {
      const c = original.charCodeAt(i);
      if (c >= 128 || RUN_CLASS[c] === 0) {
        i++;
        continue;
      }
      // Spaced hex pairs.
      if (isHexAt(original, i) && (original[i + 2] === " " || original[i + 2] === ":") && (i === 0 || RUN_CLASS[original.charCodeAt(i - 1)] !== 2)) {
        let k = i;
        let pairs = 0;
        while (k + 1 < len && isHexAt(original, k) && (k + 2 >= len || original[k + 2] === " " || original[k + 2] === ":" || RUN_CLASS[original.charCodeAt(k + 2)] !== 2)) {
          pairs++;
          const sep = original[k + 2];
          if (sep !== " " && sep !== ":") {
            k += 2;
            break;
          }
          k += 3;
        }
        if (pairs >= 9) {
          attempts++;
          const end = original[k - 1] === " " || original[k - 1] === ":" ? k - 1 : k;
          const d = decodeHex(original.slice(i, end));
          if (d !== "" && mostlyText(d)) push("hex", d, i, end);
          i = k;
          continue;
        }
      }
      let j = i;
      let allHex = true;
      while (j < len) {
        const cj = original.charCodeAt(j);
        if (cj >= 128 || RUN_CLASS[cj] === 0) break;
        if (RUN_CLASS[cj] !== 2) allHex = false;
        j++;
      }
      if (j - i >= 20) {
        let end = j;
        if (original[end] === "=") end++;
        if (original[end] === "=") end++;
        attempts++;
        const run = original.slice(i, end);
        if (allHex && (j - i) % 2 === 0) {
          const d = decodeHex(original.slice(i, j));
          if (d !== "" && mostlyText(d)) push("hex", d, i, j);
        } else {
          const d = decodeBase64(run);
          if (d !== "" && mostlyText(d)) push("base64", d, i, end);
        }
      }
      i = j + 1;
    }
    if (original.includes("\\x")) {
      X_ESCAPED.lastIndex = 0;
      let n = 0;
      for (let m = X_ESCAPED.exec(original); m !== null && n < MAX_ATTEMPTS; m = X_ESCAPED.exec(original)) {
        n++;
        const d = decodeHex(m[0]);
        if (d !== "" && mostlyText(d) && !push("hex", d, m.index, m.index + m[0].length)) break;
      }
    }
  }
  // Percent / escape encoding: decode the whole string when it carries several escapes.
  let escapes = 0;
  PERCENT.lastIndex = 0;
  while (PERCENT.exec(original) !== null && escapes < 4) escapes++;
  if (escapes >= 4) {
    const d = percentDecode(original.length > MAX_DECODED_CHARS ? original.slice(0, MAX_DECODED_CHARS) : original);
    if (d !== original) push("url-encoding", d.replace(/\+/g, " "), 0, original.length);
  }
  const head = lower.length > MAX_REWRITE_CHARS ? lower.slice(0, MAX_REWRITE_CHARS) : lower;
  // Leetspeak: only when several tokens mix letters with leet digits/symbols.
  if (LEET_HINT.test(head)) {
    let n = 0;
    const d = head.replace(LEET_TOKEN, (tok) => {
      if (!/[0-9@$|!]/.test(tok) || !/[a-z]/.test(tok)) return tok;
      n++;
      let r = "";
      for (const ch of tok) r += LEET_MAP[ch] ?? ch;
      return r;
    });
    if (n >= 2) push("leetspeak", d, 0, head.length);
  }
  // Letter spacing: "i g n o r e  a l l" → "ignore all".
  SPACED.lastIndex = 0;
  let spaced = 0;
  const d = head.replace(SPACED, (m, g: string) => {
    spaced++;
    return m.slice(0, m.length - g.length) + segmentWords(g.replace(/[ .\-_*]/g, ""));
  });
  if (spaced > 0 && d !== head) push("spacing", d.replace(/ {2,}/g, " "), 0, head.length);
  // ROT13 and reversed text: when the text says so, or when it is full of the common words such
  // text turns into ("gur", "naq"; "eht", "dna"). Both are linear rewrites of the head.
  // One scan decides whether either can apply (most texts: no).
  if (ROT_OR_REVERSED_CUE.test(head)) {
    if (ROT13_HINT.test(head) || countWords(head, ROT13_WORDS) >= 3) push("rot13", rot13(head), 0, head.length);
    if (REVERSED_HINT.test(head) || countWords(head, REVERSED_WORDS) >= 3) push("reversed", [...head].reverse().join(""), 0, head.length);
  }
  return out;
}

/** Cheap necessary condition for the two checks below: a hint word, or the commonest rot13/reversed word. */
const ROT_OR_REVERSED_CUE = /rot[\s_-]?13|caesar|backward|revers|right to left|ruckwarts|al reves|l'envers|\b(?:gur|naq|lbh|eht|dna|uoy)\b/;

const ROT13_HINT = /\brot[\s_-]?13\b|\bcaesar\b/;
const REVERSED_HINT = /\b(?:backwards?|reversed?|in reverse|right to left|ruckwarts|al reves|a l'envers)\b/;
/** the, and, you, of, is, to, your, all, ignore, previous, instructions: rot13. */
const ROT13_WORDS = /\b(?:gur|naq|lbh|bs|vf|gb|lbhe|nyy|vtaber|cerivbhf|vafgehpgvbaf|cebzcg|flfgrz)\b/g;
/** the same words, reversed. */
const REVERSED_WORDS = /\b(?:eht|dna|uoy|fo|si|ot|ruoy|lla|erongi|suoiverp|snoitcurtsni|tpmorp|metsys)\b/g;

function countWords(s: string, re: RegExp): number {
  re.lastIndex = 0;
  let n = 0;
  while (re.exec(s) !== null && n < 3) n++;
  return n;
}

function rot13(s: string): string {
  let out = "";
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    out += c >= 97 && c <= 122 ? String.fromCharCode(((c - 97 + 13) % 26) + 97) : s[i];
  }
  return out;
}
