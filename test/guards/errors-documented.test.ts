// Every error code in src/errors.ts is documented in docs/errors.md, and nothing else is.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { it } from "node:test";
import { ErrorCode } from "../../src/errors.ts";

it("docs/errors.md lists exactly the codes of src/errors.ts", () => {
  const doc = readFileSync(path.join(import.meta.dirname, "../../docs/errors.md"), "utf8");
  const documented = new Set([...doc.matchAll(/`(CS_[A-Z_]+)`/g)].map((m) => m[1]));
  const codes = new Set(Object.values(ErrorCode));
  assert.deepEqual([...codes].filter((c) => !documented.has(c)), [], "codes missing from docs/errors.md");
  assert.deepEqual([...documented].filter((c) => !codes.has(c as never)), [], "documented codes that do not exist");
});
