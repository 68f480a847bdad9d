// A snapshot of the ClawShield package for a Gateway to load as a plugin (package.json,
// openclaw.plugin.json, src/; node_modules linked), like /app in the container image.
//
// OpenClaw 2026.9.6 copies ("captures") a plugin's source graph before loading it and refuses the
// load ("Plugin source changed while preparing its reload") when a file changes meanwhile; a
// snapshot keeps edits in the working tree from failing a run. Name the folder `clawshield`:
// OpenClaw failed to load the very same files from a folder named `plugin-package`
// ("SyntaxError: Missing initializer in destructuring declaration"), while other names load.
import { cpSync, mkdirSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "./gateway.ts";

/** Copies the plugin package into `dir` (created) and returns `dir`. */
export function snapshotPluginPackage(dir: string): string {
  mkdirSync(dir, { recursive: true });
  for (const f of ["package.json", "openclaw.plugin.json"]) cpSync(join(REPO_ROOT, f), join(dir, f));
  cpSync(join(REPO_ROOT, "src"), join(dir, "src"), { recursive: true });
  symlinkSync(join(REPO_ROOT, "node_modules"), join(dir, "node_modules"), "dir");
  return dir;
}
