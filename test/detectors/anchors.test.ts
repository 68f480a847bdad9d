// Start literals (src/detectors/injection/anchors.ts) let a rule run only where a match can begin.
// That is only sound if every match of the rule begins with one of them: checked here for every
// built-in rule that has them, on the rule fixtures and on random texts made of the rules' own
// literals (where near-matches are dense), plus the extraction itself on small regexes.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import fc from "fast-check";
import { startLiterals } from "../../src/detectors/injection/anchors.ts";
import { GATE, LiteralSet, POSITIONAL } from "../../src/detectors/injection/gates.ts";
import { normalizeForMatch } from "../../src/detectors/injection/normalize.ts";
import { INJECTION_RULES } from "../../src/detectors/injection/rules.ts";

test("start literals: read from alternatives, literal prefixes, optional characters and groups; refused where a match can start anywhere", () => {
  assert.deepEqual(startLiterals(/\b(?:ignore|disregard) (?:all|any)/g), ["ignore", "disreg"], "prefixes stop growing at 6 characters");
  assert.deepEqual(startLiterals(/\bdon'?t (?:ask|wait)|\bnever ask/g), ["don't ask", "don't wait", "dont ask", "dont wait", "never "]);
  assert.deepEqual(startLiterals(/\b(?:die |alle )?(?:obigen|vorigen) regeln/g), ["die obigen", "die vorige", "alle obigen", "alle vorige", "obigen", "vorige"]);
  assert.deepEqual(startLiterals(/(?:a|the) new task/g), ["a new ", "the new "], "a one-character alternative extended by what follows");
  assert.deepEqual(startLiterals(/\ban? (?:x|y)z/g), ["an xz", "an yz", "a xz", "a yz"]);
  assert.equal(startLiterals(/(?:^|[.!?]\s{0,4})now write/g), undefined, "anchor and class");
  assert.equal(startLiterals(/\b([a-z]{3,9}) everything/g), undefined, "class first");
  assert.equal(startLiterals(/(?:a|b)+ task/g), undefined, "a one-character start occurs everywhere");
  assert.equal(startLiterals(/x*yz/g), undefined, "optional first character: a match can start with y");
  assert.equal(startLiterals(/ignore/gi), undefined, "flags other than g/y");
  assert.equal(startLiterals(/(?=x)xy/g), undefined, "lookahead first");
  assert.deepEqual(startLiterals(/(?:前|上記)[^。]{0,10}?指示/g), ["前", "上記"], "a single CJK character is a word: it may start");
  assert.ok(startLiterals(INJECTION_RULES.find((r) => r.id === "inj.override.multilingual")!.pattern), "the multilingual override (Japanese 前) is anchored");
});

const RULES = INJECTION_RULES.map((r) => ({ r, starts: startLiterals(r.pattern) })).filter((x): x is { r: (typeof INJECTION_RULES)[number]; starts: string[] } => x.starts !== undefined);

function assertMatchesStartWithLiterals(text: string): void {
  for (const { r, starts } of RULES) {
    const re = new RegExp(r.pattern.source, r.pattern.flags);
    for (const m of text.matchAll(re)) {
      const at = m.index;
      assert.ok(starts.some((s) => text.startsWith(s, at)), `${r.id}: match ${JSON.stringify(m[0].slice(0, 60))} at ${at} starts with none of its start literals`);
    }
  }
}

test("every match of an anchored rule starts with one of its start literals: rule fixtures", () => {
  assert.ok(RULES.length >= 25, `only ${RULES.length} rules have start literals`);
  const fixtures = readFileSync(path.join(import.meta.dirname, "../fixtures/rules/injection.txt"), "utf8").split("\n");
  for (const line of fixtures) assertMatchesStartWithLiterals(normalizeForMatch(line).text);
});

test("every match of an anchored rule starts with one of its start literals: random texts of the rules' literals (property)", () => {
  const pieces = [...new Set(INJECTION_RULES.flatMap((r) => [...(r.gate ?? []).flat(), ...(startLiterals(r.pattern) ?? [])]))];
  const glue = [" ", " ", ". ", "\n", ", ", " the ", " you ", " all ", " now ", "'", "-", ": ", "x"];
  const text = fc.array(fc.tuple(fc.constantFrom(...pieces), fc.constantFrom(...glue)), { minLength: 1, maxLength: 30 }).map((a) => a.map(([p, g]) => p + g).join(""));
  fc.assert(fc.property(text, (t) => assertMatchesStartWithLiterals(t)), { numRuns: 1500 });
});

test("literal set: gate literals are marked present, positional ones listed with their end positions (up to a budget)", () => {
  const set = new LiteralSet(["ignore", "all", "no"], Uint8Array.from([GATE, GATE | POSITIONAL, POSITIONAL]));
  const present = new Uint8Array(3);
  const hits: number[] = [];
  set.scan("no, ignore all. not all", present, hits);
  assert.deepEqual([...present], [1, 1, 0], "a positional-only literal is not marked present");
  assert.deepEqual(hits, [2, 1, 2, 7, 1, 13, 2, 17, 1, 22], "(literal, end index) pairs in text order, inside words too (\"no\" in \"ignore\")");
  const few: number[] = [];
  set.scan("no, ignore all. not all", present, few, 2);
  assert.deepEqual(few, [2, 1, 2, 7], "listing stops at the budget");
});

test("literal set: presence and positions equal a naive search (property, ASCII and other scripts)", () => {
  const unit = fc.constantFrom("a", "b", "n", "o", " ", "忽", "略", "之", "é", "\u{1F600}");
  const word = fc.array(unit, { minLength: 1, maxLength: 4 }).map((a) => a.join(""));
  fc.assert(
    fc.property(fc.uniqueArray(word, { minLength: 1, maxLength: 12 }), fc.array(unit, { maxLength: 60 }).map((a) => a.join("")), fc.array(fc.constantFrom(GATE, POSITIONAL, GATE | POSITIONAL), { minLength: 12, maxLength: 12 }), (lits, text, kindList) => {
      const kinds = Uint8Array.from(lits.map((_, i) => kindList[i]!));
      const set = new LiteralSet(lits, kinds);
      const present = new Uint8Array(lits.length);
      const hits: number[] = [];
      set.scan(text, present, hits);
      const want: number[] = [];
      for (let end = 0; end < text.length; end++) {
        lits.forEach((l, i) => {
          if ((kinds[i]! & POSITIONAL) !== 0 && end - l.length + 1 >= 0 && text.startsWith(l, end - l.length + 1)) want.push(i, end);
        });
      }
      const pairs = (xs: number[]): string[] => Array.from({ length: xs.length / 2 }, (_, k) => `${xs[2 * k + 1]}:${xs[2 * k]}`).sort();
      assert.deepEqual(pairs(hits), pairs(want));
      assert.deepEqual([...present], lits.map((l, i) => ((kinds[i]! & GATE) !== 0 && text.includes(l) ? 1 : 0)));
    }),
    { numRuns: 2000 },
  );
});
