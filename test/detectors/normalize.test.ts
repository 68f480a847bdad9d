// The injection normalizer (src/detectors/injection/normalize.ts) is written for speed: flat
// per-code-point tables, a UTF-16 output buffer, a reused scratch buffer for short texts. This
// property test holds it to a plain reference implementation of the same specification on random
// text mixing ASCII, upper case, accents, full-width and mathematical letters, ligatures,
// look-alikes, zero-width, bidi, tag and variation-selector characters, emoji, lone surrogates and
// code points that fold to several units, including texts longer than the scratch buffer.
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { HOMOGLYPHS, normalizeForMatch } from "../../src/detectors/injection/normalize.ts";
import { referenceNormalize } from "./normalize-reference.ts";

const PIECES = ["a", "B", "z", " ", "\n", "\t", "\x01", ".", "é", "ＡＢ", "ﬁ", "і", "о", "е", "α", "ς", "Ω", "ß", "İ", "ǅ", "㎏", "ﷺ", "中", "\u0301", "\u200b", "\u200d", "\u202e", "\u2066", "\u{E0041}", "\u{E0069}", "\u{1F3F4}", "\u{1F600}", "\uFE0F", "\uD800", "\uDC00", "\uFFFF", "\u{1D400}", "ℓ", "ᴀ"];
const text = fc.tuple(fc.array(fc.oneof(fc.constantFrom(...PIECES), fc.string({ unit: "binary", maxLength: 3 })), { maxLength: 60 }), fc.integer({ min: 1, max: 200 })).map(([parts, rep]) => {
  const s = parts.join("");
  return rep > 180 ? s.repeat(rep) : s; // some texts beyond the 4,096-unit scratch buffer
});

test("normalizeForMatch equals the plain reference implementation on random Unicode text", () => {
  fc.assert(
    fc.property(text, (s) => {
      const got = normalizeForMatch(s);
      const want = referenceNormalize(s, HOMOGLYPHS);
      assert.equal(got.text, want.text);
      assert.deepEqual(got.map === undefined ? undefined : Array.from(got.map), want.map);
      assert.deepEqual(
        [got.zeroWidthInWord, got.zeroWidth, got.bidi, got.mixedScriptWords, got.tagText, got.firstHidden],
        [want.zeroWidthInWord, want.zeroWidth, want.bidi, want.mixedScriptWords, want.tagText, want.firstHidden],
      );
    }),
    { numRuns: 3000 },
  );
});

test("normalizeForMatch: a result's map is its own (the scratch buffer of short texts is not shared)", () => {
  const a = normalizeForMatch("Ａb\u200bc");
  const mapA = Array.from(a.map ?? []);
  normalizeForMatch("ｘｙｚｗ and more text here");
  assert.deepEqual(Array.from(a.map ?? []), mapA);
});
