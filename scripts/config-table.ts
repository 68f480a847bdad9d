// The README's configuration table, generated from the schema (one source of truth):
//   node scripts/config-table.ts           print it
//   node scripts/config-table.ts --write   replace the README's config section with it
// test/guards/readme-config.test.ts fails when the README and the schema disagree.
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { configSchema } from "../src/config/schema.ts";
import type { FieldSpec } from "../src/config/fields.ts";

export function configTable(): string {
  const lines: string[] = [];
  for (const [section, spec] of Object.entries(configSchema) as [string, Record<string, FieldSpec>][]) {
    const keys = Object.entries(spec);
    if (keys.length === 0) continue;
    lines.push(`### \`[${section}]\``, "", "| key | type | default | env | meaning |", "|---|---|---|---|---|");
    for (const [key, f] of keys) {
      const env = (f.env ?? [`${section}_${key}`.toUpperCase()]).map((n) => `\`CLAWSHIELD_${n}\``).join(", ") + (f.envRaw ? `, ${f.envRaw.map((n) => `\`${n}\``).join(", ")}` : "");
      const def = f.default === undefined ? "(unset)" : `\`${JSON.stringify(f.default)}\``;
      const origin = f.origin === "rust" ? " *(openclaw-rs)*" : "";
      lines.push(`| \`${key}\`${origin} | ${typeName(f)} | ${def.replace(/\|/g, "\\|")} | ${env} | ${f.doc.replace(/\|/g, "\\|")}${f.secret ? " Secret: redacted in output." : ""} |`);
    }
    lines.push("");
  }
  return lines.join("\n");
}

function typeName(f: FieldSpec): string {
  const t = f.type;
  switch (t.t) {
    case "enum":
      return t.values.map((v) => `\`${v}\``).join(" \\| ");
    case "int":
      return `integer${t.min !== undefined ? ` ≥ ${t.min}` : ""}${t.max !== undefined && t.max < 1e9 ? `, ≤ ${t.max}` : ""}`;
    default:
      return t.t.replace("map<int>", "table of integers").replace("map<action>", "table of allow/review/block").replace("regex[]", "list of RE2 regexes").replace("[]", " list");
  }
}

export const README = path.resolve(import.meta.dirname, "../README.md");
const START = "<!-- section:config -->";
const END = "<!-- /section:config -->";

export const CONFIG_INTRO = `ClawShield reads \`clawshield.toml\` from the working folder (or \`openclaw-rs.toml\` when that is
absent, or the file named by \`--config\`, \`CLAWSHIELD_CONFIG\` or \`OPENCLAW_RS_CONFIG\`); with no file,
the defaults below apply and protect. Precedence: flag > environment > file > default. Every key
of the Rust runtime's \`openclaw-rs.toml\` (marked *(openclaw-rs)*) is accepted with the same
meaning. Each key can be set from the environment as \`CLAWSHIELD_<NAME>\` (the names below) or with
the Rust prefix \`OPENCLAW_RS_<NAME>\`; lists are comma-separated (leading spaces trimmed, trailing
spaces kept: \`"git "\` stays \`"git "\`), tables as JSON. Relative paths resolve against the config
file's folder (the working folder without a file). A bad value stops start-up with the key, the
value and the fix; \`clawshield config check\` prints the effective configuration, secrets redacted.

Where ClawShield differs from the Rust defaults, it fixes a weakness: state lives in \`.clawshield/\`
(SQLite instead of a non-atomic JSON file), the Gateway URL has no \`/ws\` path (the real Gateway
serves the root), the example file's extra rules (\`cat \`, \`chmod 777\`, "without asking",
gateway/nodes review) are defaults, and map keys are lower-cased.`;

/** The README's config section body. */
export function configSection(): string {
  return `${CONFIG_INTRO}\n\n${configTable()}`;
}

if (import.meta.main) {
  if (process.argv.includes("--write")) {
    const text = readFileSync(README, "utf8");
    const a = text.indexOf(START);
    const b = text.indexOf(END);
    if (a < 0 || b < a) throw new Error("README has no config section markers");
    writeFileSync(README, `${text.slice(0, a + START.length)}\n${configSection()}\n${text.slice(b)}`);
  } else process.stdout.write(`${configSection()}\n`);
}
