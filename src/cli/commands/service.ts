// `clawshield service install|uninstall|status (systemd)`. Registered by src/cli/main.ts.

import type { Command } from "commander";
import type { CliContext } from "../context.ts";

export function registerServiceCommand(_program: Command, _ctx: CliContext): void {
  // Not registered until implemented.
}
