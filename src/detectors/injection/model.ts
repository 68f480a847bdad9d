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

export interface ModelFile {
  readonly version: number;
  readonly dimBits: number;
  readonly bias: number;
  /** weight = int8 * scale */
  readonly scale: number;
  /** base64 of MODEL_DIM int8 weights */
  readonly weights: string;
  /** Probability cut-offs (chosen on dev by cross-validation) and the points each earns. */
  readonly bands: readonly { readonly minProb: number; readonly score: number }[];
  readonly trainedOn: string;
  readonly metrics?: Readonly<Record<string, unknown>>;
}

function isCjk(c: number): boolean {
  return (c >= 0x3040 && c <= 0x30ff) || (c >= 0x3400 && c <= 0x9fff) || (c >= 0xac00 && c <= 0xd7af) || (c >= 0xf900 && c <= 0xfaff);
}

function isWordChar(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x27 || (c >= 0xc0 && c < 0x2000 && c !== 0xd7 && c !== 0xf7);
}

/** Reusable feature extractor: collects the distinct hashed feature indices of a text window. */
export class FeatureExtractor {
  private readonly stamp = new Int32Array(MODEL_DIM);
  private epoch = 0;
  /** Distinct feature indices of the last call. */
  readonly out: Int32Array;
  constructor(maxFeatures = MODEL_WINDOW * 2 + 8) {
    this.out = new Int32Array(maxFeatures);
  }

  /** Fills `out` with distinct feature indices of text[start, end); returns their count. */
  extract(text: string, start: number, end: number): number {
    this.epoch++;
    if (this.epoch === 0x7fffffff) {
      this.stamp.fill(0);
      this.epoch = 1;
    }
    const ep = this.epoch;
    const mask = MODEL_DIM - 1;
    const out = this.out;
    const cap = out.length;
    let n = 0;
    const add = (h: number): void => {
      const idx = h & mask;
      if (this.stamp[idx] !== ep && n < cap) {
        this.stamp[idx] = ep;
        out[n++] = idx;
      }
    };
    let prev = 0x9e3779b1; // start-of-text marker
    let h = 0;
    let inWord = false;
    for (let i = start; i < end; i++) {
      const c = text.charCodeAt(i);
      if (isCjk(c)) {
        if (inWord) {
          add(h);
          add(Math.imul(prev ^ 0x5bd1e995, 0x01000193) ^ h);
          prev = h;
          inWord = false;
        }
        const ch = Math.imul(0x811c9dc5 ^ c, 0x01000193);
        add(ch);
        add(Math.imul(prev ^ 0x5bd1e995, 0x01000193) ^ ch);
        prev = ch;
      } else if (isWordChar(c)) {
        if (!inWord) {
          h = 0x811c9dc5;
          inWord = true;
        }
        h = Math.imul(h ^ c, 0x01000193);
      } else if (inWord) {
        add(h);
        add(Math.imul(prev ^ 0x5bd1e995, 0x01000193) ^ h);
        prev = h;
        inWord = false;
      }
    }
    if (inWord) {
      add(h);
      add(Math.imul(prev ^ 0x5bd1e995, 0x01000193) ^ h);
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
  /** Highest window probability of the normalized text, and where that window starts/ends. */
  score(text: string): { prob: number; start: number; end: number };
}

export function decodeWeights(file: ModelFile): Float32Array {
  const raw = Buffer.from(file.weights, "base64");
  if (raw.length !== 1 << file.dimBits) throw new Error(`model weights: expected ${1 << file.dimBits} bytes, got ${raw.length}`);
  const w = new Float32Array(raw.length);
  for (let i = 0; i < raw.length; i++) w[i] = ((raw[i] ?? 0) << 24 >> 24) * file.scale;
  return w;
}

/** Logit of one window from a float weight vector (shared by the detector and the trainer). */
export function windowLogit(fx: FeatureExtractor, w: Float32Array, bias: number, text: string, start: number, end: number): number {
  const n = fx.extract(text, start, end);
  if (n === 0) return bias;
  let s = 0;
  const out = fx.out;
  for (let i = 0; i < n; i++) s += w[out[i] ?? 0] ?? 0;
  return bias + s / Math.sqrt(n);
}

export function createModel(file: ModelFile): InjectionModel {
  if (file.dimBits !== MODEL_DIM_BITS) throw new Error(`model weights: dimBits ${file.dimBits} does not match ${MODEL_DIM_BITS}`);
  const w = decodeWeights(file);
  const fx = new FeatureExtractor();
  return {
    bands: file.bands,
    score(text: string) {
      let best = -Infinity;
      let bs = 0;
      let be = 0;
      forEachWindow(text.length, (s, e) => {
        const l = windowLogit(fx, w, file.bias, text, s, e);
        if (l > best) {
          best = l;
          bs = s;
          be = e;
        }
      });
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
