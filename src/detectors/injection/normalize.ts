// Unicode normalization for injection matching: one linear pass that lower-cases, applies NFKD
// compatibility folding per code point (full-width, mathematical alphabets, ligatures, circled
// letters), strips combining marks (accents), folds Cyrillic/Greek look-alikes to Latin, and
// removes invisible characters (zero-width, bidi controls, Unicode tag characters), counting them
// so the detector can score the hiding itself. Unicode tag characters (U+E0020..E007E) are also
// decoded into the ASCII they smuggle. A map from normalized to original offsets is kept so
// evidence points at the caller's string.

/** Result of normalizing one string. */
export interface Normalized {
  /** Lower-case, folded text the rules run on. */
  readonly text: string;
  /** normalized offset → original offset; undefined when the two are identical (ASCII fast path). */
  readonly map: Uint32Array | undefined;
  /** Zero-width characters found between two letters (word splitting). */
  readonly zeroWidthInWord: number;
  /** Zero-width characters anywhere (ZWJ next to emoji excluded). */
  readonly zeroWidth: number;
  /** Bidi embedding/override/isolate controls. */
  readonly bidi: number;
  /** Letters folded from Cyrillic/Greek look-alikes inside otherwise Latin words. */
  readonly mixedScriptWords: number;
  /** ASCII smuggled in Unicode tag characters (empty when none). */
  readonly tagText: string;
  /** Offset (original) of the first hidden character, for evidence. */
  readonly firstHidden: number;
}

const ASCII_PRINTABLE = /^[\t\n\r\x20-\x7e]*$/;

/** Cyrillic and Greek letters that look like Latin ones (lower-case targets). */
const HOMOGLYPHS: Readonly<Record<string, string>> = {
  // Cyrillic
  а: "a", в: "b", е: "e", ё: "e", к: "k", м: "m", н: "h", о: "o", р: "p", с: "c", т: "t", у: "y", х: "x", ѕ: "s", і: "i", ї: "i", ј: "j", ԁ: "d", ԛ: "q", ԝ: "w", һ: "h", ɡ: "g", ӏ: "l", ү: "y", ո: "n", ց: "g", հ: "h", ս: "u",
  // Greek
  α: "a", β: "b", ε: "e", η: "n", ι: "i", κ: "k", ν: "v", ο: "o", ρ: "p", τ: "t", υ: "u", χ: "x", γ: "y", ω: "w", ϲ: "c", ϳ: "j", ς: "c",
  // Latin look-alikes outside ASCII
  ı: "i", ȷ: "j", ℓ: "l", "ʟ": "l", "ɪ": "i", "ɴ": "n", "ʀ": "r", "ꜱ": "s", "ᴀ": "a", "ᴇ": "e", "ᴏ": "o", "ᴜ": "u", "ᴛ": "t", "ᴄ": "c", "ᴅ": "d", "ɢ": "g", "ʜ": "h", "ᴋ": "k", "ᴍ": "m", "ᴘ": "p", "ᴡ": "w", "ʏ": "y", "ᴢ": "z", "ꞯ": "q", "ғ": "f",
};

const ZERO_WIDTH = new Set([0x200b, 0x200c, 0x200d, 0x2060, 0x2061, 0x2062, 0x2063, 0x2064, 0xfeff, 0x00ad, 0x180e, 0x034f, 0x115f, 0x1160, 0x3164, 0xffa0]);
function isBidi(cp: number): boolean {
  return (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) || cp === 0x200e || cp === 0x200f || cp === 0x061c;
}
function isTag(cp: number): boolean {
  return cp >= 0xe0000 && cp <= 0xe007f;
}
function isVariationSelector(cp: number): boolean {
  return (cp >= 0xfe00 && cp <= 0xfe0f) || (cp >= 0xe0100 && cp <= 0xe01ef);
}
function isAsciiLetter(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);
}

const COMBINING = /\p{M}/gu;
const LATIN_LETTER = /^\p{Script=Latin}$/u;

/** Per-code-point fold, cached: NFKD, marks stripped, homoglyphs folded, lower-cased. */
const foldCache = new Map<number, string>();
const homoglyphSet = new Set<number>();
for (const k of Object.keys(HOMOGLYPHS)) homoglyphSet.add(k.codePointAt(0) ?? 0);

function foldCodePoint(cp: number): string {
  const hit = foldCache.get(cp);
  if (hit !== undefined) return hit;
  const ch = String.fromCodePoint(cp);
  let out = ch.normalize("NFKD").replace(COMBINING, "").toLowerCase();
  let folded = "";
  for (const c of out) folded += HOMOGLYPHS[c] ?? c;
  out = folded;
  if (foldCache.size < 65536) foldCache.set(cp, out);
  return out;
}

/** 1 = look-alike, 2 = Latin letter, 3 = other letter, 0 = not a letter (cached). */
const kindCache = new Map<number, number>();
function charKind(cp: number): number {
  const hit = kindCache.get(cp);
  if (hit !== undefined) return hit;
  const ch = String.fromCodePoint(cp);
  const lower = ch.toLowerCase().codePointAt(0) ?? 0;
  const k = homoglyphSet.has(cp) || homoglyphSet.has(lower) ? 1 : LATIN_LETTER.test(ch) ? 2 : /\p{L}/u.test(ch) ? 3 : 0;
  if (kindCache.size < 65536) kindCache.set(cp, k);
  return k;
}

