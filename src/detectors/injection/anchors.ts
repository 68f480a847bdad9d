// Start literals of a rule: a set of strings such that every match of the rule's regex begins with
// one of them. With them a rule does not have to scan a long text position by position: the
// Aho-Corasick pass that finds the gate literals (gates.ts) also reports where the start literals
// occur, and the regex is run sticky (`y`) at those positions only, in ascending order. The first
// position where it matches is where the global regex's leftmost match starts, and the sticky run
// at that position returns the same match (the same engine from the same position), so results do
// not change; only the positions that cannot start a match are skipped.
//
// The extraction reads the rule's source: its top-level alternatives, each a sequence read from the
// left (`\b` skipped) while it is literal. Literal characters extend every prefix; an optional
// character (`x?`) or an optional literal group (`(?:please )?`) doubles the prefixes (with and
// without it); a mandatory group contributes its own alternatives' prefixes and, when all of them
// are whole literals, lets the reading continue after it; the reading stops at anything else (a
// class, an escape, an anchor, a look-around, `*`, `{0,`), at 6 characters, or at 64 variants (then
// the shorter prefixes read so far are kept). A rule one of whose paths can start with anything, or
// with a single character, gets none and scans as before.

const SPECIAL = "\\.+*?()|[]{}^$";

/** When src[i] begins an escape or a class, the index of its last character; else i. */
function skipEscapeOrClass(src: string, i: number): number {
  if (src[i] === "\\") return i + 1;
  if (src[i] !== "[") return i;
  let j = i + 1;
  for (; j < src.length && src[j] !== "]"; j++) if (src[j] === "\\") j++; // an escaped ] does not close it
  return j;
}

/** Index of the `)` closing the group opened at `open`, or -1. Skips escapes and classes. */
function closingParen(src: string, open: number): number {
  let depth = 0;
  for (let i = open; i < src.length; i++) {
    const j = skipEscapeOrClass(src, i);
    if (j !== i) {
      i = j;
      continue;
    }
    const c = src[i];
    if (c === "(") depth++;
    else if (c === ")") {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

/** Splits a group's content at its top-level `|`. */
function splitAlternatives(src: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < src.length; i++) {
    const j = skipEscapeOrClass(src, i);
    if (j !== i) {
      i = j;
      continue;
    }
    const c = src[i];
    if (c === "(") depth++;
    else if (c === ")") depth--;
    else if (c === "|" && depth === 0) {
      out.push(src.slice(start, i));
      start = i + 1;
    }
  }
  out.push(src.slice(start));
  return out;
}

/**
 * What a sequence can start with: `strings`, one of which begins every match; `complete` when the
 * sequence is literal to its end (then each string is a whole match and may be extended by what
 * follows the sequence).
 */
interface Prefixes {
  readonly strings: readonly string[];
  readonly complete: boolean;
}

/** Most variants kept while enumerating (optional characters and groups multiply them). */
const MAX_VARIANTS = 64;
/** Prefixes stop growing once all are this long: longer ones do not make positions rarer. */
const ENOUGH = 6;
/** Shortest start literal worth listing. */
const MIN_START = 2;

const uniq = (xs: readonly string[]): string[] => [...new Set(xs)];
const product = (a: readonly string[], b: readonly string[]): string[] => uniq(a.flatMap((x) => b.map((y) => x + y)));
/** The prefixes read so far, unless one is empty (then a match can start with anything). */
const stop = (cur: readonly string[]): Prefixes | undefined => (cur.some((x) => x === "") ? undefined : { strings: cur, complete: false });

/** Prefixes of one alternative (a sequence), or undefined when one path can start with anything. */
function sequencePrefixes(seq: string): Prefixes | undefined {
  let cur: string[] = [""];
  let i = 0;
  for (;;) {
    while (seq.startsWith("\\b", i)) i += 2;
    if (i >= seq.length) return { strings: cur, complete: true };
    if (cur.every((x) => x.length >= ENOUGH)) return stop(cur);
    const c = seq[i]!;
    if (c === "(") {
      if (seq.startsWith("(?=", i) || seq.startsWith("(?!", i) || seq.startsWith("(?<", i)) return stop(cur);
      const close = closingParen(seq, i);
      if (close < 0) return undefined;
      const inner = alternativesPrefixes(seq.slice(seq.startsWith("(?:", i) ? i + 3 : i + 1, close));
      const q = seq[close + 1];
      const lazy = seq[close + 2] === "?" || seq[close + 2] === "+";
      if (q === "?" && !lazy && inner?.complete) {
        // Optional literal group: with it or without it.
        const next = uniq([...product(cur, inner.strings), ...cur]);
        if (next.length > MAX_VARIANTS) return stop(cur);
        cur = next;
        i = close + 2;
        continue;
      }
      if (q === "?" || q === "*" || (q === "{" && seq.startsWith("{0", close + 1)) || inner === undefined) return stop(cur);
      const next = product(cur, inner.strings);
      if (next.length > MAX_VARIANTS) return cur.length === 1 && cur[0] === "" ? stop(inner.strings.slice()) : stop(cur);
      if (q === "+" || q === "{" || !inner.complete) return stop(next);
      cur = next;
      i = close + 1;
      continue;
    }
    if (SPECIAL.includes(c)) return stop(cur);
    const q = seq[i + 1];
    if (q === "?") {
      if (seq[i + 2] === "?" || seq[i + 2] === "+") return stop(cur);
      const next = uniq([...cur.map((x) => x + c), ...cur]); // optional character
      if (next.length > MAX_VARIANTS) return stop(cur);
      cur = next;
      i += 2;
      continue;
    }
    if (q === "*" || (q === "{" && seq.startsWith("{0", i + 1))) return stop(cur);
    if (q === "+" || q === "{") return stop(cur.map((x) => x + c));
    cur = cur.map((x) => x + c);
    i += 1;
  }
}

function alternativesPrefixes(src: string): Prefixes | undefined {
  const out: string[] = [];
  let complete = true;
  for (const alt of splitAlternatives(src)) {
    const p = sequencePrefixes(alt);
    if (p === undefined) return undefined;
    out.push(...p.strings);
    complete &&= p.complete;
  }
  let strings = uniq(out);
  // Too many: shorter prefixes are still prefixes.
  for (let len = ENOUGH; strings.length > MAX_VARIANTS * 4 && len >= 2; len -= 2) {
    strings = uniq(strings.map((x) => x.slice(0, len)));
    complete = false;
  }
  return strings.length > MAX_VARIANTS * 4 ? undefined : { strings, complete };
}

/**
 * Strings one of which every match of `re` starts with, or undefined when they cannot be read from
 * its source (see above). Only for regexes without the `i`, `m`, `s`, `u` or `v` flags (the rules are
 * written in lower case for normalized text).
 */
export function startLiterals(re: RegExp): string[] | undefined {
  if (/[imsuv]/.test(re.flags)) return undefined;
  const starts = alternativesPrefixes(re.source)?.strings;
  // A one-character start ("a", "!") occurs everywhere: such a rule scans instead. A single CJK,
  // kana or Hangul character ("前") is a word, as rare as an English one: it may start.
  return starts === undefined || starts.some((s) => s.length < MIN_START && !(s.length === 1 && s.charCodeAt(0) >= 0x2e80)) ? undefined : [...starts];
}
