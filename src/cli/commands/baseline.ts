// `clawshield baseline create|verify|accept (host integrity)`. Registered by src/cli/main.ts.

import type { Command } from "commander";
import type { CliContext } from "../context.ts";

export function registerBaselineCommand(_program: Command, _ctx: CliContext): void {
  // Not registered until implemented.
}