function isLatinish(cp: number): boolean {
  if (cp < 0x80) return isAsciiLetter(cp);
  return charKind(cp) === 2;
}

/** Normalizes `s` for matching. Linear in s.length. */
export function normalizeForMatch(s: string): Normalized {
  if (ASCII_PRINTABLE.test(s)) {
    return { text: s.toLowerCase(), map: undefined, zeroWidthInWord: 0, zeroWidth: 0, bidi: 0, mixedScriptWords: 0, tagText: "", firstHidden: -1 };
  }
  const parts: string[] = [];
  let map = new Uint32Array(s.length + 16);
  let outLen = 0;
  const pushMapped = (str: string, at: number): void => {
    if (outLen + str.length > map.length) {
      const bigger = new Uint32Array(Math.max(map.length * 2, outLen + str.length + 16));
      bigger.set(map);
      map = bigger;
    }
    for (let k = 0; k < str.length; k++) map[outLen++] = at;
    parts.push(str);
  };
  let zeroWidth = 0;
  let zeroWidthInWord = 0;
  let bidi = 0;
  let tagText = "";
  let firstHidden = -1;
  let prevCp = 0; // previous visible code point
  let pendingZw = 0; // zero-width chars since the previous visible code point
  let pendingZwAt = -1;
  // mixed-script word tracking
  let wordHasLatin = false;
  let wordHasFolded = false;
  let mixedScriptWords = 0;
  const endWord = (): void => {
    if (wordHasLatin && wordHasFolded) mixedScriptWords++;
    wordHasLatin = false;
    wordHasFolded = false;
  };
  for (let i = 0; i < s.length; ) {
    // Fast path: a run of printable ASCII with no pending zero-width decision.
    if (pendingZw === 0) {
      let j = i;
      while (j < s.length) {
        const c = s.charCodeAt(j);
        if (c >= 0x80 || (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d)) break;
        if (isAsciiLetter(c)) wordHasLatin = true;
        else endWord();
        j++;
      }
      if (j > i) {
        const run = s.slice(i, j).toLowerCase();
        if (outLen + run.length > map.length) {
          const bigger = new Uint32Array(Math.max(map.length * 2, outLen + run.length + 16));
          bigger.set(map);
          map = bigger;
        }
        for (let k = i; k < j; k++) map[outLen++] = k;
        parts.push(run);
        prevCp = s.charCodeAt(j - 1);
        i = j;
        if (i >= s.length) break;
      }
    }
    const cp = s.codePointAt(i) ?? 0;
    const w = cp > 0xffff ? 2 : 1;
    if (ZERO_WIDTH.has(cp)) {
      // ZWJ/ZWNJ around emoji and in Indic/Persian scripts is legitimate: decided when the next visible char arrives.
      pendingZw++;
      if (pendingZwAt < 0) pendingZwAt = i;
      i += w;
      continue;
    }
    if (isBidi(cp)) {
      bidi++;
      if (firstHidden < 0) firstHidden = i;
      i += w;
      continue;
    }
    if (isTag(cp)) {
      // Tag sequences after a black flag (U+1F3F4) are subdivision flags, not smuggled text.
      if (prevCp !== 0x1f3f4 && cp >= 0xe0020 && cp <= 0xe007e) {
        tagText += String.fromCharCode(cp - 0xe0000);
        if (firstHidden < 0) firstHidden = i;
      }
      i += w;
      continue;
    }
    if (isVariationSelector(cp)) {
      i += w;
      continue;
    }
    if (pendingZw > 0) {
      const between = isLatinish(prevCp) && isLatinish(cp);
      const emojiJoin = prevCp >= 0x2000 && !isLatinish(prevCp);
      if (between) {
        zeroWidthInWord += pendingZw;
        zeroWidth += pendingZw;
        if (firstHidden < 0) firstHidden = pendingZwAt;
      } else if (!emojiJoin) {
        zeroWidth += pendingZw;
      }
      pendingZw = 0;
      pendingZwAt = -1;
    }
    let out: string;
    if (cp < 0x80) {
      out = cp >= 0x41 && cp <= 0x5a ? String.fromCharCode(cp + 32) : s[i] ?? "";
      if (isAsciiLetter(cp)) wordHasLatin = true;
      else endWord();
    } else {
      out = foldCodePoint(cp);
      const kind = charKind(cp);
      if (kind === 1) wordHasFolded = true;
      else if (kind === 2) wordHasLatin = true;
      else if (kind === 0) endWord();
    }
    pushMapped(out, i);
    prevCp = cp;
    i += w;
  }
  endWord();
  if (pendingZw > 0) zeroWidth += pendingZw;
  return { text: parts.join(""), map: map.subarray(0, outLen), zeroWidthInWord, zeroWidth, bidi, mixedScriptWords, tagText, firstHidden };
}

/** Maps a [start, end) span of the normalized text back to the original string. */
export function toOriginalSpan(n: Normalized, start: number, end: number, originalLength: number): [number, number] {
  if (n.map === undefined) return [start, end];
  const a = start < n.map.length ? (n.map[start] ?? originalLength) : originalLength;
  const b = end <= 0 ? a : end - 1 < n.map.length ? (n.map[end - 1] ?? originalLength - 1) + 1 : originalLength;
  return [a, Math.max(a, Math.min(originalLength, b))];
}
