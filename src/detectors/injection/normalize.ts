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
export const HOMOGLYPHS: Readonly<Record<string, string>> = {
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
/** Kinds of invisible characters, and a table of them for the BMP. */
const ZW = 1;
const BIDI = 2;
const TAG = 3;
const VARIATION = 4;
const HIDDEN = new Uint8Array(0x10000);
for (let cp = 0; cp <= 0xffff; cp++) HIDDEN[cp] = ZERO_WIDTH.has(cp) ? ZW : isBidi(cp) ? BIDI : isVariationSelector(cp) ? VARIATION : 0;

function isAsciiLetter(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);
}

const COMBINING = /\p{M}/gu;
const LATIN_LETTER = /^\p{Script=Latin}$/u;

// Per-code-point tables, filled lazily. A 1 MB non-ASCII text (Cyrillic, CJK, full-width) is
// normalized one code point at a time, so a Map lookup and a string per character were half of the
// detector's time on such text: BMP code points use flat typed arrays instead, and the output is
// written as UTF-16 code units into a buffer that becomes one string at the end.
const homoglyphSet = new Set<number>();
for (const k of Object.keys(HOMOGLYPHS)) homoglyphSet.add(k.codePointAt(0) ?? 0);

/** NFKD, combining marks stripped, lower-cased, look-alikes folded: the fold of one code point. */
function computeFold(cp: number): string {
  const out = String.fromCodePoint(cp).normalize("NFKD").replace(COMBINING, "").toLowerCase();
  let folded = "";
  for (const c of out) folded += HOMOGLYPHS[c] ?? c;
  return folded;
}

/** BMP fold table: 0 = not computed yet, MULTI = the fold is not one code unit (see FOLD_MULTI), else the folded unit. */
const FOLD = new Uint16Array(0x10000);
const MULTI = 0xffff;
const FOLD_MULTI = new Map<number, string>(); // BMP code points whose fold is empty or longer than one unit (bounded by the BMP)
const FOLD_ASTRAL = new Map<number, string>(); // astral code points (capped)

function foldCodePoint(cp: number): string {
  if (cp <= 0xffff) {
    const f = FOLD[cp]!;
    if (f !== 0 && f !== MULTI) return String.fromCharCode(f);
    if (f === MULTI) return FOLD_MULTI.get(cp) ?? "";
    const out = computeFold(cp);
    if (out.length === 1 && out.charCodeAt(0) !== 0 && out.charCodeAt(0) !== MULTI) FOLD[cp] = out.charCodeAt(0);
    else {
      FOLD_MULTI.set(cp, out);
      FOLD[cp] = MULTI;
    }
    return out;
  }
  const hit = FOLD_ASTRAL.get(cp);
  if (hit !== undefined) return hit;
  const out = computeFold(cp);
  if (FOLD_ASTRAL.size < 65536) FOLD_ASTRAL.set(cp, out);
  return out;
}

/** 1 = look-alike, 2 = Latin letter, 3 = other letter, 0 = not a letter. BMP table stores kind + 1 (0 = not computed). */
const KIND = new Uint8Array(0x10000);
const KIND_ASTRAL = new Map<number, number>();
function computeKind(cp: number): number {
  const ch = String.fromCodePoint(cp);
  const lower = ch.toLowerCase().codePointAt(0) ?? 0;
  // Turkish and Azeri dotless ı and dotted İ are ordinary letters there: still folded to i for
  // matching, but a word holding them is not "mixed script".
  if (cp === 0x131 || cp === 0x130) return 2;
  return homoglyphSet.has(cp) || homoglyphSet.has(lower) ? 1 : LATIN_LETTER.test(ch) ? 2 : /\p{L}/u.test(ch) ? 3 : 0;
}
function charKind(cp: number): number {
  if (cp <= 0xffff) {
    const k = KIND[cp]!;
    if (k !== 0) return k - 1;
    const c = computeKind(cp);
    KIND[cp] = c + 1;
    return c;
  }
  const hit = KIND_ASTRAL.get(cp);
  if (hit !== undefined) return hit;
  const c = computeKind(cp);
  if (KIND_ASTRAL.size < 65536) KIND_ASTRAL.set(cp, c);
  return c;
}

function isLatinish(cp: number): boolean {
  if (cp < 0x80) return isAsciiLetter(cp);
  return charKind(cp) === 2;
}

/**
 * UTF-16 code units to a string. Short ones through String.fromCharCode; long ones through a
 * Buffer view decoded as UTF-16LE, which keeps lone surrogates as they are (TextDecoder would
 * replace them) and is several times faster on a megabyte.
 */
function unitsToString(buf: Uint16Array, len: number): string {
  if (len <= 256) return String.fromCharCode.apply(null, buf.subarray(0, len) as unknown as number[]);
  return Buffer.from(buf.buffer, buf.byteOffset, len * 2).toString("utf16le");
}

/** Scratch output for short texts (normalizeForMatch is synchronous and never re-entered). */
const SCRATCH_UNITS = 4096;
const SCRATCH_BUF = new Uint16Array(SCRATCH_UNITS);
const SCRATCH_MAP = new Uint32Array(SCRATCH_UNITS);

