// Reference for normalizeForMatch: the same specification written plainly, one code point at a time
// with strings and Maps, no tables, fast paths or scratch buffers. The property test in
// normalize.test.ts checks the optimized normalizer against it on random Unicode text.

export interface RefNormalized {
  text: string;
  map: number[] | undefined;
  zeroWidthInWord: number;
  zeroWidth: number;
  bidi: number;
  mixedScriptWords: number;
  tagText: string;
  firstHidden: number;
}

export function referenceNormalize(s: string, homoglyphs: Readonly<Record<string, string>>): RefNormalized {
  if (/^[\t\n\r\x20-\x7e]*$/.test(s)) return { text: s.toLowerCase(), map: undefined, zeroWidthInWord: 0, zeroWidth: 0, bidi: 0, mixedScriptWords: 0, tagText: "", firstHidden: -1 };
  const zeroWidthSet = new Set([0x200b, 0x200c, 0x200d, 0x2060, 0x2061, 0x2062, 0x2063, 0x2064, 0xfeff, 0x00ad, 0x180e, 0x034f, 0x115f, 0x1160, 0x3164, 0xffa0]);
  const glyphCps = new Set(Object.keys(homoglyphs).map((k) => k.codePointAt(0)));
  const letter = (cp: number): boolean => /\p{L}/u.test(String.fromCodePoint(cp));
  const kind = (cp: number): number => {
    if (cp < 0x80) return /[a-z]/i.test(String.fromCharCode(cp)) ? 2 : 0;
    const ch = String.fromCodePoint(cp);
    if (glyphCps.has(cp) || glyphCps.has(ch.toLowerCase().codePointAt(0))) return 1;
    return /^\p{Script=Latin}$/u.test(ch) ? 2 : letter(cp) ? 3 : 0;
  };
  const fold = (cp: number): string => {
    const out = String.fromCodePoint(cp).normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase();
    let f = "";
    for (const c of out) f += homoglyphs[c] ?? c;
    return f;
  };
  let text = "";
  const map: number[] = [];
  let zeroWidth = 0, zeroWidthInWord = 0, bidi = 0, mixed = 0, firstHidden = -1, tagText = "";
  let prev = 0, pending = 0, pendingAt = -1, hasLatin = false, hasFolded = false;
  const endWord = (): void => {
    if (hasLatin && hasFolded) mixed++;
    hasLatin = hasFolded = false;
  };
  for (let i = 0; i < s.length; ) {
    const cp = s.codePointAt(i)!;
    const w = cp > 0xffff ? 2 : 1;
    const isBidi = (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) || cp === 0x200e || cp === 0x200f || cp === 0x061c;
    if (zeroWidthSet.has(cp)) {
      pending++;
      if (pendingAt < 0) pendingAt = i;
    } else if (isBidi) {
      bidi++;
      if (firstHidden < 0) firstHidden = i;
    } else if (cp >= 0xe0000 && cp <= 0xe007f) {
      if (prev !== 0x1f3f4 && cp >= 0xe0020 && cp <= 0xe007e) {
        tagText += String.fromCharCode(cp - 0xe0000);
        if (firstHidden < 0) firstHidden = i;
      }
    } else if ((cp >= 0xfe00 && cp <= 0xfe0f) || (cp >= 0xe0100 && cp <= 0xe01ef)) {
      // variation selector: dropped
    } else {
      if (pending > 0) {
        if (kind(prev) === 2 && kind(cp) === 2) {
          zeroWidthInWord += pending;
          zeroWidth += pending;
          if (firstHidden < 0) firstHidden = pendingAt;
        } else if (!(prev >= 0x2000 && kind(prev) !== 2)) zeroWidth += pending;
        pending = 0;
        pendingAt = -1;
      }
      const out = cp < 0x80 ? String.fromCharCode(cp).toLowerCase() : fold(cp);
      for (let k = 0; k < out.length; k++) map.push(i);
      text += out;
      const k = kind(cp);
      if (k === 1) hasFolded = true;
      else if (k === 2) hasLatin = true;
      else if (k === 0) endWord();
      prev = cp;
    }
    i += w;
  }
  endWord();
  zeroWidth += pending;
  return { text, map, zeroWidthInWord, zeroWidth, bidi, mixedScriptWords: mixed, tagText, firstHidden };
}
