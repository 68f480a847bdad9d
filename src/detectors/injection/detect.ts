// Prompt-injection detector: every text subject (inbound messages, tool outputs, tool arguments)
// is normalized (NFKC-style folding, invisible characters stripped and scored, look-alikes
// folded), scanned whole with the built-in rules (linear-time regexes on one string: long
// documents are scanned entirely, up to security.max_scan_bytes, beyond which head and tail are
// scanned), decoded (base64, hex, URL-encoding, leetspeak, letter spacing) and rescanned, scored by
// a small hashed-n-gram model in overlapping windows, and matched against the operator's
// prompt_injection_patterns (RE2).

import type { SecurityConfig } from "../../config/schema.ts";
import { excerpt } from "../../engine/redact.ts";
import type { Detector, Finding, Subject } from "../../engine/types.ts";
import { compileUserPattern } from "../common/regex.ts";
import { decodePayloads, type DecodeKind } from "./decode.ts";
import { loadShippedModel, type InjectionModel } from "./model.ts";
import { startLiterals } from "./anchors.ts";
import { GATE, LiteralSet, POSITIONAL } from "./gates.ts";
import { findMisspelledOverride } from "./fuzzy.ts";
import { findInsertedParagraph } from "./paragraph.ts";
import { requiredLiteral } from "./prefilter.ts";
import { normalizeForMatch, toOriginalSpan, type Normalized } from "./normalize.ts";
import { INJECTION_RULES, type InjectionFamily, type InjectionRule } from "./rules.ts";

/** Points for a match of an operator-configured prompt_injection_patterns entry. */
export const USER_INJECTION_PATTERN_SCORE = 40;

/** Texts longer than 2 chunks are matched chunk by chunk; the overlap exceeds every rule's match span. */
const CHUNK = 8192;
const CHUNK_OVERLAP = 1024;

/** Highest model score for fetched content (tool outputs), where the model was not trained. */
const FETCHED_MODEL_CAP = 20;

/** Rules computed in code rather than by one regex; listed so metadata and docs cover them. */
export interface ComputedRule {
  readonly id: string;
  readonly family: InjectionFamily;
  /** Highest score this rule can give. */
  readonly score: number;
  readonly message: string;
}

export const COMPUTED_RULES: readonly ComputedRule[] = [
  { id: "inj.obfuscation.zero-width", family: "obfuscation", score: 35, message: "zero-width characters split words so filters miss them (20 points; 35 with 3 or more). They were removed before matching; treat the text as an evasion attempt" },
  { id: "inj.obfuscation.bidi", family: "obfuscation", score: 25, message: "bidirectional control characters reorder how the text is displayed, hiding what the model actually reads" },
  { id: "inj.obfuscation.homoglyph", family: "obfuscation", score: 30, message: "words mix Latin letters with Cyrillic/Greek look-alikes, a filter-evasion trick (20 points; 30 with 3 or more words); they were folded before matching" },
  { id: "inj.obfuscation.unicode-tags", family: "obfuscation", score: 45, message: "invisible Unicode tag characters smuggle hidden ASCII text to the model (ASCII smuggling); the hidden text was decoded and scanned" },
  { id: "inj.obfuscation.encoded", family: "obfuscation", score: 25, message: "an encoded payload (base64, hex, URL-encoding, leetspeak, letter spacing, ROT13 or reversed text) decodes to injection text; encoding instructions is an evasion technique" },
  { id: "inj.override.fuzzy", family: "instruction-override", score: 45, message: "a misspelled override verb (\"igmore\", \"forgt\", \"disregrad\") before what was said earlier: an instruction override written to slip past exact-word filters" },
  { id: "inj.indirect.inserted-paragraph", family: "indirect", score: 35, message: "fetched content contains a stand-alone one-sentence paragraph shaped like a request to the reader (a question or an imperative) that shares almost no words with the rest of the document: the shape of an instruction inserted into someone else's content; weak on its own" },
  { id: "inj.oversized", family: "structure", score: 10, message: "text is larger than security.max_scan_bytes: only its head and tail were scanned; raise max_scan_bytes or split the content" },
  { id: "inj.model.classifier", family: "model", score: 45, message: "the statistical injection model (hashed word n-grams, trained on the dev corpora) rates this text as a likely prompt injection or jailbreak; the score is its probability band" },
];

