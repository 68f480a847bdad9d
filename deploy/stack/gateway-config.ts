// The Gateway config of the full stack: deploy/gateway/openclaw.template.json with ${VAR}
// placeholders (fake model provider, tools.exec host gateway in ask mode, the ClawShield plugin
// loaded from its package folder). Rendered by scripts/stack.ts (process topology) and, in compose,
// inside the gateway container before OpenClaw starts:
//   node /opt/clawshield-stack/stack/gateway-config.ts <template> <out.json>   (values from the environment)
// Self-contained (node: imports only).

import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";

export const GATEWAY_TEMPLATE_PATH = path.join(import.meta.dirname, "..", "gateway", "openclaw.template.json");
export const TEMPLATE_VARS = ["WORKSPACE", "FAKE_MODEL_BASE_URL", "CLAWSHIELD_PLUGIN_PATH", "CLAWSHIELD_PLUGIN_STATE_DIR"] as const;
export type TemplateVars = Record<(typeof TEMPLATE_VARS)[number], string>;

/** Placeholder names used in a template value tree. */
export function placeholdersOf(value: unknown, out = new Set<string>()): Set<string> {
  if (typeof value === "string") for (const m of value.matchAll(/\$\{([A-Z0-9_]+)\}/g)) out.add(m[1]!);
  else if (Array.isArray(value)) for (const v of value) placeholdersOf(v, out);
  else if (value && typeof value === "object") for (const v of Object.values(value)) placeholdersOf(v, out);
  return out;
}

function substitute(value: unknown, vars: Readonly<Record<string, string | undefined>>): unknown {
  if (typeof value === "string") {
    return value.replace(/\$\{([A-Z0-9_]+)\}/g, (_, name: string) => {
      const v = vars[name];
      if (v === undefined || v === "") throw new Error(`gateway config template: \${${name}} is not set`);
      return v;
    });
  }
  if (Array.isArray(value)) return value.map((v) => substitute(v, vars));
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, vars)]));
  return value;
}

/** The rendered config object (throws on a missing variable). */
export function renderGatewayConfig(vars: Readonly<Record<string, string | undefined>>, templatePath = GATEWAY_TEMPLATE_PATH): Record<string, unknown> {
  const template = JSON.parse(readFileSync(templatePath, "utf8")) as Record<string, unknown>;
  return substitute(template, vars) as Record<string, unknown>;
}

if (import.meta.main) {
  const [templatePath, out] = process.argv.slice(2);
  if (!templatePath || !out) {
    process.stderr.write("usage: gateway-config.ts <template.json> <out.json>\n");
    process.exit(2);
  }
  const config = renderGatewayConfig(process.env, templatePath);
  mkdirSync(path.dirname(out), { recursive: true });
  const tmp = `${out}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  renameSync(tmp, out);
  process.stdout.write(`wrote ${out}\n`);
}
