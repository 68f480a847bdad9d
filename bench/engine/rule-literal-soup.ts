// The worst text found for the injection rules, shared by the scaling suite and
// scripts/eval/bench-injection.ts: every rule's gate and start literals in a pseudo-random order, so
// that every rule's prefilter passes in every chunk and near-matches are everywhere (README
// "Detection quality", speed).

import { startLiterals } from "../../src/detectors/injection/anchors.ts";
import { INJECTION_RULES } from "../../src/detectors/injection/rules.ts";

/** `bytes` characters of rule literals, each followed by `sep(rnd)`; deterministic for a seed. */
export function ruleLiteralSoup(bytes: number, sep: (rnd: () => number) => string, seed = 7): string {
  const lits = [...new Set(INJECTION_RULES.flatMap((r) => [...(r.gate ?? []).flat(), ...(startLiterals(r.pattern) ?? [])]))];
  let s = seed;
  const rnd = (): number => (s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  const parts: string[] = [];
  for (let len = 0; len < bytes; ) {
    const p = lits[Math.floor(rnd() * lits.length)]! + sep(rnd);
    parts.push(p);
    len += p.length;
  }
  return parts.join("").slice(0, bytes);
}
