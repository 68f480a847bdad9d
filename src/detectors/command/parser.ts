// Shell parser loading (web-tree-sitter + tree-sitter-bash). Loading is async (WASM); it happens
// once at engine creation, so detection itself stays synchronous.

/** A loaded shell parser; `undefined` until the tree-sitter work lands. */
export type ShellParser = unknown;

/** Loads the bash grammar once per process. */
export async function loadShellParser(): Promise<ShellParser> {
  return undefined;
}
