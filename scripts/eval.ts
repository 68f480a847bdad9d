// Evaluation harness: runs the real engine (loadConfig defaults + createEngine + parseAction, the
// CLI's code path) over the shared corpora and reports, per file / label / category, how much is
// flagged (review or block) and blocked, the command confusion matrix, and throughput.
//
//   npm run eval [-- --split dev|test] [--only prompts|commands|urls] [--json report.json]
//                [--corpora DIR] [--errors N]   (--errors: print N misses per file, dev split only)
//
// Corpus rows are read at run time and never copied into the repo; the JSON report goes to
// reports/ (gitignored) unless --json says otherwise.

import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { createEngine, loadConfig, parseAction, type Decision, type Engine } from "../src/index.ts";

export const FAMILIES = ["prompts", "commands", "urls"] as const;
export type Family = (typeof FAMILIES)[number];
type Outcome = "allow" | "review" | "block";

const REPO_ROOT = path.resolve(import.meta.dirname, "..");
export const DEFAULT_CORPORA = path.resolve(REPO_ROOT, "..", "shared", "corpora");

/** Files whose text is fetched content (indirect injection), fed as a tool output. */
const TOOL_OUTPUT_FILES = new Set(["bipia_email_embedded.jsonl"]);

export interface Rates {
  n: number;
  flagged: number;
  blocked: number;
  flaggedPct: number;
  blockedPct: number;
}

export interface FileReport {
  family: Family;
  file: string;
  n: number;
  byLabel: Record<string, Rates>;
  byCategory: Record<string, Rates>; // key "label/category"
  /** commands only: confusion[label][outcome] */
  confusion?: Record<string, Record<Outcome, number>>;
  /** Rule ids that fired, with how many rows they fired on, per label. */
  rules: Record<string, Record<string, number>>;
}

export interface FamilyReport {
  family: Family;
  files: FileReport[];
  byLabel: Record<string, Rates>;
  confusion?: Record<string, Record<Outcome, number>>;
  evaluations: number;
  seconds: number;
  evalsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface EvalReport {
  split: string;
  corpora: string;
  generatedAt: string;
  node: string;
  families: FamilyReport[];
}

export interface EvalOptions {
  corpora: string;
  split: string;
  only?: Family | undefined;
  /** Print up to N misclassified rows per file (dev split only). */
  errors?: number;
  log?: (line: string) => void;
}

interface Row {
  id: string;
  label: string;
  category: string;
  payload: Record<string, unknown>;
  preview: string;
}

function counter(): { n: number; flagged: number; blocked: number } {
  return { n: 0, flagged: 0, blocked: 0 };
}

function rates(c: { n: number; flagged: number; blocked: number }): Rates {
  const pct = (x: number): number => (c.n === 0 ? 0 : Math.round((1000 * x) / c.n) / 10);
  return { n: c.n, flagged: c.flagged, blocked: c.blocked, flaggedPct: pct(c.flagged), blockedPct: pct(c.blocked) };
}

function readRows(family: Family, file: string, split: string): Row[] {
  const out: Row[] = [];
  const text = readFileSync(file, "utf8");
  const base = path.basename(file);
  let lineNo = 0;
  for (const line of text.split("\n")) {
    lineNo++;
    if (line.trim() === "") continue;
    let o: Record<string, unknown>;
    try {
      o = JSON.parse(line) as Record<string, unknown>;
    } catch (e) {
      throw new Error(`${file}:${lineNo}: not JSON: ${(e as Error).message}`);
    }
    if (o.split !== split) continue;
    const label = String(o.label ?? "unknown");
    const category = String(o.category ?? "-");
    const id = String(o.id ?? `${base}:${lineNo}`);
    let payload: Record<string, unknown>;
    let preview: string;
    if (family === "prompts") {
      const t = String(o.text ?? "");
      payload = TOOL_OUTPUT_FILES.has(base) ? { toolOutput: t } : { text: t };
      preview = t;
    } else if (family === "commands") {
      const c = String(o.command ?? "");
      payload = { tool: "exec", command: c };
      preview = c;
    } else {
      const u = String(o.url ?? "");
      payload = { url: u };
      preview = u;
    }
    out.push({ id, label, category, payload, preview });
  }
  return out;
}

/** A row counts as an error when an attack is allowed or a benign row is flagged. */
function isError(family: Family, label: string, outcome: Outcome): boolean {
  if (label === "benign") return outcome !== "allow";
  if (family === "commands" && label === "review") return outcome === "allow";
  return outcome === "allow";
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  const i = Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length));
  return sorted[i] ?? 0;
}

