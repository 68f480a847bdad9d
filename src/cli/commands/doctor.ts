// `clawshield doctor`: connects to a running Gateway and reports, in plain words, whether the
// settings ClawShield needs for enforcement are in place — scopes granted to ClawShield, exec ask
// mode (approval authority), the ClawShield plugin loaded — and what to change, with the exact
// config snippets. Exit 0 when all is in place, 10 when something is missing, 2 on usage errors or
// when the Gateway cannot be reached.

import type { Command } from "commander";
import type { ResolvedConfig } from "../../config/schema.ts";
import { createConnection, REQUIRED_SCOPES } from "../../gateway/connection.ts";
import { deviceIdentityPath, loadOrCreateDeviceIdentity, type DeviceIdentity } from "../../gateway/device-identity.ts";
import type { CliContext } from "../context.ts";

export const DOCTOR_EXIT = { ok: 0, missing: 10, unreachable: 2 } as const;

export interface DoctorCheck {
  readonly id: "connect" | "scopes" | "exec_ask" | "plugin";
  readonly ok: boolean;
  readonly summary: string;
  readonly fix?: string;
}

export interface DoctorReport {
  readonly url: string;
  readonly gatewayVersion?: string;
  readonly checks: readonly DoctorCheck[];
  readonly ok: boolean;
}

type Rec = Record<string, unknown>;
const rec = (v: unknown): Rec | undefined => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Rec) : undefined);

/** Reads tools.exec from a `config.get` answer: is every non-allow-listed exec sent to approval? */
export function execAskStatus(configGet: unknown): { on: boolean; describe: string } {
  const parsed = rec(rec(configGet)?.parsed) ?? rec(rec(configGet)?.config) ?? rec(configGet) ?? {};
  const exec = rec(rec(parsed.tools)?.exec) ?? {};
  const host = typeof exec.host === "string" ? exec.host : "auto";
  const mode = typeof exec.mode === "string" ? exec.mode : undefined;
  const security = typeof exec.security === "string" ? exec.security : undefined;
  const ask = typeof exec.ask === "string" ? exec.ask : undefined;
  if (mode) {
    const on = mode === "ask" || mode === "deny" || mode === "allowlist";
    return { on: mode === "ask", describe: `tools.exec.mode is "${mode}" (host "${host}")${on && mode !== "ask" ? " (no approvals are asked: exec is never or only allow-listed run)" : ""}` };
  }
  if (security || ask) {
    const on = (ask === "always" || ask === "on-miss") && security !== "full" ? true : ask === "always";
    return { on, describe: `tools.exec.security is "${security ?? "(default)"}", tools.exec.ask is "${ask ?? "(default)"}" (host "${host}")` };
  }
  return { on: false, describe: `tools.exec is not set: gateway/node hosts default to mode "full" (no approvals)` };
}

/** Finds the plugin in a `plugins.list` answer. */
export function pluginStatus(list: unknown, pluginId: string): { loaded: boolean; describe: string } {
  const plugins = Array.isArray(rec(list)?.plugins) ? (rec(list)!.plugins as unknown[]) : [];
  const p = plugins.map(rec).find((x) => x?.id === pluginId);
  if (!p) return { loaded: false, describe: `plugin "${pluginId}" is not installed or not on plugins.load.paths` };
  const runtime = rec(p.runtime)?.state;
  const enabled = p.enabled === true;
  const loaded = enabled && (runtime === undefined || runtime === "loaded" || runtime === "active" || runtime === "ready");
  return { loaded, describe: `plugin "${pluginId}" is ${enabled ? "enabled" : "disabled"}${typeof runtime === "string" ? `, runtime state "${runtime}"` : ""}` };
}

const ASK_SNIPPET = `{ "tools": { "exec": { "host": "gateway", "mode": "ask" } } }`;

function pluginSnippet(id: string): string {
  return `{ "plugins": { "load": { "paths": ["<path to the clawshield package>"] }, "entries": { "${id}": { "enabled": true } } } }`;
}

