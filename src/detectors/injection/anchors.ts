// Start literals of a rule: a set of strings such that every match of the rule's regex begins with
// one of them. With them a rule does not have to scan a long text position by position: the
// Aho-Corasick pass that finds the gate literals (gates.ts) also reports where the start literals
// occur, and the regex is run sticky (`y`) at those positions only, in ascending order. The first
// position where it matches is where the global regex's leftmost match starts, and the sticky run
// at that position returns the same match (the same engine from the same position), so results do
// not change; only the positions that cannot start a match are skipped.
//
// The extraction reads the rule's source: top-level alternatives, each a sequence that may begin
// with `\b` and then either literal characters (the prefix up to the first non-literal; a character
// made optional by `?`, `*` or `{0,` is dropped) or a non-capturing group that is not optional (its
// own alternatives' prefixes; when the group is optional, `?` or `*`, those of what follows it too).
// Anything else (a class, an anchor, an escape, a lookaround) gives up: the rule then scans as
// before, as it does when a start literal is a single character.

const SPECIAL = "\\.+*?()|[]{}^$";

/** Index of the `)` closing the group opened at `open`, or -1. Skips escapes and classes. */
function closingParen(src: string, open: number): number {
  let depth = 0;
  for (let i = open; i < src.length; i++) {
    const c = src[i];
    if (c === "\\") {
      i++;
      continue;
    }
    if (c === "[") {
      // A class: skip to its end (an escaped ] does not close it).
      for (i++; i < src.length && src[i] !== "]"; i++) if (src[i] === "\\") i++;
      continue;
    }
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
    const c = src[i];
    if (c === "\\") {
      i++;
      continue;
    }
    if (c === "[") {
      for (i++; i < src.length && src[i] !== "]"; i++) if (src[i] === "\\") i++;
      continue;
    }
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

/** Mandatory prefixes of one alternative (a sequence), or undefined when one path can start with anything. */
function sequencePrefixes(seq: string): string[] | undefined {
  let i = 0;
  while (seq.startsWith("\\b", i)) i += 2;
  if (i >= seq.length) return undefined;
  if (seq[i] === "(") {
    if (seq.startsWith("(?=", i) || seq.startsWith("(?!", i) || seq.startsWith("(?<", i)) return undefined;
    const close = closingParen(seq, i);
    if (close < 0) return undefined;
    const q = seq[close + 1];
    const inner = alternativesPrefixes(seq.slice(seq.startsWith("(?:", i) ? i + 3 : i + 1, close));
    if (q === "?" || q === "*") {
      // Optional group: a match starts with the group or with what follows it.
      if (seq[close + 2] === "?" || seq[close + 2] === "+") return undefined; // lazy/possessive: keep it simple
      const rest = sequencePrefixes(seq.slice(close + 2));
      return inner === undefined || rest === undefined ? undefined : [...new Set([...inner, ...rest])];
    }
    if (seq.startsWith("{0", close + 1)) return undefined;
    return inner;
  }
  let lit = "";
  for (; i < seq.length; i++) {
    const c = seq[i]!;
    if (SPECIAL.includes(c)) {
      if ((c === "?" || c === "*") && lit.length > 0) lit = lit.slice(0, -1);
      else if (c === "{" && seq.startsWith("{0", i) && lit.length > 0) lit = lit.slice(0, -1);
      break;
    }
    lit += c;
  }
  return lit.length > 0 ? [lit] : undefined;
}

function alternativesPrefixes(src: string): string[] | undefined {
  const out = new Set<string>();
  for (const alt of splitAlternatives(src)) {
    const p = sequencePrefixes(alt);
    if (p === undefined) return undefined;
    for (const s of p) out.add(s);
  }
  return [...out];
}

/**
 * Strings one of which every match of `re` starts with, or undefined when they cannot be read from
 * its source (see above). Only for regexes without the `i`, `m`, `s`, `u` or `v` flags (the rules are
 * written in lower case for normalized text).
 */
export function startLiterals(re: RegExp): string[] | undefined {
  if (/[imsuv]/.test(re.flags)) return undefined;
  const starts = alternativesPrefixes(re.source);
  // A one-character start ("a", "!") occurs everywhere: such a rule scans instead.
  return starts === undefined || starts.some((s) => s.length < MIN_START) ? undefined : starts;
}

/** Shortest start literal worth listing. */
const MIN_START = 2;
