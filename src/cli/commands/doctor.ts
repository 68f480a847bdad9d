// `clawshield doctor: checks a running Gateway's enforcement settings`. Registered by src/cli/main.ts.

import type { Command } from "commander";
import type { CliContext } from "../context.ts";

export function registerDoctorCommand(_program: Command, _ctx: CliContext): void {
  // Not registered until implemented.
}
