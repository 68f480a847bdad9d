// Grouped cross-validation of the command-risk detector on the dev split only.
//
// Dev rows are put in K folds by their group (GTFOBins binary, PayloadsAllTheThings section, tldr
// page; otherwise the row id), so one binary's snippets never straddle folds. Report per fold and
// file/label: blocked% and flagged% (review or block). With `--holdout k` misses are printed only
// for the other folds (tune by looking at those; the held-out fold estimates how the rules do on
// binaries never looked at). The test split is never read.
//
//   node scripts/eval/cv-commands.ts [--folds 5] [--holdout 4] [--errors N] [--file gtfobins]
//                                    [--corpora DIR]

import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { createEngine, loadConfig, parseAction } from "../../src/index.ts";

const { values } = parseArgs({
  options: {
    folds: { type: "string", default: "5" },
    holdout: { type: "string" },
    errors: { type: "string", default: "0" },
    file: { type: "string" },
    label: { type: "string" },
    corpora: { type: "string", default: path.resolve(import.meta.dirname, "..", "..", "..", "shared", "corpora") },
  },
});
const K = Number(values.folds);
const holdout = values.holdout === undefined ? undefined : Number(values.holdout);
const maxErrors = Number(values.errors);

const fold = (key: string): number => parseInt(createHash("sha256").update(`clawshield-cmd-cv-v1:${key}`).digest("hex").slice(0, 8), 16) % K;

const dir = mkdtempSync(path.join(os.tmpdir(), "clawshield-cv-"));
const engine = await createEngine(loadConfig({ cwd: dir, env: {} }));
rmSync(dir, { recursive: true, force: true });

interface Cell { n: number; flagged: number; blocked: number }
const cells = new Map<string, Cell>();
const add = (k: string, flagged: boolean, blocked: boolean): void => {
  const c = cells.get(k) ?? { n: 0, flagged: 0, blocked: 0 };
  c.n++;
  if (flagged) c.flagged++;
  if (blocked) c.blocked++;
  cells.set(k, c);
};
const errors: string[] = [];
const cdir = path.join(values.corpora, "commands");
const files = readdirSync(cdir).filter((f) => f.endsWith(".jsonl")).sort();
for (const f of files) {
  if (values.file !== undefined && !f.includes(values.file)) continue;
  const short = f.replace(/\.jsonl$/, "").replace(/_.*$/, "");
  for (const line of readFileSync(path.join(cdir, f), "utf8").split("\n")) {
    if (line.trim() === "") continue;
    const o = JSON.parse(line) as Record<string, unknown>;
    if (o.split !== "dev") continue;
    const label = String(o.label);
    const key = String(o.group ?? o.id);
    const k = fold(key);
    const d = engine.evaluate(parseAction({ tool: "exec", command: String(o.command) }, { source: "cv" }));
    const flagged = d.action !== "allow";
    const blocked = d.action === "block";
    add(`${short}\t${label}\t${k}`, flagged, blocked);
    add(`${short}\t${label}\tall`, flagged, blocked);
    const miss = label === "malicious" ? !blocked : label === "benign" ? flagged : !flagged;
    if (miss && k !== holdout && errors.length < maxErrors && (values.label === undefined || values.label === label)) {
      errors.push(`${label}->${d.action} ${d.rawScore} [${d.findings.map((x) => `${x.ruleId}=${x.score}`).join(",")}] ${key} ${String(o.category)}: ${String(o.command).replace(/\s+/g, " ").slice(0, 240)}`);
    }
  }
}
const pct = (x: number, n: number): string => (n === 0 ? "   -  " : `${((100 * x) / n).toFixed(1).padStart(5)}%`);
const foldNames = [...Array.from({ length: K }, (_, i) => String(i)), "all"];
console.log(`grouped ${K}-fold CV on dev${holdout !== undefined ? `, held-out fold ${holdout} (its misses are not printed)` : ""}; cells: blocked% / flagged%`);
console.log(["file", "label", ...foldNames.map((f) => (f === String(holdout) ? `*${f}*` : f).padStart(16))].join("\t"));
const keys = new Set([...cells.keys()].map((k) => k.split("\t").slice(0, 2).join("\t")));
for (const fl of [...keys].sort()) {
  const row = foldNames.map((fn) => {
    const c = cells.get(`${fl}\t${fn}`);
    return c === undefined ? "               -" : `${pct(c.blocked, c.n)}/${pct(c.flagged, c.n)} n${c.n}`.padStart(16);
  });
  console.log(`${fl}\t${row.join("\t")}`);
}
for (const e of errors) console.log(`  ${e}`);
