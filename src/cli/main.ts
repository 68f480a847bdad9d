#!/usr/bin/env node
// The `clawshield` command. Each command lives in src/cli/commands/; this file only wires them and
// turns errors into the documented exit codes (2 for usage/config/input errors, 1 for bugs).

import { Command, CommanderError } from "commander";
import { isClawShieldError } from "../errors.ts";
import { VERSION } from "../version.ts";
import { registerBaselineCommand } from "./commands/baseline.ts";
import { registerConfigCommand } from "./commands/config.ts";
import { registerDoctorCommand } from "./commands/doctor.ts";
import { registerEvaluateCommands } from "./commands/evaluate.ts";
import { registerPolicyCommands } from "./commands/policy.ts";
import { registerServiceCommand } from "./commands/service.ts";
import { registerSidecarCommands } from "./commands/sidecar.ts";
import { createCliContext, type CliContext } from "./context.ts";
import { ExitCode } from "./output.ts";

export function buildProgram(ctx: CliContext): Command {
  const program = new Command();
  program
    .name("clawshield")
    .description("Security defender for OpenClaw: allow / review / block every message, tool call, command, URL and file.")
    .version(VERSION)
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeOut: (s) => ctx.stdout.write(s), writeErr: (s) => ctx.stderr.write(s) });
  registerEvaluateCommands(program, ctx);
  registerConfigCommand(program, ctx);
  registerBaselineCommand(program, ctx);
  registerSidecarCommands(program, ctx);
  registerDoctorCommand(program, ctx);
  registerPolicyCommands(program, ctx);
  registerServiceCommand(program, ctx);
  return program;
}

/** Runs the CLI; resolves to the exit code. */
export async function runCli(argv: readonly string[], ctx: CliContext = createCliContext()): Promise<number> {
  let code: number | undefined;
  const c: CliContext = { ...ctx, setExitCode: (n) => { code = n; } };
  const program = buildProgram(c);
  try {
    await program.parseAsync([...argv], { from: "user" });
    return code ?? 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version exit with 0; everything else commander rejects is a usage error.
      return e.exitCode === 0 ? 0 : ExitCode.usage;
    }
    if (isClawShieldError(e)) {
      ctx.stderr.write(`clawshield: ${e.message}\n`);
      return ExitCode.usage;
    }
    ctx.stderr.write(`clawshield: internal error: ${(e as Error).stack ?? String(e)}\n`);
    return ExitCode.internal;
  }
}

if (import.meta.main) {
  process.exitCode = await runCli(process.argv.slice(2));
}
