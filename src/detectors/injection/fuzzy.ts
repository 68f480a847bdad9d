// Misspelled instruction overrides ("igmore what I said before", "forgt all previous instructions"):
// a word close to ignore/forget/disregard (Damerau-Levenshtein distance 1, or 2 for longer verbs)
// right before an object that names what was said earlier. Exact spellings are left to the regex
// rules; this only adds the typo-tolerant variant. Runs on normalized (lower-case) text; linear.

const VERBS = ["ignore", "ignoring", "forget", "disregard", "ignoriere", "ignorieren", "vergiss", "vergessen", "oublie", "olvida"];
const EXACT = new Set([...VERBS, "ignored", "ignores", "forgets", "forgot", "forgotten", "disregards", "disregarded"]);

/** First letters of the verbs: a typo keeps the first letter (isMisspelledOverrideVerb), so OBJECT only tries words starting with one. */
const FIRST_LETTERS = [...new Set(VERBS.map((v) => v[0]))].join("");

/** Words that are close to a verb above but are ordinary words (never treated as a typo). */
const REAL_WORDS = new Set(["before", "forge", "forged", "forgets", "ignorant", "florist", "regard", "regards", "target", "vergessen", "vergisst", "gnore", "ignition", "forest", "forgive", "forgery", "for get", "dismiss", "regarding", "budget", "foreign", "figure"]);

const OBJECT = new RegExp(/\b([FIRST][a-z]{3,10}) (?:about |all of |all |everything |mal |einfach |bitte )?(?:what (?:i|we|you) (?:said|told you|wrote|asked|typed)|everything (?:i |we |you )?(?:said|told|wrote|before|above|so far)|(?:the |your |all |my )?(?:previous|prior|above|earlier|preceding|former|last) (?:instructions?|prompts?|text|rules|commands|messages?|sentences?|words|tasks?)|(?:alles|was ich (?:gesagt|geschrieben)))\b/.source.replace("FIRST", FIRST_LETTERS), "g");
const OBJECT_GATE = ["said", "told", "wrote", "asked", "typed", "everything", "previous", "prior", "above", "earlier", "preceding", "former", "last", "alles", "gesagt", "geschrieben"];

/** Damerau-Levenshtein (optimal string alignment) distance, stopping early above max. */
function distance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev2: number[] = [];
  let prev: number[] = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur: number[] = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      let v = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a.charCodeAt(i - 1) === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === b.charCodeAt(j - 1)) v = Math.min(v, (prev2[j - 2] ?? 0) + 1);
      cur.push(v);
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    prev2 = prev;
    prev = cur;
  }
  return prev[b.length] ?? max + 1;
}

/** True when word is a misspelling (not an exact form) of one of the override verbs. */
export function isMisspelledOverrideVerb(word: string): boolean {
  if (EXACT.has(word) || REAL_WORDS.has(word)) return false;
  for (const v of VERBS) {
    const max = v.length >= 6 ? 2 : 1;
    // Keep the first letter: typos rarely change it, and it avoids matching unrelated words.
    if (word.charCodeAt(0) !== v.charCodeAt(0)) continue;
    if (distance(word, v, max) <= max) return true;
  }
  return false;
}

/** First misspelled override (start, end in text), or undefined. */
export function findMisspelledOverride(text: string): readonly [number, number] | undefined {
  let gated = false;
  for (const g of OBJECT_GATE) {
    if (text.includes(g)) {
      gated = true;
      break;
    }
  }
  if (!gated) return undefined;
  OBJECT.lastIndex = 0;
  for (let m = OBJECT.exec(text); m !== null; m = OBJECT.exec(text)) {
    const w = m[1] ?? "";
    if (isMisspelledOverrideVerb(w)) return [m.index, m.index + m[0].length];
    // The object may itself start a word the regex consumed as the verb; retry right after it.
    OBJECT.lastIndex = m.index + w.length + 1;
  }
  return undefined;
}
