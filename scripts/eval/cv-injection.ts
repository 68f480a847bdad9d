// Honest estimate of the prompt-injection detector on unseen data, from the dev split only:
// grouped 5-fold cross-validation (fold key = the corpus `group`, else the row id, as the corpora's
// own split rule). For each fold the model is retrained on the other folds' dev rows (its bands by an
// inner cross-validation), and the whole engine (rules + that model + the other detectors, default
// config) decides the held-out rows. Prints flagged/blocked per file and label, pooled over folds.
// The test split is never read.
//
//   node scripts/eval/cv-injection.ts [--errors N] [--no-model] [--file NAME] [training flags, see train-injection-model.ts]

import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { createInjectionDetector } from "../../src/detectors/injection/detect.ts";
import { createModel } from "../../src/detectors/injection/model.ts";
import { createDefaultDetectors } from "../../src/detectors/index.ts";
import { createEngine } from "../../src/engine/engine.ts";
import { parseAction } from "../../src/engine/action.ts";
import { loadConfig } from "../../src/config/load.ts";
import { DEFAULT_CORPORA, foldOf, loadDevRows, trainModelFile, trainOptionsFrom, TRAIN_FLAGS } from "../train-injection-model.ts";

const TOOL_OUTPUT_FILES = new Set(["bipia_email_embedded"]);

const { values } = parseArgs({ options: { corpora: { type: "string" }, errors: { type: "string" }, "no-model": { type: "boolean" }, file: { type: "string" }, folds: { type: "string" }, ...TRAIN_FLAGS } });
const corpora = path.resolve(values.corpora ?? process.env.CLAWSHIELD_CORPORA ?? DEFAULT_CORPORA);
const opts = trainOptionsFrom(values);
const K = Number(values.folds ?? 5);
const rows = loadDevRows(corpora);
const dir = mkdtempSync(path.join(os.tmpdir(), "cs-cv-"));
const config = loadConfig({ cwd: dir, env: {} });
rmSync(dir, { recursive: true, force: true });
const others = (await createDefaultDetectors(config)).filter((d) => d.id !== "injection");

const stats = new Map<string, { n: number; flagged: number; blocked: number }>();
const errors: string[] = [];
const maxErr = Number(values.errors ?? 0);
for (let k = 0; k < K; k++) {
  const train = rows.filter((r) => foldOf(r.key, K) !== k);
  const held = rows.filter((r) => foldOf(r.key, K) === k);
  const model = values["no-model"] === true ? null : createModel(trainModelFile(train, opts));
  const engine = createEngine({ config, detectors: [createInjectionDetector(config.security, { model }), ...others], version: "cv" });
  for (const r of held) {
    const action = parseAction(TOOL_OUTPUT_FILES.has(r.file) ? { toolOutput: r.text } : { text: r.text }, { source: "cv" });
    const d = engine.evaluate(action);
    for (const key of [`${r.file}:${r.label}`, `${r.file}:${r.label}/${r.category}`]) {
      const c = stats.get(key) ?? { n: 0, flagged: 0, blocked: 0 };
      c.n++;
      if (d.action !== "allow") c.flagged++;
      if (d.action === "block") c.blocked++;
      stats.set(key, c);
    }
    const wrong = (r.label === "benign") === (d.action !== "allow");
    if (wrong && errors.length < maxErr * 20 && (values.file === undefined || r.file === values.file)) {
      errors.push(`${r.file} ${r.label}->${d.action} ${d.rawScore} [${d.findings.map((f) => `${f.ruleId}=${f.score}`).join(",")}] ${r.id}: ${r.text.replace(/\s+/g, " ").slice(0, 300)}`);
    }
  }
}
console.log(`grouped ${K}-fold CV on dev (${rows.length} rows), model ${values["no-model"] === true ? "off" : JSON.stringify(opts)}`);
for (const [k, c] of [...stats].sort()) {
  if (k.includes("/") && !k.includes("notinject") && !k.includes("piguard_valid")) continue;
  console.log(`  ${k.padEnd(70)} n=${String(c.n).padStart(4)} flagged ${((100 * c.flagged) / c.n).toFixed(1).padStart(5)}%  blocked ${((100 * c.blocked) / c.n).toFixed(1).padStart(5)}%`);
}
const perFile = new Map<string, number>();
for (const e of errors) {
  const f = e.split(" ")[0] ?? "";
  if ((perFile.get(f) ?? 0) >= maxErr) continue;
  perFile.set(f, (perFile.get(f) ?? 0) + 1);
  console.log(e);
}
