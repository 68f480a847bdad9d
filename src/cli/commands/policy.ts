// `clawshield policy keygen|sign|verify, log verify, attest`. Registered by src/cli/main.ts.

import type { Command } from "commander";
import type { CliContext } from "../context.ts";

export function registerPolicyCommands(_program: Command, _ctx: CliContext): void {
  // Not registered until implemented.
}
