// Shell parser loading (web-tree-sitter + tree-sitter-bash, WASM only: the native binding is not
// built). Loading is async; it happens once per process at engine creation, so detection itself
// stays synchronous. The parser object is reused for every command (no per-call allocation of
// the WASM module); trees are deleted right after the walk.

import { createRequire } from "node:module";
import { Language, Parser, type Tree } from "web-tree-sitter";

/** A loaded, reusable bash parser. `parse` never throws: it returns undefined on failure. */
export interface ShellParser {
  /**
   * Parses `text`; undefined when the parser failed or ran past `budgetMs` (a safety net for
   * grammar corner cases that parse in super-linear time; callers then tokenize instead).
   */
  parse(text: string, budgetMs?: number): Tree | undefined;
}

/** Default per-parse time budget (ms). Ordinary commands parse in well under 1 ms. */
export const PARSE_BUDGET_MS = 15;

let loading: Promise<ShellParser> | undefined;

/** Loads the bash grammar once per process (later calls share the same parser). */
export function loadShellParser(): Promise<ShellParser> {
  loading ??= load();
  return loading;
}

async function load(): Promise<ShellParser> {
  const require = createRequire(import.meta.url);
  await Parser.init();
  const lang = await Language.load(require.resolve("tree-sitter-bash/tree-sitter-bash.wasm"));
  const parser = new Parser();
  parser.setLanguage(lang);
  return {
    parse(text: string, budgetMs = PARSE_BUDGET_MS): Tree | undefined {
      try {
        const deadline = performance.now() + budgetMs;
        return parser.parse(text, null, { progressCallback: () => performance.now() > deadline }) ?? undefined;
      } catch {
        // A WASM failure (e.g. out of memory on a pathological input) must not turn into an
        // exception in the detector: the caller falls back to tokenizing.
        parser.reset();
        return undefined;
      }
    },
  };
}