/** Normalizes `s` for matching. Linear in s.length. */
export function normalizeForMatch(s: string): Normalized {
  if (ASCII_PRINTABLE.test(s)) {
    return { text: s.toLowerCase(), map: undefined, zeroWidthInWord: 0, zeroWidth: 0, bidi: 0, mixedScriptWords: 0, tagText: "", firstHidden: -1 };
  }
  // Output code units and, for each, the offset of the original code point it came from. Short
  // texts (chat messages) reuse one scratch pair; the map is copied out at the end.
  const scratch = s.length + 16 <= SCRATCH_UNITS;
  let buf = scratch ? SCRATCH_BUF : new Uint16Array(s.length + 16);
  let map = scratch ? SCRATCH_MAP : new Uint32Array(s.length + 16);
  let outLen = 0;
  const grow = (need: number): void => {
    const size = Math.max(buf.length * 2, outLen + need + 16);
    const b = new Uint16Array(size);
    b.set(buf.subarray(0, outLen));
    buf = b;
    const m = new Uint32Array(size);
    m.set(map.subarray(0, outLen));
    map = m;
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
  for (let i = 0; i < s.length; ) {
    const c0 = s.charCodeAt(i);
    // Printable ASCII (and tab/newline/CR) with no pending zero-width decision: lower-case and copy.
    if (c0 < 0x80 && pendingZw === 0 && (c0 >= 0x20 || c0 === 0x09 || c0 === 0x0a || c0 === 0x0d)) {
      if (outLen >= buf.length) grow(1);
      if (c0 >= 0x41 && c0 <= 0x5a) {
        buf[outLen] = c0 + 32;
        wordHasLatin = true;
      } else {
        buf[outLen] = c0;
        if (c0 >= 0x61 && c0 <= 0x7a) wordHasLatin = true;
        else {
          if (wordHasLatin && wordHasFolded) mixedScriptWords++;
          wordHasLatin = false;
          wordHasFolded = false;
        }
      }
      map[outLen++] = i;
      prevCp = c0;
      i++;
      continue;
    }
    const cp = c0 >= 0xd800 && c0 <= 0xdbff ? (s.codePointAt(i) ?? c0) : c0;
    const w = cp > 0xffff ? 2 : 1;
    // Invisible characters: one table look-up for the BMP (most text has none).
    const hidden = cp <= 0xffff ? HIDDEN[cp]! : isTag(cp) ? TAG : isVariationSelector(cp) ? VARIATION : 0;
    if (hidden === ZW) {
      // ZWJ/ZWNJ around emoji and in Indic/Persian scripts is legitimate: decided when the next visible char arrives.
      pendingZw++;
      if (pendingZwAt < 0) pendingZwAt = i;
      i += w;
      continue;
    }
    if (hidden === BIDI) {
      bidi++;
      if (firstHidden < 0) firstHidden = i;
      i += w;
      continue;
    }
    if (hidden === TAG) {
      // Tag sequences after a black flag (U+1F3F4) are subdivision flags, not smuggled text.
      if (prevCp !== 0x1f3f4 && cp >= 0xe0020 && cp <= 0xe007e) {
        tagText += String.fromCharCode(cp - 0xe0000);
        if (firstHidden < 0) firstHidden = i;
      }
      i += w;
      continue;
    }
    if (hidden === VARIATION) {
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
    if (cp < 0x80) {
      // ASCII control character (the fast path above takes the rest).
      if (outLen >= buf.length) grow(1);
      buf[outLen] = cp >= 0x41 && cp <= 0x5a ? cp + 32 : cp;
      map[outLen++] = i;
      if (isAsciiLetter(cp)) wordHasLatin = true;
      else {
        if (wordHasLatin && wordHasFolded) mixedScriptWords++;
        wordHasLatin = false;
        wordHasFolded = false;
      }
    } else {
      const f = cp <= 0xffff ? FOLD[cp]! : 0;
      if (f !== 0 && f !== MULTI) {
        if (outLen >= buf.length) grow(1);
        buf[outLen] = f;
        map[outLen++] = i;
      } else {
        const out = foldCodePoint(cp);
        if (outLen + out.length > buf.length) grow(out.length);
        for (let k = 0; k < out.length; k++) {
          buf[outLen] = out.charCodeAt(k);
          map[outLen++] = i;
        }
      }
      const kind = charKind(cp);
      if (kind === 1) wordHasFolded = true;
      else if (kind === 2) wordHasLatin = true;
      else if (kind === 0) {
        if (wordHasLatin && wordHasFolded) mixedScriptWords++;
        wordHasLatin = false;
        wordHasFolded = false;
      }
    }
    prevCp = cp;
    i += w;
  }
  if (wordHasLatin && wordHasFolded) mixedScriptWords++;
  if (pendingZw > 0) zeroWidth += pendingZw;
  return { text: unitsToString(buf, outLen), map: map === SCRATCH_MAP ? map.slice(0, outLen) : map.subarray(0, outLen), zeroWidthInWord, zeroWidth, bidi, mixedScriptWords, tagText, firstHidden };
}

/** Maps a [start, end) span of the normalized text back to the original string. */
export function toOriginalSpan(n: Normalized, start: number, end: number, originalLength: number): [number, number] {
  if (n.map === undefined) return [start, end];
  const a = start < n.map.length ? (n.map[start] ?? originalLength) : originalLength;
  const b = end <= 0 ? a : end - 1 < n.map.length ? (n.map[end - 1] ?? originalLength - 1) + 1 : originalLength;
  return [a, Math.max(a, Math.min(originalLength, b))];
}