async function buildEngine(): Promise<Engine> {
  // Default settings: an empty cwd and env so a local clawshield.toml or CLAWSHIELD_* variables do not interfere.
  const dir = mkdtempSync(path.join(os.tmpdir(), "clawshield-eval-"));
  try {
    const cfg = loadConfig({ cwd: dir, env: {} });
    return await createEngine(cfg);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs the evaluation. Returns undefined when the corpora folder is absent. */
export async function runEval(opts: EvalOptions): Promise<EvalReport | undefined> {
  const log = opts.log ?? ((l: string) => console.log(l));
  if (!existsSync(opts.corpora)) return undefined;
  const engine = await buildEngine();
  const families: FamilyReport[] = [];
  for (const family of FAMILIES) {
    if (opts.only !== undefined && opts.only !== family) continue;
    const dir = path.join(opts.corpora, family);
    if (!existsSync(dir)) continue;
    const files = readdirSync(dir).filter((f) => f.endsWith(".jsonl")).sort();
    const famFiles: FileReport[] = [];
    const famLabel = new Map<string, ReturnType<typeof counter>>();
    const famConf: Record<string, Record<Outcome, number>> = {};
    const latencies: number[] = [];
    let seconds = 0;
    for (const f of files) {
      const rows = readRows(family, path.join(dir, f), opts.split);
      if (rows.length === 0) continue;
      const byLabel = new Map<string, ReturnType<typeof counter>>();
      const byCat = new Map<string, ReturnType<typeof counter>>();
      const conf: Record<string, Record<Outcome, number>> = {};
      const rules: Record<string, Record<string, number>> = {};
      const errors: string[] = [];
      for (const row of rows) {
        const t0 = performance.now();
        const action = parseAction(row.payload, { source: "eval" });
        const d: Decision = engine.evaluate(action);
        const dt = performance.now() - t0;
        latencies.push(dt);
        seconds += dt / 1000;
        const outcome = d.action;
        const flagged = outcome !== "allow";
        const blocked = outcome === "block";
        for (const [m, k] of [
          [byLabel, row.label],
          [byCat, `${row.label}/${row.category}`],
          [famLabel, row.label],
        ] as const) {
          const c = m.get(k) ?? counter();
          c.n++;
          if (flagged) c.flagged++;
          if (blocked) c.blocked++;
          m.set(k, c);
        }
        if (family === "commands") {
          for (const cm of [conf, famConf]) {
            const r = (cm[row.label] ??= { allow: 0, review: 0, block: 0 });
            r[outcome]++;
          }
        }
        const seen = new Set<string>();
        for (const fd of d.findings) {
          if (seen.has(fd.ruleId)) continue;
          seen.add(fd.ruleId);
          const r = (rules[row.label] ??= {});
          r[fd.ruleId] = (r[fd.ruleId] ?? 0) + 1;
        }
        if ((opts.errors ?? 0) > 0 && errors.length < (opts.errors ?? 0) && isError(family, row.label, outcome)) {
          const why = d.findings.map((x) => `${x.ruleId}=${x.score}`).join(",");
          errors.push(`    ${row.label}->${outcome} ${d.rawScore} [${why}] ${row.id}: ${row.preview.replace(/\s+/g, " ").slice(0, 220)}`);
        }
      }
      const rep: FileReport = {
        family,
        file: `${family}/${f}`,
        n: rows.length,
        byLabel: Object.fromEntries([...byLabel].map(([k, v]) => [k, rates(v)])),
        byCategory: Object.fromEntries([...byCat].sort().map(([k, v]) => [k, rates(v)])),
        rules: Object.fromEntries(Object.entries(rules).map(([l, r]) => [l, Object.fromEntries(Object.entries(r).sort((a, b) => b[1] - a[1]))])),
        ...(family === "commands" ? { confusion: conf } : {}),
      };
      famFiles.push(rep);
      printFile(rep, log);
      for (const e of errors) log(e);
    }
    const sorted = Float64Array.from(latencies).sort();
    const evaluations = latencies.length;
    const fr: FamilyReport = {
      family,
      files: famFiles,
      byLabel: Object.fromEntries([...famLabel].map(([k, v]) => [k, rates(v)])),
      ...(family === "commands" ? { confusion: famConf } : {}),
      evaluations,
      seconds: Math.round(seconds * 1000) / 1000,
      evalsPerSecond: seconds > 0 ? Math.round(evaluations / seconds) : 0,
      p50Ms: round3(percentile(sorted, 50)),
      p99Ms: round3(percentile(sorted, 99)),
      maxMs: round3(sorted[sorted.length - 1] ?? 0),
    };
    families.push(fr);
    printFamily(fr, log);
  }
  return { split: opts.split, corpora: opts.corpora, generatedAt: new Date().toISOString(), node: process.version, families };
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

function fmtRates(r: Rates): string {
  return `n=${String(r.n).padStart(5)}  flagged ${r.flaggedPct.toFixed(1).padStart(5)}%  blocked ${r.blockedPct.toFixed(1).padStart(5)}%`;
}

function printConfusion(conf: Record<string, Record<Outcome, number>>, log: (l: string) => void, indent: string): void {
  log(`${indent}${"label \\ decision".padEnd(18)}${"allow".padStart(8)}${"review".padStart(8)}${"block".padStart(8)}`);
  for (const label of ["benign", "review", "malicious"]) {
    const r = conf[label];
    if (r === undefined) continue;
    log(`${indent}${label.padEnd(18)}${String(r.allow).padStart(8)}${String(r.review).padStart(8)}${String(r.block).padStart(8)}`);
  }
}

function printFile(rep: FileReport, log: (l: string) => void): void {
  log(`${rep.file} (${rep.n} rows)`);
  for (const [label, r] of Object.entries(rep.byLabel)) log(`  ${label.padEnd(58)} ${fmtRates(r)}`);
  if (rep.family !== "urls") {
    const cats = Object.entries(rep.byCategory);
    if (cats.length > Object.keys(rep.byLabel).length) for (const [k, r] of cats) log(`    ${k.padEnd(56)} ${fmtRates(r)}`);
  }
  if (rep.confusion) printConfusion(rep.confusion, log, "    ");
}

function printFamily(fr: FamilyReport, log: (l: string) => void): void {
  log(`== ${fr.family} total`);
  for (const [label, r] of Object.entries(fr.byLabel)) log(`  ${label.padEnd(58)} ${fmtRates(r)}`);
  if (fr.confusion) printConfusion(fr.confusion, log, "    ");
  log(`  throughput: ${fr.evaluations} evaluations in ${fr.seconds.toFixed(2)} s = ${fr.evalsPerSecond} evals/s (p50 ${fr.p50Ms} ms, p99 ${fr.p99Ms} ms, max ${fr.maxMs} ms)`);
  log("");
}

export async function main(argv: readonly string[], env: Readonly<Record<string, string | undefined>> = process.env, log: (l: string) => void = (l) => console.log(l)): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      split: { type: "string", default: "test" },
      only: { type: "string" },
      json: { type: "string" },
      corpora: { type: "string" },
      errors: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    allowPositionals: false,
  });
  if (values.help === true) {
    log("usage: npm run eval -- [--split dev|test] [--only prompts|commands|urls] [--json report.json] [--corpora DIR] [--errors N (dev only)]");
    return 0;
  }
  const split = values.split ?? "test";
  if (split !== "dev" && split !== "test") {
    log(`--split must be dev or test, got ${split}`);
    return 2;
  }
  if (values.only !== undefined && !(FAMILIES as readonly string[]).includes(values.only)) {
    log(`--only must be one of ${FAMILIES.join(", ")}, got ${values.only}`);
    return 2;
  }
  const errors = values.errors === undefined ? 0 : Number(values.errors);
  if (errors > 0 && split !== "dev") {
    log("--errors is only available on the dev split (tune on dev, report on test)");
    return 2;
  }
  const corpora = path.resolve(values.corpora ?? env.CLAWSHIELD_CORPORA ?? DEFAULT_CORPORA);
  if (!existsSync(corpora)) {
    log(`eval: corpora folder not found at ${corpora}; nothing to evaluate (set --corpora or CLAWSHIELD_CORPORA). Skipping.`);
    return 0;
  }
  log(`eval: split=${split} corpora=${corpora}`);
  const report = await runEval({ corpora, split, only: values.only as Family | undefined, errors, log });
  if (report === undefined) return 0;
  const out = path.resolve(values.json ?? path.join(REPO_ROOT, "reports", `eval-${split}.json`));
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
  log(`report written to ${out}`);
  return 0;
}

if (import.meta.main) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      console.error(e);
      process.exitCode = 1;
    },
  );
}
