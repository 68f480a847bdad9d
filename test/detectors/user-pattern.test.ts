// Operator patterns (security.prompt_injection_patterns, blocked_command_patterns) are RE2 syntax.
// Those in a linear subset run as translated JS RegExps (src/detectors/common/regex.ts); the rest
// on re2js. The translation must find exactly what RE2 finds, and must refuse every pattern a
// backtracking engine could run in more than linear time.
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { RE2JS } from "re2js";
import { compileUserPattern, linearJsRegExp } from "../../src/detectors/common/regex.ts";
import { DEFAULT_PROMPT_INJECTION_PATTERNS } from "../../src/config/schema.ts";

const re2Find = (source: string, text: string): readonly [number, number] | undefined => {
  const m = RE2JS.compile(source).matcher(text);
  return m.find() ? [m.start(), m.end()] : undefined;
};

test("the default prompt_injection_patterns run as translated JS RegExps", () => {
  for (const p of DEFAULT_PROMPT_INJECTION_PATTERNS) assert.equal(compileUserPattern(p).engine, "js", p);
  const p = compileUserPattern("(?i)ignore\\s+all\\s+previous\\s+instructions");
  assert.deepEqual(p.find("ok. IGNORE \t ALL\nprevious  instructions now"), [4, 39]);
  assert.equal(p.find("ignore all previous\u00a0instructions"), undefined, "RE2's \\s is ASCII whitespace: no NBSP");
});

test("patterns outside the linear subset stay on RE2", () => {
  for (const p of ["a+a", "\\s+x", "x\\s*\\s*y", "aa*", "(a|b)c", "[ab]+c", "curl.*sh", "x{2,3}y", "(?m)^x", "(?s)a.b", "a\\bb", "a\\wb", "ab+?c", "é\\s+x", "x\\s+é", "ab*b", "a\\s+ b"]) {
    assert.equal(linearJsRegExp(p), undefined, p);
    assert.equal(compileUserPattern(p).engine, "re2", p);
  }
  assert.throws(() => compileUserPattern("a("), /missing|unexpected|error/i);
});

// Random patterns of the subset's grammar (some fall outside it: those must be refused) and texts
// built from the same characters, so that matches and near-matches are frequent.
const ALPHA = ["a", "b", "k", "s", "S", "0", "7", "-", "/", " ", "."];
const atom = fc.oneof(fc.constantFrom(...ALPHA.filter((c) => c !== ".")).map((c) => (c === "-" || c === "/" ? `\\${c}` : c)), fc.constantFrom("\\s", "\\d", "\\."));
const quant = fc.constantFrom("", "", "", "?", "*", "+", "{2}", "{1,3}", "{0,}");
const pattern = fc.tuple(fc.boolean(), fc.array(fc.tuple(atom, quant), { minLength: 1, maxLength: 6 })).map(([ci, parts]) => `${ci ? "(?i)" : ""}${parts.map(([a, q]) => a + q).join("")}`);
const TEXT_CHARS = ["a", "b", "k", "K", "s", "S", "ſ", "\u212a", "0", "7", "-", "/", " ", "\t", "\n", "\f", "\v", "\u00a0", ".", "x", "é", "😀"];
const text = fc.array(fc.constantFrom(...TEXT_CHARS), { maxLength: 40 }).map((a) => a.join(""));

test("translated patterns find exactly what RE2 finds (property)", () => {
  let translated = 0;
  fc.assert(
    fc.property(pattern, fc.array(text, { minLength: 1, maxLength: 8 }), (src, texts) => {
      const p = compileUserPattern(src);
      if (p.engine !== "js") return;
      translated++;
      for (const t of texts) assert.deepEqual(p.find(t), re2Find(src, t), `${src} on ${JSON.stringify(t)}`);
    }),
    { numRuns: 4000 },
  );
  assert.ok(translated > 500, `only ${translated} random patterns were in the subset`);
});
