// Binary-blind check of the command-risk detector, dev split only: every GTFOBins row is evaluated
// as written and again with its binary's name replaced by one no rule knows (`zqtool`). Rules that
// know a tool by name (nc -e, socat exec:, python -c) drop out; what still blocks was recognized by
// what the command does. The gap estimates how the detector does on tools nobody listed, such as
// the test split's unseen binaries or an attacker's renamed netcat. The test split is never read.
//
//   node scripts/eval/blind-commands.ts [--label malicious|review] [--errors N] [--corpora DIR]

import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { createEngine, loadConfig, parseAction } from "../../src/index.ts";

const { values } = parseArgs({
  options: {
    label: { type: "string", default: "malicious" },
    errors: { type: "string", default: "0" },
    corpora: { type: "string", default: path.resolve(import.meta.dirname, "..", "..", "..", "shared", "corpora") },
  },
});
const file = path.join(values.corpora, "commands", "gtfobins.jsonl");
if (!existsSync(file)) {
  console.log(`blind-commands: ${file} not found; skipping (the corpora live in ../shared/corpora).`);
  process.exit(0);
}
const dir = mkdtempSync(path.join(os.tmpdir(), "clawshield-blind-"));
const engine = await createEngine(loadConfig({ cwd: dir, env: {} }));
rmSync(dir, { recursive: true, force: true });

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
/** The binary's name as a command word or path tail, replaced by an unknown name. */
const blind = (cmd: string, bin: string): string => cmd.replace(new RegExp(`(^|[\\s/;|&('"\`])${escape(bin)}(?=$|[\\s;|&)'"\`])`, "g"), "$1zqtool");

interface Cell { n: number; blocked: number; blindBlocked: number; flagged: number; blindFlagged: number }
const cells = new Map<string, Cell>();
const flips: string[] = [];
const maxErrors = Number(values.errors);
for (const line of readFileSync(file, "utf8").split("\n")) {
  if (line.trim() === "") continue;
  const o = JSON.parse(line) as Record<string, unknown>;
  if (o.split !== "dev" || o.label !== values.label) continue;
  const cmd = String(o.command);
  const blinded = blind(cmd, String(o.binary));
  const d = engine.evaluate(parseAction({ tool: "exec", command: cmd }, { source: "blind" }));
  const b = engine.evaluate(parseAction({ tool: "exec", command: blinded }, { source: "blind" }));
  for (const key of [`${String(o.context)}/${String(o.category)}`, `${String(o.context)}/all`, "all"]) {
    const c = cells.get(key) ?? { n: 0, blocked: 0, blindBlocked: 0, flagged: 0, blindFlagged: 0 };
    c.n++;
    if (d.action === "block") c.blocked++;
    if (b.action === "block") c.blindBlocked++;
    if (d.action !== "allow") c.flagged++;
    if (b.action !== "allow") c.blindFlagged++;
    cells.set(key, c);
  }
  if (d.action === "block" && b.action !== "block" && flips.length < maxErrors) {
    flips.push(`block->${b.action} ${b.rawScore} [${b.findings.map((x) => `${x.ruleId}=${x.score}`).join(",")}] ${String(o.id)}: ${blinded.replace(/\s+/g, " ").slice(0, 200)}`);
  }
}
const pct = (x: number, n: number): string => `${((100 * x) / n).toFixed(1).padStart(5)}%`;
console.log(`GTFOBins dev, label ${values.label}: blocked / flagged as written and with the binary renamed`);
console.log(`${"context/category".padEnd(32)} ${"n".padStart(5)}  blocked  blind   flagged  blind`);
for (const [k, c] of [...cells.entries()].sort(([a], [b]) => (a === "all" ? 1 : b === "all" ? -1 : a.localeCompare(b)))) {
  console.log(`${k.padEnd(32)} ${String(c.n).padStart(5)}  ${pct(c.blocked, c.n)}  ${pct(c.blindBlocked, c.n)}  ${pct(c.flagged, c.n)}  ${pct(c.blindFlagged, c.n)}`);
}
for (const f of flips) console.log(`  ${f}`);
