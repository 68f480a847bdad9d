// A small statistical model next to the rules: logistic regression over hashed word unigrams and
// bigrams of the normalized text (CJK characters count as words). Trained on the corpora's `dev`
// split only by scripts/train-injection-model.ts; weights ship in model-weights.json (int8,
// base64). Long texts are scored in overlapping windows and the strongest window counts, so an
// injection buried in a long document is not diluted. Feature extraction is one linear pass with
// no per-token allocation.

import { readFileSync } from "node:fs";
import path from "node:path";

export const MODEL_DIM_BITS = 16;
export const MODEL_DIM = 1 << MODEL_DIM_BITS;
/** Window size and step (characters of normalized text). */
export const MODEL_WINDOW = 2048;
export const MODEL_STEP = 1536;
/** Texts with more windows than this are sampled (see InjectionModel.score). */
export const MODEL_FULL_WINDOWS = 32;

export interface ModelFile {
  readonly version: number;
  readonly dimBits: number;
  readonly bias: number;
  /** weight = int8 * scale */
  readonly scale: number;
  /** base64 of 2^dimBits int8 weights */
  readonly weights: string;
  /** Probability cut-offs (chosen on dev by cross-validation) and the points each earns. */
  readonly bands: readonly { readonly minProb: number; readonly score: number }[];
  readonly trainedOn: string;
  /** Feature set (version 2); absent = word uni/bigrams only. */
  readonly features?: FeatureConfig;
  readonly metrics?: Readonly<Record<string, unknown>>;
}

function isCjk(c: number): boolean {
  return (c >= 0x3040 && c <= 0x30ff) || (c >= 0x3400 && c <= 0x9fff) || (c >= 0xac00 && c <= 0xd7af) || (c >= 0xf900 && c <= 0xfaff);
}

function isWordChar(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x27 || (c >= 0xc0 && c < 0x2000 && c !== 0xd7 && c !== 0xf7);
}

/** Adds feature `idx` to out[0, n) unless already seen in this extraction (stamp === ep); returns the new count. */
function addFeature(stamp: Uint16Array, out: Int32Array, n: number, ep: number, idx: number): number {
  if (stamp[idx] === ep) return n;
  stamp[idx] = ep;
  out[n] = idx;
  return n + 1;
}

/** Which features a model uses (stored in the weights file). */
export interface FeatureConfig {
  /** Character n-grams inside words (with word-boundary markers), lengths charMin..charMax; 0 = off. */
  readonly charMin: number;
  readonly charMax: number;
}

export const WORD_FEATURES_ONLY: FeatureConfig = { charMin: 0, charMax: 0 };

/** Reusable feature extractor: collects the distinct hashed feature indices of a text window. */
export class FeatureExtractor {
  /** Epoch at which each feature was last added (16 bits keeps it in cache; wraps by refilling). */
  private readonly stamp: Uint16Array;
  private epoch = 0;
  private readonly mask: number;
  private readonly cfg: FeatureConfig;
  /** Distinct feature indices of the last call. */
  out: Int32Array;
  /** The current word with its boundary markers (character n-grams). */
  private word = new Uint16Array(256);
  constructor(dimBits = MODEL_DIM_BITS, cfg: FeatureConfig = WORD_FEATURES_ONLY, maxFeatures = MODEL_WINDOW * 2 + 8) {
    this.stamp = new Uint16Array(1 << dimBits);
    this.mask = (1 << dimBits) - 1;
    this.cfg = cfg;
    const perChar = cfg.charMax > 0 ? cfg.charMax - cfg.charMin + 1 : 0;
    this.out = new Int32Array(Math.max(maxFeatures, MODEL_WINDOW * (2 + perChar) + 8));
  }

  /** Fills `out` with distinct feature indices of text[start, end); returns their count. */
  extract(text: string, start: number, end: number): number {
    this.epoch++;
    if (this.epoch === 0x10000) {
      this.stamp.fill(0);
      this.epoch = 1;
    }
    const need = (end - start) * (2 + (this.cfg.charMax > 0 ? this.cfg.charMax - this.cfg.charMin + 1 : 0)) + 8;
    if (need > this.out.length) this.out = new Int32Array(need);
    // The hot loop of the injection detector: the count lives in a local and features are added by a
    // pure function V8 inlines (a closure over a mutable count was ~20 % of a prompt's evaluation).
    const ep = this.epoch;
    const mask = this.mask;
    const stamp = this.stamp;
    const out = this.out;
    const cMin = this.cfg.charMin;
    const cMax = this.cfg.charMax;
    let n = 0;
    let prev = 0x9e3779b1; // start-of-text marker
    let h = 0;
    let inWord = false;
    let ws = 0;
    for (let i = start; i <= end; i++) {
      const c = i < end ? text.charCodeAt(i) : -1;
      const cjk = c >= 0 && isCjk(c);
      if (c >= 0 && !cjk && isWordChar(c)) {
        if (!inWord) {
          h = 0x811c9dc5;
          inWord = true;
          ws = i;
        }
        h = Math.imul(h ^ c, 0x01000193);
        continue;
      }
      if (inWord) {
        // The word just ended: its unigram, the bigram with the previous word, its character n-grams.
        n = addFeature(stamp, out, n, ep, h & mask);
        n = addFeature(stamp, out, n, ep, (Math.imul(prev ^ 0x5bd1e995, 0x01000193) ^ h) & mask);
        if (cMax > 0) {
          // Character n-grams of text[ws, i) with boundary markers (a space before and after), read
          // from a copy of the word so the n-gram loop does not call charCodeAt per step.
          const len = i - ws + 2;
          const w = len <= this.word.length ? this.word : (this.word = new Uint16Array(len * 2));
          w[0] = 0x20;
          for (let p = ws; p < i; p++) w[p - ws + 1] = text.charCodeAt(p);
          w[len - 1] = 0x20;
          for (let a = 0; a < len; a++) {
            let g = 0x2545f491;
            const kEnd = Math.min(cMax, len - a);
            for (let k = 0; k < kEnd; k++) {
              g = Math.imul(g ^ w[a + k]!, 0x01000193);
              if (k + 1 >= cMin) n = addFeature(stamp, out, n, ep, (g ^ Math.imul(k, 0x9e3779b1)) & mask);
            }
          }
        }
        prev = h;
        inWord = false;
      }
      if (cjk) {
        const ch = Math.imul(0x811c9dc5 ^ c, 0x01000193);
        n = addFeature(stamp, out, n, ep, ch & mask);
        n = addFeature(stamp, out, n, ep, (Math.imul(prev ^ 0x5bd1e995, 0x01000193) ^ ch) & mask);
        prev = ch;
      }
    }
    return n;
  }
}

