// `clawshield start (the Gateway sidecar + HTTP server) and replay <frames.jsonl>`. Registered by src/cli/main.ts.

import type { Command } from "commander";
import type { CliContext } from "../context.ts";

export function registerSidecarCommands(_program: Command, _ctx: CliContext): void {
  // Not registered until implemented.
}