export async function runDoctor(config: ResolvedConfig, opts: { timeoutMs: number; require: "any" | "ask" | "plugin" | "both" }): Promise<DoctorReport> {
  let identity: DeviceIdentity | undefined;
  try {
    identity = loadOrCreateDeviceIdentity(deviceIdentityPath(config));
  } catch {
    identity = undefined;
  }
  const conn = createConnection({ config: { ...config, gateway: { ...config.gateway, reconnect_max_ms: Math.max(1000, Math.min(config.gateway.reconnect_max_ms, 2000)) } }, ...(identity ? { deviceIdentity: identity } : {}) });
  conn.start();
  const t0 = Date.now();
  try {
    while (!conn.state().connected && Date.now() - t0 < opts.timeoutMs) await new Promise((r) => setTimeout(r, 100));
    const st = conn.state();
    if (!st.connected) {
      return {
        url: config.gateway.url,
        ok: false,
        checks: [{ id: "connect", ok: false, summary: `Cannot reach the Gateway at ${config.gateway.url} within ${opts.timeoutMs} ms${st.lastError ? `: ${st.lastError}` : ""}.`, fix: "Start the Gateway (openclaw gateway run), check gateway.url, and set the token: gateway.token or OPENCLAW_GATEWAY_TOKEN." }],
      };
    }
    const checks: DoctorCheck[] = [];
    const version = rec(rec(st.hello)?.server)?.version;
    checks.push({ id: "connect", ok: true, summary: `Connected to OpenClaw ${typeof version === "string" ? version : "(unknown version)"} at ${config.gateway.url}.` });
    checks.push(
      st.missingScopes.length === 0
        ? { id: "scopes", ok: true, summary: `ClawShield was granted every scope it needs (${REQUIRED_SCOPES.join(", ")}).` }
        : {
            id: "scopes",
            ok: false,
            summary: `ClawShield was not granted ${st.missingScopes.join(", ")} (granted: ${st.grantedScopes.join(", ") || "none"}).`,
            fix: "Connect with the Gateway's shared token (gateway.auth.token → gateway.token / OPENCLAW_GATEWAY_TOKEN) over loopback, or approve ClawShield's device with these scopes (openclaw devices list / approve).",
          },
    );
    let ask: { on: boolean; describe: string } | undefined;
    try {
      ask = execAskStatus(await conn.request("config.get", {}, 10_000));
    } catch (e) {
      checks.push({ id: "exec_ask", ok: false, summary: `Could not read the Gateway config (config.get: ${(e as Error).message}); it needs operator.admin.` });
    }
    if (ask) {
      checks.push(
        ask.on
          ? { id: "exec_ask", ok: true, summary: `Exec ask mode is on: ${ask.describe}. Every exec that is not allow-listed waits for an approval, which ClawShield answers (keep ClawShield running: with no approval client connected the Gateway denies those execs).` }
          : { id: "exec_ask", ok: false, summary: `Exec ask mode is off: ${ask.describe}. Exec runs without asking, so ClawShield's approval authority cannot stop it.`, fix: `Set in openclaw.json: ${ASK_SNIPPET}` },
      );
    }
    let plugin: { loaded: boolean; describe: string } | undefined;
    try {
      plugin = pluginStatus(await conn.request("plugins.list", {}, 10_000), config.gateway.plugin_id);
    } catch (e) {
      checks.push({ id: "plugin", ok: false, summary: `Could not list plugins (plugins.list: ${(e as Error).message}).` });
    }
    if (plugin) {
      checks.push(
        plugin.loaded
          ? { id: "plugin", ok: true, summary: `The ClawShield plugin is loaded (${plugin.describe}): every tool call is checked in-process before it runs.` }
          : { id: "plugin", ok: false, summary: `The ClawShield plugin is not loaded (${plugin.describe}); tool calls other than exec are not checked before they run.`, fix: `Add to openclaw.json: ${pluginSnippet(config.gateway.plugin_id)} (or: openclaw plugins install <path>), then restart the Gateway.` },
      );
    }
    const get = (id: DoctorCheck["id"]) => checks.find((c) => c.id === id)?.ok === true;
    const enforcement = opts.require === "any" ? get("exec_ask") || get("plugin") : opts.require === "both" ? get("exec_ask") && get("plugin") : get(opts.require === "ask" ? "exec_ask" : "plugin");
    return { url: config.gateway.url, ...(typeof version === "string" ? { gatewayVersion: version } : {}), checks, ok: get("scopes") && enforcement };
  } finally {
    await conn.stop();
  }
}

export function registerDoctorCommand(program: Command, ctx: CliContext): void {
  program
    .command("doctor")
    .description("check a running OpenClaw Gateway: scopes granted to ClawShield, exec ask mode, ClawShield plugin loaded; says what to change")
    .option("-c, --config <file>", "config file")
    .option("--url <url>", "Gateway URL (default gateway.url)")
    .option("--token <token>", "Gateway token (default gateway.token / OPENCLAW_GATEWAY_TOKEN)")
    .option("--require <what>", "enforcement that must be in place: any (ask mode or plugin), ask, plugin, both", "any")
    .option("--timeout <ms>", "how long to try to connect", "15000")
    .option("--json", "print the report as JSON")
    .action(async (opts: { config?: string; url?: string; token?: string; require: string; timeout: string; json?: boolean }) => {
      const require = opts.require as "any" | "ask" | "plugin" | "both";
      const timeoutMs = Number(opts.timeout);
      if (!["any", "ask", "plugin", "both"].includes(require) || !Number.isFinite(timeoutMs) || timeoutMs <= 0) {
        ctx.stderr.write(`clawshield doctor: --require must be any|ask|plugin|both and --timeout a positive number of ms\n`);
        ctx.setExitCode(2);
        return;
      }
      const base = ctx.loadConfig({ ...(opts.config ? { config: opts.config } : {}) });
      const config: ResolvedConfig = { ...base, gateway: { ...base.gateway, ...(opts.url ? { url: opts.url } : {}), ...(opts.token ? { token: opts.token } : {}) } };
      const report = await runDoctor(config, { timeoutMs, require });
      if (opts.json) ctx.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      else {
        const lines = [`ClawShield doctor — ${report.url}`];
        for (const c of report.checks) {
          lines.push(`${c.ok ? "ok  " : "FIX "} ${c.summary}`);
          if (c.fix) lines.push(`     → ${c.fix}`);
        }
        lines.push(report.ok ? "All settings ClawShield needs for enforcement are in place." : "Something ClawShield needs is missing (see FIX above).");
        ctx.stdout.write(`${lines.join("\n")}\n`);
      }
      const unreachable = report.checks.length === 1 && report.checks[0]?.id === "connect" && !report.checks[0].ok;
      ctx.setExitCode(unreachable ? DOCTOR_EXIT.unreachable : report.ok ? DOCTOR_EXIT.ok : DOCTOR_EXIT.missing);
    });
}