/** Splits [0, len) into overlapping windows; calls fn(start, end) for each. */
export function forEachWindow(len: number, fn: (start: number, end: number) => void): void {
  if (len <= MODEL_WINDOW) {
    fn(0, len);
    return;
  }
  for (let s = 0; ; s += MODEL_STEP) {
    const e = Math.min(len, s + MODEL_WINDOW);
    fn(s, e);
    if (e >= len) break;
  }
}

export interface InjectionModel {
  readonly bands: ModelFile["bands"];
  /**
   * Highest window probability of the normalized text, and where that window starts/ends. Texts of
   * up to MODEL_FULL_WINDOWS windows are scored entirely; longer ones in the windows that contain
   * one of `hints` (offsets where a rule matched) plus an even sample of MODEL_FULL_WINDOWS windows
   * (head and tail included), so the cost is bounded whatever the size.
   */
  score(text: string, hints?: readonly number[]): { prob: number; start: number; end: number };
}

/** The int8 weights as stored (weight = int8 * scale): 128 KiB at 17 bits, which stays in cache. */
export function decodeWeights(file: ModelFile): Int8Array {
  const raw = Buffer.from(file.weights, "base64");
  if (raw.length !== 1 << file.dimBits) throw new Error(`model weights: expected ${1 << file.dimBits} bytes, got ${raw.length}`);
  return new Int8Array(raw.buffer, raw.byteOffset, raw.length).slice();
}

/** Logit of one window: the features' int8 weights summed exactly, then scaled once. */
export function windowLogit(fx: FeatureExtractor, w: Int8Array, scale: number, bias: number, text: string, start: number, end: number): number {
  const n = fx.extract(text, start, end);
  if (n === 0) return bias;
  let s = 0;
  const out = fx.out;
  for (let i = 0; i < n; i++) s += w[out[i]!]!;
  return bias + (s * scale) / Math.sqrt(n);
}

export function createModel(file: ModelFile): InjectionModel {
  if (file.dimBits < 12 || file.dimBits > 20) throw new Error(`model weights: dimBits ${file.dimBits} out of range`);
  const w = decodeWeights(file);
  const fx = new FeatureExtractor(file.dimBits, file.features ?? WORD_FEATURES_ONLY);
  return {
    bands: file.bands,
    score(text: string, hints?: readonly number[]) {
      let best = -Infinity;
      let bs = 0;
      let be = 0;
      const one = (s: number, e: number): void => {
        const l = windowLogit(fx, w, file.scale, file.bias, text, s, e);
        if (l > best) {
          best = l;
          bs = s;
          be = e;
        }
      };
      const windows = text.length <= MODEL_WINDOW ? 1 : Math.ceil((text.length - MODEL_WINDOW) / MODEL_STEP) + 1;
      if (windows <= MODEL_FULL_WINDOWS) {
        forEachWindow(text.length, one);
      } else {
        const pick = new Set<number>();
        for (let k = 0; k < MODEL_FULL_WINDOWS; k++) pick.add(Math.round((k * (windows - 1)) / (MODEL_FULL_WINDOWS - 1)));
        for (const h of hints ?? []) {
          if (pick.size >= MODEL_FULL_WINDOWS * 2) break;
          pick.add(Math.min(windows - 1, Math.floor(h / MODEL_STEP)));
        }
        for (const k of pick) one(k * MODEL_STEP, Math.min(text.length, k * MODEL_STEP + MODEL_WINDOW));
      }
      return { prob: 1 / (1 + Math.exp(-best)), start: bs, end: be };
    },
  };
}

export const MODEL_WEIGHTS_PATH = path.join(import.meta.dirname, "model-weights.json");

/** Loads the shipped model; undefined when the weights file is absent (rules still run). */
export function loadShippedModel(file = MODEL_WEIGHTS_PATH): InjectionModel | undefined {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
  return createModel(JSON.parse(text) as ModelFile);
}
