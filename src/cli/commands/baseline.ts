// `clawshield baseline create|verify|accept`: the host-integrity baseline. Exit codes: 0 = ok / no
// drift, 20 = drift found, 2 = usage or config error (e.g. no baseline yet for verify).

import type { Command } from "commander";
import { createIntegrityMonitor, type DriftItem, type DriftReport } from "../../lookups/integrity/index.ts";
import type { CliContext } from "../context.ts";
import { ExitCode } from "../output.ts";

interface Opts {
  json?: boolean;
  config?: string;
  force?: boolean;
}

export const BaselineExit = { ok: ExitCode.allow, drift: ExitCode.block, usage: ExitCode.usage } as const;

export function registerBaselineCommand(program: Command, ctx: CliContext): void {
  const cmd = program.command("baseline").description("host-integrity baseline of protected files (OpenClaw config, identity files, skills, protect_paths)");
  const common = (c: Command): Command => c.option("--json", "print JSON").option("-c, --config <file>", "config file (default ./clawshield.toml, then ./openclaw-rs.toml)");
  const monitorFor = (opts: Opts) => {
    const cfg = ctx.loadConfig(opts.config ? { config: opts.config } : {});
    return createIntegrityMonitor(cfg, { env: ctx.env });
  };
  const out = (opts: Opts, json: unknown, text: string[]): void => {
    ctx.stdout.write(opts.json ? `${JSON.stringify(json, null, 2)}\n` : `${text.join("\n")}\n`);
  };

  common(cmd.command("create"))
    .description("record the current state of every protected path (refuses to overwrite an existing baseline without --force)")
    .option("--force", "overwrite an existing baseline")
    .action(async (opts: Opts) => {
      const mon = monitorFor(opts);
      try {
        const s = await mon.createBaseline({ force: opts.force === true });
        out(opts, { ok: true, ...s }, [`baseline written: ${s.baselinePath}`, `  ${s.entries} entries from ${s.targets.length} protected paths (sha256 in ${s.baselinePath}.sha256)`]);
        ctx.setExitCode(BaselineExit.ok);
      } catch (e) {
        if ((e as { code?: string }).code !== "BASELINE_EXISTS") throw e;
        ctx.stderr.write(`clawshield: ${(e as Error).message}\n`);
        ctx.setExitCode(BaselineExit.usage);
      }
    });

  common(cmd.command("verify"))
    .description("compare protected paths with the baseline; exit 20 when anything drifted")
    .action(async (opts: Opts) => {
      const r = await monitorFor(opts).verify();
      if (!r.ok && r.drift.every((d) => d.kind === "baseline-missing")) {
        if (opts.json) out(opts, { ok: false, error: "no baseline", baselinePath: r.baselinePath }, []);
        ctx.stderr.write(`clawshield: no baseline at ${r.baselinePath}. Fix: run \`clawshield baseline create\` first.\n`);
        ctx.setExitCode(BaselineExit.usage);
        return;
      }
      out(opts, reportJson(r), renderReport(r));
      ctx.setExitCode(r.ok ? BaselineExit.ok : BaselineExit.drift);
    });

  common(cmd.command("accept"))
    .description("show the current drift, then re-baseline the current state (clears drift)")
    .action(async (opts: Opts) => {
      const mon = monitorFor(opts);
      const before = await mon.verify();
      const s = await mon.acceptBaseline();
      const accepted = before.drift.filter((d) => d.kind !== "baseline-missing");
      out(opts, { ok: true, accepted, ...s }, [
        ...(accepted.length === 0 ? ["no drift to accept"] : [`accepted ${accepted.length} change(s):`, ...accepted.map(line)]),
        `baseline written: ${s.baselinePath} (${s.entries} entries)`,
      ]);
      ctx.setExitCode(BaselineExit.ok);
    });
}

function line(d: DriftItem): string {
  return `  ${d.kind.padEnd(17)} ${d.path}${d.kind === "missing" ? "" : `  (${d.detail})`}`;
}

function reportJson(r: DriftReport): unknown {
  return { ok: r.ok, baselinePath: r.baselinePath, baselineCreatedAt: r.baselineCreatedAt, entries: r.entries, checkedAt: r.checkedAt, drift: r.drift };
}

function renderReport(r: DriftReport): string[] {
  if (r.ok) return [`no drift: ${r.entries} entries match ${r.baselinePath} (created ${r.baselineCreatedAt ?? "?"})`];
  return [`DRIFT: ${r.drift.length} change(s) against ${r.baselinePath} (created ${r.baselineCreatedAt ?? "?"}):`, ...r.drift.map(line), "Review the changes; if they are legitimate run `clawshield baseline accept`."];
}
