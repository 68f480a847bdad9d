// The architecture, checked: the engine is pure (no Node I/O, no shells), detectors import only the
// engine's types and helpers, and importing a module starts nothing.
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { it } from "node:test";

const SRC = path.join(import.meta.dirname, "../../src");

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    return statSync(p).isDirectory() ? files(p) : p.endsWith(".ts") ? [p] : [];
  });
}

function imports(file: string): string[] {
  const text = readFileSync(file, "utf8");
  return [...text.matchAll(/^\s*(?:import|export)[^'"]*?from\s+["']([^"']+)["']/gm)].map((m) => m[1]!).concat([...text.matchAll(/import\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]!));
}

const IO_MODULES = /^(?:node:)?(?:fs|fs\/promises|net|http|https|child_process|sqlite|dgram|tls|worker_threads)$/;

it("src/engine imports no Node I/O module and no shell", () => {
  for (const f of files(path.join(SRC, "engine"))) {
    for (const spec of imports(f)) {
      assert.doesNotMatch(spec, IO_MODULES, `${path.relative(SRC, f)} imports ${spec}`);
      assert.doesNotMatch(spec, /\/(?:cli|gateway|plugin|server|store|lookups|defender|detectors)\//, `${path.relative(SRC, f)} imports ${spec}`);
    }
  }
});

it("detectors import no shell, store or lookup module", () => {
  for (const f of files(path.join(SRC, "detectors"))) {
    for (const spec of imports(f)) {
      assert.doesNotMatch(spec, /\/(?:cli|gateway|plugin|server|store|lookups|defender)\//, `${path.relative(SRC, f)} imports ${spec}`);
    }
  }
});

it("shells never import each other", () => {
  const shells = ["cli", "gateway", "plugin", "server"];
  for (const shell of shells) {
    let dir: string;
    try {
      dir = path.join(SRC, shell);
      statSync(dir);
    } catch {
      continue;
    }
    for (const f of files(dir)) {
      for (const spec of imports(f)) {
        for (const other of shells.filter((s) => s !== shell && !(shell === "cli"))) {
          assert.doesNotMatch(spec, new RegExp(`^\\.\\.?/(?:\\.\\./)*${other}/`), `${path.relative(SRC, f)} imports ${spec}`);
        }
      }
    }
  }
});
