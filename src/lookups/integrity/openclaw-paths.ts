// Where an OpenClaw install keeps what matters, resolved the way OpenClaw itself does
// (OPENCLAW_STATE_DIR, OPENCLAW_CONFIG_PATH, OPENCLAW_WORKSPACE_DIR, OPENCLAW_HOME, ~/.openclaw).

import os from "node:os";
import path from "node:path";
import type { ResolvedConfig } from "../../config/schema.ts";

export interface OpenClawPaths {
  readonly stateDir: string;
  readonly configPath: string;
  readonly workspaceDir: string;
  readonly execApprovalsPath: string;
}

export type Env = Readonly<Record<string, string | undefined>>;

function expandHome(p: string, home: string): string {
  return p === "~" ? home : p.startsWith("~/") ? path.join(home, p.slice(2)) : p;
}

export function resolveOpenClawPaths(config: Pick<ResolvedConfig, "integrity">, env: Env = process.env, homedir: () => string = os.homedir): OpenClawPaths {
  const home = env.OPENCLAW_HOME?.trim() ? path.resolve(expandHome(env.OPENCLAW_HOME.trim(), homedir())) : homedir();
  const i = config.integrity;
  const stateDir = i.openclaw_state_dir ?? (env.OPENCLAW_STATE_DIR?.trim() ? path.resolve(expandHome(env.OPENCLAW_STATE_DIR.trim(), home)) : path.join(home, ".openclaw"));
  const configPath = i.openclaw_config_path ?? (env.OPENCLAW_CONFIG_PATH?.trim() ? path.resolve(expandHome(env.OPENCLAW_CONFIG_PATH.trim(), home)) : path.join(stateDir, "openclaw.json"));
  const workspaceDir = i.openclaw_workspace_dir ?? (env.OPENCLAW_WORKSPACE_DIR?.trim() ? path.resolve(expandHome(env.OPENCLAW_WORKSPACE_DIR.trim(), home)) : path.join(stateDir, "workspace"));
  return { stateDir, configPath, workspaceDir, execApprovalsPath: path.join(stateDir, "exec-approvals.json") };
}
