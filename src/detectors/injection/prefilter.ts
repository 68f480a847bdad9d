// Cheap prefilter for the operator's RE2 patterns: RE2JS is linear but slow on long texts, so a
// pattern is only run when a literal it cannot match without is present in the text. The literal
// is extracted conservatively: patterns with alternation or groups get none (always run).

export interface Prefilter {
  /** Lower-case literal (case-insensitive patterns) or exact literal; undefined = always run. */
  readonly literal: string | undefined;
  /** Every literal run (>= 3 characters) a match must contain, the longest first; empty = none known. */
  readonly all?: readonly string[];
  readonly caseInsensitive: boolean;
}

/** Longest literal run (>= 3 ASCII letters/digits/spaces) that every match must contain. */
export function requiredLiteral(source: string): Prefilter {
  let src = source;
  let ci = false;
  const flags = /^\(\?([a-z]+)\)/.exec(src);
  if (flags) {
    if (/[^ismU]/.test(flags[1] ?? "")) return { literal: undefined, caseInsensitive: false };
    ci = (flags[1] ?? "").includes("i");
    src = src.slice(flags[0].length);
  }
  if (/[|()]/.test(src)) return { literal: undefined, caseInsensitive: ci };
  const runs: string[] = [];
  let cur = "";
  const flush = (): void => {
    if (cur.length > 0) runs.push(cur);
    cur = "";
  };
  for (let i = 0; i < src.length; i++) {
    const c = src[i] ?? "";
    const next = src[i + 1] ?? "";
    if (c === "\\") {
      flush();
      i++; // skip the escaped char: classes like \s, \b or escaped punctuation end a run
      continue;
    }
    if (c === "[") {
      flush();
      const close = src.indexOf("]", i + 2);
      if (close < 0) return { literal: undefined, caseInsensitive: ci };
      i = close;
      continue;
    }
    if (/[A-Za-z0-9 ]/.test(c)) {
      if (next === "*" || next === "?" || next === "{") {
        flush(); // optional atom
        continue;
      }
      cur += c;
      if (next === "+") flush();
      continue;
    }
    flush();
  }
  flush();
  const usable = runs.filter((r) => r.trim().length >= 3).map((r) => (ci ? r.toLowerCase() : r));
  usable.sort((a, b) => b.length - a.length);
  const best = usable[0];
  if (best === undefined) return { literal: undefined, caseInsensitive: ci };
  return { literal: best, all: usable, caseInsensitive: ci };
}
