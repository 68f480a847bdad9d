// `clawshield service install|uninstall|status`: writes the hardened systemd unit, enables and
// starts it (or, with --print, only shows it).

import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { homedir } from "node:os";
import path from "node:path";
import type { Command } from "commander";
import { writeFileAtomicSync } from "../../store/atomic-file.ts";
import { renderUnit, UNIT_NAME, unitPath, type UnitMode } from "../../service/systemd.ts";
import type { CliContext } from "../context.ts";
import { ExitCode } from "../output.ts";

const MAIN = path.resolve(import.meta.dirname, "../main.ts");

interface InstallOpts {
  system?: boolean;
  config?: string;
  stateDir?: string;
  user?: string;
  envFile?: string;
  print?: boolean;
  enable?: boolean;
}

export function registerServiceCommand(program: Command, ctx: CliContext): void {
  const svc = program.command("service").description("run ClawShield as a systemd service (Linux)");
  svc
    .command("install")
    .description("write the hardened unit, then enable and start it (user unit unless --system)")
    .option("--system", "install a system unit (/etc/systemd/system, runs as --user)")
    .option("-c, --config <file>", "config file the service loads")
    .option("--state-dir <dir>", "the only folder the service may write", "")
    .option("--user <name>", "system mode: account to run as", "clawshield")
    .option("--env-file <file>", "EnvironmentFile with secrets, e.g. OPENCLAW_GATEWAY_TOKEN=…")
    .option("--print", "print the unit and do nothing else")
    .option("--no-enable", "write the unit but do not enable/start it")
    .action((opts: InstallOpts) => {
      const mode: UnitMode = opts.system ? "system" : "user";
      const stateDir = path.resolve(ctx.cwd, opts.stateDir || (mode === "system" ? "/var/lib/clawshield" : path.join(homedir(), ".local/state/clawshield")));
      const unit = renderUnit({
        mode,
        node: process.execPath,
        main: MAIN,
        stateDir,
        ...(opts.config ? { config: path.resolve(ctx.cwd, opts.config) } : {}),
        ...(opts.user ? { user: opts.user } : {}),
        ...(opts.envFile ? { environmentFile: path.resolve(ctx.cwd, opts.envFile) } : {}),
      });
      if (opts.print) {
        ctx.stdout.write(unit);
        return;
      }
      const file = unitPath(mode, homedir());
      mkdirSync(stateDir, { recursive: true, mode: 0o700 });
      writeFileAtomicSync(file, unit, 0o644);
      ctx.stdout.write(`wrote ${file}\n`);
      if (opts.enable === false) return;
      const sc = mode === "user" ? ["--user"] : [];
      for (const args of [[...sc, "daemon-reload"], [...sc, "enable", "--now", UNIT_NAME]]) {
        const r = spawnSync("systemctl", args, { encoding: "utf8" });
        if (r.status !== 0) {
          ctx.stderr.write(`systemctl ${args.join(" ")} failed: ${(r.stderr || r.error?.message || "").trim()}\nThe unit is written; start it with: systemctl ${sc.join(" ")} enable --now ${UNIT_NAME}\n`);
          ctx.setExitCode(ExitCode.internal);
          return;
        }
      }
      ctx.stdout.write(`enabled and started ${UNIT_NAME}; logs: journalctl ${mode === "user" ? "--user " : ""}-u ${UNIT_NAME} -f\n`);
    });
  svc
    .command("uninstall")
    .description("stop, disable and remove the unit")
    .option("--system", "the system unit")
    .action((opts: { system?: boolean }) => {
      const mode: UnitMode = opts.system ? "system" : "user";
      const sc = mode === "user" ? ["--user"] : [];
      spawnSync("systemctl", [...sc, "disable", "--now", UNIT_NAME], { encoding: "utf8" });
      const file = unitPath(mode, homedir());
      if (existsSync(file)) rmSync(file);
      spawnSync("systemctl", [...sc, "daemon-reload"], { encoding: "utf8" });
      ctx.stdout.write(`removed ${file} (state folder kept)\n`);
    });
  svc
    .command("status")
    .description("show the unit's state")
    .option("--system", "the system unit")
    .action((opts: { system?: boolean }) => {
      const sc = opts.system ? [] : ["--user"];
      try {
        ctx.stdout.write(execFileSync("systemctl", [...sc, "status", "--no-pager", UNIT_NAME], { encoding: "utf8" }));
      } catch (e) {
        const out = (e as { stdout?: string }).stdout ?? "";
        ctx.stdout.write(out || `systemctl is not available or ${UNIT_NAME} is not installed\n`);
        ctx.setExitCode(ExitCode.review);
      }
    });
}
