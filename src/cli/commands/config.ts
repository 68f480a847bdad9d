// `clawshield config check [file]`: validate a config and print the effective values, secrets redacted.

import type { Command } from "commander";
import { redactConfig, resolveConfigPath } from "../../config/load.ts";
import type { CliContext } from "../context.ts";
import { ExitCode } from "../output.ts";

export function registerConfigCommand(program: Command, ctx: CliContext): void {
  const config = program.command("config").description("configuration tools");
  config
    .command("check")
    .description("validate a config file and print the effective configuration (secrets redacted)")
    .argument("[file]", "config file (default: ./clawshield.toml, then ./openclaw-rs.toml, else built-in defaults)")
    .option("--json", "print JSON instead of TOML-like text")
    .action((file: string | undefined, opts: { json?: boolean }) => {
      const cfg = ctx.loadConfig(file ? { config: file } : {});
      const red = redactConfig(cfg);
      const source = resolveConfigPath({ ...(file ? { path: file } : {}), env: ctx.env, cwd: ctx.cwd }) ?? "built-in defaults (no config file found)";
      if (opts.json) {
        ctx.stdout.write(`${JSON.stringify({ source, config: red }, null, 2)}\n`);
      } else {
        const lines = [`# effective configuration from ${source}`, "# config is valid"];
        for (const [section, values] of Object.entries(red)) {
          lines.push("", `[${section}]`);
          for (const [k, v] of Object.entries(values as Record<string, unknown>)) {
            lines.push(v === undefined ? `# ${k} = (unset)` : `${k} = ${tomlValue(v)}`);
          }
        }
        const vt = cfg.security.virustotal_api_key;
        if (vt === undefined || vt.trim() === "") lines.push("", "# note: no VirusTotal API key: URL/file reputation uses offline heuristics only");
        if (cfg.runtime.audit_only) lines.push("# note: audit_only = true: nothing is blocked (observe mode)");
        ctx.stdout.write(`${lines.join("\n")}\n`);
      }
      ctx.setExitCode(ExitCode.allow);
    });
}

function tomlValue(v: unknown): string {
  if (typeof v === "string") return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(tomlValue).join(", ")}]`;
  if (typeof v === "object" && v !== null) return `{ ${Object.entries(v).map(([k, x]) => `${/^[A-Za-z0-9_-]+$/.test(k) ? k : JSON.stringify(k)} = ${tomlValue(x)}`).join(", ")} }`;
  return String(v);
}