/** Every built-in rule id with family, score and message (for docs and the metadata test). */
export function listInjectionRules(): readonly ComputedRule[] {
  return [...INJECTION_RULES.map((r) => ({ id: r.id, family: r.family, score: r.score, message: r.message })), ...COMPUTED_RULES];
}

const COMPUTED = new Map(COMPUTED_RULES.map((r) => [r.id, r]));
function computed(id: string): ComputedRule {
  const r = COMPUTED.get(id);
  if (r === undefined) throw new Error(`unknown computed rule ${id}`);
  return r;
}

export interface InjectionDetectorOptions {
  /** Model to use; default the shipped weights; null disables the model. */
  readonly model?: InjectionModel | null;
}

/** A built-in rule as the detector runs it. */
interface CompiledRule {
  readonly rule: InjectionRule;
  /** Position in INJECTION_RULES (index into the per-scan candidate lists). */
  readonly index: number;
  /** Gate literal ids per group (one of each group must occur). */
  readonly gate: readonly Int32Array[];
  /** Literal ids every match starts with (anchors.ts), and the rule's regex as a sticky copy. */
  readonly starts?: Int32Array;
  readonly sticky?: RegExp;
}

/**
 * A rule runs at its start-literal positions while they are fewer than 1 in this many characters
 * of the chunk (a failed sticky attempt costs about as much as scanning a few dozen characters);
 * denser, it scans the chunk.
 */
const ANCHOR_DENSITY = 24;

/** Chunks shorter than this are scanned by every rule (see runRules). */
const ANCHOR_MIN_CHUNK = 2048;

/**
 * The rule's first match in the chunk: the regex run sticky at each candidate start in ascending
 * order when the rule has start literals and they are sparse enough, else one scan of the chunk.
 * Both give the leftmost match (anchors.ts).
 */
function firstMatch(rg: CompiledRule, chunk: string, cand: number[] | undefined, sorted = false): RegExpExecArray | null {
  const sticky = rg.sticky;
  if (sticky !== undefined && cand !== undefined && cand.length * ANCHOR_DENSITY < chunk.length) {
    if (!sorted && cand.length > 1) cand.sort((a, b) => a - b);
    let last = -1;
    for (let k = 0; k < cand.length; k++) {
      const p = cand[k]!;
      if (p === last) continue;
      last = p;
      sticky.lastIndex = p;
      const m = sticky.exec(chunk);
      if (m !== null) return m;
    }
    return null;
  }
  const re = rg.rule.pattern;
  re.lastIndex = 0;
  return re.exec(chunk);
}

