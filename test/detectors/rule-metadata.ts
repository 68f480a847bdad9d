// Shared check of a detector's built-in rule list (command, path and secret rules share DetectorRule).
import assert from "node:assert/strict";
import type { DetectorRule } from "../../src/detectors/common/rule.ts";

/** Ids matching `id` (namespaced), unique; family, tag and a message longer than `minMessage` chars; integer score 0..100. */
export function assertRuleMetadata(rules: readonly DetectorRule[], id: RegExp, minMessage: number): void {
  const seen = new Set<string>();
  for (const r of rules) {
    assert.match(r.id, id);
    assert.ok(!seen.has(r.id), `duplicate ${r.id}`);
    seen.add(r.id);
    assert.ok(r.family.length > 0 && r.tag.length > 0 && r.message.length > minMessage, r.id);
    assert.ok(Number.isInteger(r.score) && r.score >= 0 && r.score <= 100, r.id);
  }
}
