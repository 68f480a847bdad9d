// User-supplied patterns (config, policy bundles) must be linear-time whatever they contain, so
// they run on RE2 (re2js); built-in rules are JS regexes reviewed for linearity.
//
// re2js is linear but slow (about 10 ms per MB per pattern, the largest cost of scanning a 1 MB
// text with the default prompt_injection_patterns). Patterns in a small subset that a backtracking
// engine also runs in linear time are translated to an equivalent JS RegExp instead: literal
// characters, `\s` and `\d`, each optionally quantified (`?`, `*`, `+`, `{m}`, `{m,}`, `{m,n}`,
// greedy), under `(?i)` or no flag, where the pattern starts with an unquantified literal and every
// quantified atom is followed by an unquantified atom whose characters it cannot match (and cannot
// match the first literal). Then each match attempt runs without useful backtracking and attempts
// never re-read each other's runs, so the work is linear in the text. The translation keeps RE2's
// meaning: `\s` is [\t\n\f\r ] and `\d` is [0-9] (not JS's Unicode classes), and `(?i)` uses
// Unicode simple case folding (the `iu` flags), as RE2 does (ſ matches s, K matches k). Everything
// else (groups, alternation, classes, `.`, anchors, lazy quantifiers, other flags) stays on RE2.
import { RE2JS } from "re2js";

export interface CompiledUserPattern {
  readonly source: string;
  /** Which engine runs it: "js" (translated, linear subset) or "re2". */
  readonly engine: "js" | "re2";
  /** First match as [start, end) in UTF-16 offsets, or undefined. */
  find(text: string): readonly [number, number] | undefined;
}

/** Compiles an RE2 pattern (Rust/RE2 syntax, `(?i)` allowed). Throws on invalid syntax. */
export function compileUserPattern(source: string): CompiledUserPattern {
  const re = RE2JS.compile(source); // validates the syntax in every case
  const js = linearJsRegExp(source);
  if (js !== undefined) {
    return {
      source,
      engine: "js",
      find(text: string) {
        js.lastIndex = 0;
        const m = js.exec(text);
        return m === null ? undefined : ([m.index, m.index + m[0].length] as const);
      },
    };
  }
  return {
    source,
    engine: "re2",
    find(text: string) {
      const m = re.matcher(text);
      if (!m.find()) return undefined;
      return [m.start(), m.end()] as const;
    },
  };
}

/** An atom of the linear subset: its JS source and the ASCII characters it matches (as a 128-bit set). */
interface Atom {
  readonly js: string;
  readonly set: readonly boolean[];
  quantified: boolean;
}

const RE2_SPACE = "\t\n\f\r ";
const METACHARS = "\\.+*?()|[]{}^$";

function charSet(chars: string, caseless: boolean): boolean[] {
  const set = new Array<boolean>(128).fill(false);
  for (const c of chars) {
    set[c.charCodeAt(0)] = true;
    if (caseless) {
      set[c.toLowerCase().charCodeAt(0)] = true;
      set[c.toUpperCase().charCodeAt(0)] = true;
    }
  }
  return set;
}
const disjoint = (a: readonly boolean[], b: readonly boolean[]): boolean => a.every((x, i) => !(x && b[i]));
const hex = (c: string): string => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`;

/**
 * The JS RegExp equivalent of an RE2 pattern in the linear subset described above, or undefined
 * when the pattern is outside it (it then runs on RE2).
 */
export function linearJsRegExp(source: string): RegExp | undefined {
  let src = source;
  let caseless = false;
  if (src.startsWith("(?i)")) {
    caseless = true;
    src = src.slice(4);
  }
  const atoms: Atom[] = [];
  const parts: string[] = [];
  for (let i = 0; i < src.length; ) {
    const c = src[i]!;
    const code = c.charCodeAt(0);
    if (code >= 0x80 || code < 0x20) return undefined; // ASCII only: case folding of other scripts is left to RE2
    let atom: Atom;
    if (c === "\\") {
      const e = src[i + 1];
      if (e === undefined) return undefined;
      if (e === "s") atom = { js: "[\\t\\n\\f\\r ]", set: charSet(RE2_SPACE, false), quantified: false };
      else if (e === "d") atom = { js: "[0-9]", set: charSet("0123456789", false), quantified: false };
      else if (METACHARS.includes(e) || "-/_:=,;'\"!@#%&~<> ".includes(e)) atom = { js: hex(e), set: charSet(e, caseless), quantified: false };
      else return undefined; // \b, \w, \S, \pN, \x.., etc.
      i += 2;
    } else if (METACHARS.includes(c)) {
      return undefined; // groups, alternation, classes, ., anchors, or a quantifier with nothing before it
    } else {
      atom = { js: /[A-Za-z0-9]/.test(c) ? c : hex(c), set: charSet(c, caseless), quantified: false };
      i += 1;
    }
    // Quantifier (greedy only).
    const q = src[i];
    let quant = "";
    if (q === "?" || q === "*" || q === "+") {
      quant = q;
      i += 1;
    } else if (q === "{") {
      const m = /^\{(\d{1,4})(,(\d{0,4}))?\}/.exec(src.slice(i));
      if (m === null) return undefined;
      if (m[3] !== undefined && m[3] !== "" && Number(m[3]) < Number(m[1])) return undefined;
      quant = m[0];
      i += m[0].length;
    }
    if (quant !== "") {
      if (src[i] === "?" || src[i] === "+") return undefined; // lazy or possessive
      atom.quantified = true;
    }
    atoms.push(atom);
    parts.push(atom.js + quant);
  }
  if (atoms.length === 0 || atoms[0]!.quantified) return undefined;
  const first = atoms[0]!.set;
  for (let k = 0; k < atoms.length; k++) {
    const a = atoms[k]!;
    if (!a.quantified) continue;
    if (!disjoint(a.set, first)) return undefined;
    const next = atoms[k + 1];
    if (next === undefined) continue;
    if (next.quantified || !disjoint(a.set, next.set)) return undefined;
  }
  try {
    return new RegExp(parts.join(""), caseless ? "giu" : "gu");
  } catch {
    return undefined;
  }
}