export function createInjectionDetector(security: SecurityConfig, opts: InjectionDetectorOptions = {}): Detector {
  const user = security.prompt_injection_patterns.map((src) => ({ re: compileUserPattern(src), pre: requiredLiteral(src) }));
  const model = opts.model === null ? undefined : (opts.model ?? loadShippedModel());
  const maxScan = security.max_scan_bytes;
  // Gate literals of every rule, and the start literals of the rules that have them (anchors.ts),
  // found in one Aho-Corasick pass per scanned text.
  const litIndex = new Map<string, number>();
  const lit = (s: string): number => {
    let i = litIndex.get(s);
    if (i === undefined) {
      i = litIndex.size;
      litIndex.set(s, i);
    }
    return i;
  };
  const compiled: CompiledRule[] = INJECTION_RULES.map((rule, index) => {
    const starts = startLiterals(rule.pattern);
    return {
      rule,
      index,
      gate: (rule.gate ?? []).map((group) => Int32Array.from(group, lit)),
      ...(starts === undefined ? {} : { starts: Int32Array.from(starts, lit), sticky: new RegExp(rule.pattern.source, rule.pattern.flags.replace("g", "") + "y") }),
    };
  });
  const literals = [...litIndex.keys()];
  const kinds = new Uint8Array(literals.length);
  for (const c of compiled) for (const group of c.gate) for (const li of group) kinds[li]! |= GATE;
  const litLength = Int32Array.from(literals, (s) => s.length);
  const startRulesList: number[][] = literals.map(() => []);
  for (const c of compiled) {
    if (c.starts === undefined) continue;
    for (const li of c.starts) {
      kinds[li]! |= POSITIONAL;
      startRulesList[li]?.push(c.index);
    }
  }
  // The same lists flattened (rules of literal li: startRules[startRulesAt[li] .. startRulesAt[li + 1]]):
  // this loop runs for every start-literal occurrence of a long text.
  const startRulesAt = new Int32Array(literals.length + 1);
  for (let li = 0; li < literals.length; li++) startRulesAt[li + 1] = startRulesAt[li]! + startRulesList[li]!.length;
  const startRules = Int32Array.from(startRulesList.flat());
  const gates = new LiteralSet(literals, kinds);
  const present = new Uint8Array(literals.length);
  // Per scan: (literal, end) pairs of start-literal occurrences, and each rule's candidate starts.
  const hits: number[] = [];
  const candidates: number[][] = compiled.map(() => []);
  // Whether a rule's candidates were pushed in ascending order (they nearly always are: occurrences
  // are listed by their end, and only overlapping literals of different lengths reorder starts).
  const candidatesSorted = new Uint8Array(compiled.length);
  const inboundRules = compiled.filter((c) => c.rule.fetchedOnly !== true);
  const fetchedRules = compiled;

  const finding = (rule: { id: string; family: InjectionFamily; message: string }, score: number, field: string, original: string, start: number, end: number, note = ""): Finding => ({
    ruleId: rule.id,
    category: `prompt-injection/${rule.family}`,
    score,
    tag: "prompt_injection",
    message: note === "" ? rule.message : `${rule.message} (${note})`,
    evidence: { field, start, end, excerpt: excerpt(original, start, end) },
  });

  /** Runs the regex rules on normalized text; returns the ids that matched. */
  const runRules = (rules: readonly CompiledRule[], n: Normalized, original: string, base: number, field: string, out: Finding[], skip?: ReadonlySet<string>, via?: { kind: DecodeKind | "unicode-tags"; start: number; end: number }, spans?: number[]): Set<string> => {
    const hit = new Set<string>();
    const text = n.text;
    // Long texts are matched chunk by chunk (chunks overlap by more than any rule's match span), and
    // a rule runs on a chunk only when its gate literals occur in that chunk. A rule reports its first match.
    for (let cs = 0; cs < text.length || cs === 0; ) {
      let ce = text.length;
      let next = text.length;
      if (text.length > CHUNK * 2) {
        next = cs + CHUNK;
        if (next >= text.length - CHUNK / 2) next = text.length;
        else {
          // Start the next chunk right after a line or sentence end when one is near (rules treat a chunk start as a text start).
          for (let k = next - 1; k > next - 256; k--) {
            const c = text.charCodeAt(k);
            if (c === 0x0a || c === 0x2e || c === 0x21 || c === 0x3f) {
              next = k + 1;
              break;
            }
          }
        }
        ce = Math.min(text.length, next + CHUNK_OVERLAP);
      }
      const chunk = cs === 0 && ce === text.length ? text : text.slice(cs, ce);
      // On long chunks, start-literal occurrences are listed (up to a budget: beyond it, in text
      // made of start literals, every rule scans the chunk) and rules run where they can start.
      // A short chunk is scanned by each rule faster than its candidates would be sorted and tried.
      let anchored = false;
      if (chunk.length >= ANCHOR_MIN_CHUNK) {
        hits.length = 0;
        const maxHits = Math.ceil(chunk.length / 4);
        gates.scan(chunk, present, hits, maxHits);
        anchored = hits.length < 2 * maxHits;
        for (const c of candidates) c.length = 0;
        candidatesSorted.fill(1);
        for (let h = 0; anchored && h < hits.length; h += 2) {
          const li = hits[h]!;
          const start = hits[h + 1]! - litLength[li]! + 1;
          for (let k = startRulesAt[li]!, e = startRulesAt[li + 1]!; k < e; k++) {
            const ri = startRules[k]!;
            const list = candidates[ri]!;
            if (list.length > 0 && list[list.length - 1]! > start) candidatesSorted[ri] = 0;
            list.push(start);
          }
        }
      } else gates.scan(chunk, present);
      // No destructuring in a labelled loop: OpenClaw's plugin loader (jiti) mis-parses it.
      outer: for (const rg of rules) {
        const r = rg.rule;
        const gate = rg.gate;
        if (hit.has(r.id) || skip?.has(r.id)) continue;
        if (cs > 0 && r.pattern.source.startsWith("^")) continue; // anchored at the start of the text
        for (const group of gate) {
          let ok = false;
          for (let g = 0; g < group.length; g++) {
            if (present[group[g] ?? 0] === 1) {
              ok = true;
              break;
            }
          }
          if (!ok) continue outer;
        }
        const m = firstMatch(rg, chunk, anchored ? candidates[rg.index] : undefined, candidatesSorted[rg.index] === 1);
        if (m === null) continue;
        hit.add(r.id);
        const ms = cs + m.index;
        const me = ms + m[0].length;
        spans?.push(ms);
        if (via === undefined) {
          const [a, b] = toOriginalSpan(n, ms, me, original.length);
          out.push(finding(r, r.score, field, original, base + a, base + b));
        } else {
          out.push({
            ...finding(r, r.score, field, original, base + via.start, base + via.end, `found after decoding ${via.kind}`),
            evidence: { field, start: base + via.start, end: base + via.end, excerpt: `${via.kind}: ${excerpt(text, ms, me, 120)}` },
          });
        }
      }
      if (next >= text.length) break;
      cs = next;
    }
    return hit;
  };

  const scanPart = (s: Subject, original: string, base: number, out: Finding[]): void => {
    const field = s.field;
    const rules = s.origin === "tool_output" ? fetchedRules : inboundRules;
    const n = normalizeForMatch(original);
    const matchedAt: number[] = [];
    const plainHits = runRules(rules, n, original, base, field, out, undefined, undefined, matchedAt);

    // Misspelled overrides (typo-tolerant variant of the override rules).
    if (!plainHits.has("inj.override.ignore-previous") && !plainHits.has("inj.override.forget-everything")) {
      const fz = findMisspelledOverride(n.text);
      if (fz !== undefined) {
        const [a, b] = toOriginalSpan(n, fz[0], fz[1], original.length);
        out.push(finding(computed("inj.override.fuzzy"), 45, field, original, base + a, base + b));
        matchedAt.push(fz[0]);
      }
    }

    // Fetched content: a request-shaped paragraph inserted into an unrelated document.
    if (s.origin === "tool_output") {
      const ip = findInsertedParagraph(n.text);
      if (ip !== undefined) {
        const [a, b] = toOriginalSpan(n, ip.start, ip.end, original.length);
        out.push(finding(computed("inj.indirect.inserted-paragraph"), 35, field, original, base + a, base + b, ip.question ? "question" : "imperative"));
      }
    }

    // Hidden characters are findings of their own.
    if (n.zeroWidthInWord > 0) {
      const at = Math.max(0, n.firstHidden);
      out.push(finding(computed("inj.obfuscation.zero-width"), n.zeroWidthInWord >= 3 ? 35 : 20, field, original, base + at, base + Math.min(original.length, at + 40), `${n.zeroWidthInWord} inside words`));
    }
    if (n.bidi > 0) out.push(finding(computed("inj.obfuscation.bidi"), 25, field, original, base + Math.max(0, n.firstHidden), base + Math.min(original.length, Math.max(0, n.firstHidden) + 40), `${n.bidi} control characters`));
    if (n.mixedScriptWords > 0) out.push(finding(computed("inj.obfuscation.homoglyph"), n.mixedScriptWords >= 3 ? 30 : 20, field, original, base, base + Math.min(original.length, 80), `${n.mixedScriptWords} mixed-script words`));
    if (n.tagText.length >= 3) {
      const at = Math.max(0, n.firstHidden);
      out.push({ ...finding(computed("inj.obfuscation.unicode-tags"), 45, field, original, base + at, base + at + 2), evidence: { field, start: base + at, end: base + at + 2, excerpt: `hidden: ${excerpt(n.tagText, 0, n.tagText.length, 120)}` } });
      const tn = normalizeForMatch(n.tagText);
      runRules(rules, tn, original, base, field, out, plainHits, { kind: "unicode-tags", start: at, end: at + 2 });
    }

    // Decoded payloads: rescan; a rule that only matches after decoding also earns the obfuscation finding.
    const decoded = decodePayloads(original, n.text);
    let encodedHit: { kind: DecodeKind; start: number; end: number } | undefined;
    const seen = new Set(plainHits);
    for (const d of decoded) {
      const dn = normalizeForMatch(d.text);
      // Leetspeak/spacing spans are in normalized coordinates; map them back.
      const [a, b] = d.kind === "leetspeak" || d.kind === "spacing" || d.kind === "rot13" || d.kind === "reversed" ? toOriginalSpan(n, d.start, d.end, original.length) : [d.start, d.end];
      const got = runRules(rules, dn, original, base, field, out, seen, { kind: d.kind, start: a, end: b });
      for (const id of got) seen.add(id);
      if (got.size > 0 && encodedHit === undefined) encodedHit = { kind: d.kind, start: a, end: b };
    }
    if (encodedHit !== undefined) out.push(finding(computed("inj.obfuscation.encoded"), 25, field, original, base + encodedHit.start, base + encodedHit.end, encodedHit.kind));

    // Statistical model, strongest window.
    // A tool argument of one word (a model id such as "openai/gpt-5", a path, a token) is not prose
    // the model can judge: it learned from prompts.
    if (model !== undefined && n.text.length >= 8 && (s.origin !== "agent" || /\S\s+\S/.test(n.text))) {
      const { prob, start, end } = model.score(n.text, matchedAt);
      let score = 0;
      for (const band of model.bands) if (prob >= band.minProb && band.score > score) score = band.score;
      // The model learned from prompts, not from fetched documents: there only its top band counts,
      // and only as support for the rules.
      if (s.origin === "tool_output") score = prob >= (model.bands[model.bands.length - 1]?.minProb ?? 1) ? FETCHED_MODEL_CAP : 0;
      if (score > 0) {
        const [a, b] = toOriginalSpan(n, start, Math.min(end, start + 160), original.length);
        out.push({ ...finding(computed("inj.model.classifier"), score, field, original, base + a, base + b), message: `${computed("inj.model.classifier").message}: p=${prob.toFixed(3)}`, evidence: { field, start: base + a, end: base + b, excerpt: `p=${prob.toFixed(3)} ${excerpt(original, a, b, 120)}` } });
      }
    }

    let lowered: string | undefined;
    user.forEach(({ re: p, pre }, i) => {
      // Skip RE2 when a literal the pattern needs is absent (n.text is the lower-cased text for ASCII input).
      const lits = pre.all ?? (pre.literal === undefined ? [] : [pre.literal]);
      const hay = lits.length === 0 ? original : pre.caseInsensitive ? (n.map === undefined ? n.text : (lowered ??= original.toLowerCase())) : original;
      for (const lit of lits) if (!hay.includes(lit)) return;
      // Patterns translated to JS (src/detectors/common/regex.ts) run on the whole text. RE2JS is
      // slow on long texts: there it runs on overlapping chunks that contain every literal (a match
      // longer than the overlap in a text over 2 chunks can be missed).
      let m: readonly [number, number] | undefined;
      if (p.engine === "js" || original.length <= CHUNK * 2 || hay.length !== original.length) m = p.find(original);
      else {
        for (let cs = 0; cs < original.length && m === undefined; cs += CHUNK) {
          const ce = Math.min(original.length, cs + CHUNK + CHUNK_OVERLAP);
          const part = hay.slice(cs, ce);
          if (!lits.every((lit) => part.includes(lit))) continue;
          const got = p.find(original.slice(cs, ce));
          if (got !== undefined) m = [got[0] + cs, got[1] + cs];
        }
      }
      if (m) out.push({ ruleId: `inj.user.${i}`, category: "prompt-injection/user-rule", score: USER_INJECTION_PATTERN_SCORE, tag: "prompt_injection", message: `matched security.prompt_injection_patterns[${i}] \`${p.source}\`; remove or adjust that pattern if this is a false positive`, evidence: { field, start: base + m[0], end: base + m[1], excerpt: excerpt(original, m[0], m[1]) } });
    });
  };

  return {
    id: "injection",
    detect({ subjects }) {
      const out: Finding[] = [];
      for (const s of subjects) {
        if (s.kind !== "text") continue;
        const v = s.value;
        if (v.length <= maxScan) {
          scanPart(s, v, 0, out);
          continue;
        }
        // Oversized: scan head and tail, and say so.
        const half = Math.floor(maxScan / 2);
        scanPart(s, v.slice(0, half), 0, out);
        scanPart(s, v.slice(v.length - half), v.length - half, out);
        const o = computed("inj.oversized");
        out.push({ ruleId: o.id, category: `prompt-injection/${o.family}`, score: o.score, tag: "oversized_payload", message: `${o.message} (${v.length} characters, limit ${maxScan})`, evidence: { field: s.field, start: half, end: v.length - half, excerpt: "" } });
      }
      return out;
    },
  };
}
