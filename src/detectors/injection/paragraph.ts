// Structural signal for fetched content (e-mails, pages, files): a paragraph that stands on its own
// (blank lines around it), is one sentence shaped like a request to the reader (a question, or an
// imperative: it does not open like a statement, greeting, sign-off or header), and shares almost
// no content words with the rest of the document (topic drift). That is the shape of an instruction
// inserted into someone else's content; a mail's own paragraphs talk about the mail's subject.
// Runs on normalized (lower-case) text; linear in its length.

/** Openers of statements, greetings, sign-offs and headers: a paragraph starting so is not a request. */
const STATEMENT_OPENERS = new Set(
  ("hi hello dear hey greetings thanks thank regards best sincerely cheers kind warm yours love " +
    "i i'm i've i'd i'll we we're we've we'll you you're you've you'll your our my me us this that these those it it's its the a an " +
    "there here he she they his her their him them one some any each every all both no not yes ok okay " +
    "if as in on at for from to by with of and or but so because since when while after before during " +
    "sent copyright unsubscribe click view download open reply forward follow privacy terms manage update " +
    "regards, thanks, note p.s. ps re fw fwd subject date to cc bcc attached attachment see").split(" "),
);

/** Words that carry no topic. */
const STOP = new Set(
  ("about above after again against also always among another answer answers because been before being below between both " +
    "could does doing down during each either else every from further have having here into itself just like make many more " +
    "most much must never only other ought over please provide reply response responses same should some such than that their " +
    "theirs them then there these they this those through under until very were what when where which while whom why will with " +
    "would your yours include message messages sentence write using give tell show").split(" "),
);

const WORD = /[a-z\u00c0-\u024f]{4,}/g;

function contentWords(s: string): string[] {
  const out: string[] = [];
  WORD.lastIndex = 0;
  for (let m = WORD.exec(s); m !== null; m = WORD.exec(s)) if (!STOP.has(m[0])) out.push(m[0].slice(0, 6));
  return out;
}

export interface InsertedParagraph {
  readonly start: number;
  readonly end: number;
  readonly question: boolean;
}

/** Longest text examined (paragraph splitting is linear; this bounds the word sets). */
const MAX_TEXT = 200_000;

/** The first paragraph that looks inserted into the document around it, or undefined. */
export function findInsertedParagraph(text: string): InsertedParagraph | undefined {
  if (text.length > MAX_TEXT || text.indexOf("\n") < 0) return undefined;
  const paras: { start: number; end: number }[] = [];
  const sep = /\n[ \t\r]*\n\s*/g;
  let at = 0;
  for (let m = sep.exec(text); m !== null; m = sep.exec(text)) {
    paras.push({ start: at, end: m.index });
    at = m.index + m[0].length;
  }
  paras.push({ start: at, end: text.length });
  if (paras.length < 2) return undefined;
  let docWords: Map<string, number> | undefined;
  for (const p of paras) {
    const raw = text.slice(p.start, p.end);
    const t = raw.trim();
    if (t.length < 15 || t.length > 300 || t.includes("\n")) continue;
    if (!/[.?!]["')]?$/.test(t)) continue;
    if (/[$@©|#*<>[\]{}_`]|https?:|www\.|\d{3}|\d\.\d/.test(t)) continue;
    // One sentence: no sentence end inside (quoted text removed first).
    const unq = t.replace(/'[^'\n]{0,200}'|"[^"\n]{0,200}"/g, "q");
    if (/[.!?]\s+\S/.test(unq.slice(0, -1))) continue;
    const words = t.split(/\s+/);
    if (words.length < 4 || words.length > 45) continue;
    const first = (words[0] ?? "").replace(/[^a-z'.\u00c0-\u024f]/g, "");
    if (first.length < 2 || STATEMENT_OPENERS.has(first)) continue;
    const question = t.endsWith("?") || /\?["')]$/.test(t);
    const own = contentWords(t);
    if (own.length < 2) continue;
    if (docWords === undefined) {
      docWords = new Map();
      for (const w of contentWords(text)) docWords.set(w, (docWords.get(w) ?? 0) + 1);
    }
    // Words that occur elsewhere in the document (more often than in this paragraph).
    const mine = new Map<string, number>();
    for (const w of own) mine.set(w, (mine.get(w) ?? 0) + 1);
    let shared = 0;
    for (const [w, c] of mine) if ((docWords.get(w) ?? 0) > c) shared++;
    if (shared > 1 || shared / mine.size > 0.2) continue;
    const s = p.start + (raw.length - raw.trimStart().length);
    return { start: s, end: s + t.length, question };
  }
  return undefined;
}
