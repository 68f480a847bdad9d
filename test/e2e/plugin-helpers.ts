/**
 * Helpers for the plugin end-to-end tests (wrapping the shared harness in ./harness, not changing it).
 *
 * OpenClaw 2026.9.6 copies ("captures") a plugin's source graph before loading it and refuses the load
 * with "Plugin source changed while preparing its reload" when a captured file changes meanwhile.
 * In a tree where other work edits src/ concurrently that makes a gateway start flaky, so by default
 * the tests load a snapshot of the package (package.json, openclaw.plugin.json, src/, and a symlink to
 * node_modules) taken once per file. Set CLAWSHIELD_E2E_PLUGIN_DIR=repo to load the repository root
 * itself (what an operator's plugins.load.paths points at), or to any other plugin folder.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO_ROOT, snapshotPluginPackage, startGateway } from "./harness/index.ts";
import type { GatewayHandle, StartGatewayOptions } from "./harness/index.ts";

export interface PluginDir {
  readonly dir: string;
  cleanup(): void;
}

/** The plugin folder to load: a snapshot of the package (default) or the repo root. */
export function pluginDir(): PluginDir {
  const env = process.env.CLAWSHIELD_E2E_PLUGIN_DIR;
  if (env === "repo") return { dir: REPO_ROOT, cleanup() {} };
  if (env !== undefined && env !== "") return { dir: env, cleanup() {} };
  const root = mkdtempSync(join(tmpdir(), "clawshield-plugin-pkg-"));
  const dir = snapshotPluginPackage(join(root, "clawshield"));
  return {
    dir,
    cleanup() {
      rmSync(root, { recursive: true, force: true });
    },
  };
}

const LOAD_FAILED = /clawshield failed during load[^\n]*/;
const LOADED = /\[clawshield\] config loaded/;

/**
 * startGateway + a check that the ClawShield plugin really loaded (its "config loaded" log line).
 * A load refused because the source changed during capture is retried with a restart (bounded).
 */
export async function startGatewayWithPlugin(opts: StartGatewayOptions, attempts = 3): Promise<GatewayHandle> {
  const gw = await startGateway(opts);
  let since = 0;
  for (let i = 1; ; i++) {
    const logNow = (): string => gw.readLog().slice(since);
    if (!LOADED.test(logNow()) && !LOAD_FAILED.test(logNow())) {
      // The plugin logs once its register ran; wait (bounded) for that or for the load failure.
      await gw.waitForLog(new RegExp(`${LOADED.source}|${LOAD_FAILED.source}`), 20_000, since).catch(() => undefined);
    }
    const log = logNow();
    if (LOADED.test(log) && !LOAD_FAILED.test(log)) return gw;
    if (i >= attempts || !/Plugin source changed/.test(log)) {
      const lines = log.split("\n").filter((l) => /clawshield|plugin/i.test(l)).slice(-20).join("\n");
      await gw.stop();
      throw new Error(`ClawShield plugin did not load (attempt ${i}):\n${lines}`);
    }
    since = gw.logOffset();
    await gw.restart();
  }
}

export function exists(p: string): boolean {
  return existsSync(p);
}

/** The plugin's quarantine records (one JSON file per blocked action) in `dir`, as text. */
export function quarantineRecords(dir: string): { file: string; text: string }[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.startsWith("blocked-") && f.endsWith(".json"))
    .map((f) => ({ file: f, text: readFileSync(join(dir, f), "utf8") }));
}
