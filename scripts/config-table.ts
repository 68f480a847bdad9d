// Prints the README's configuration table from the schema (one source of truth):
//   node scripts/config-table.ts > /tmp/table.md
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

if (import.meta.main) process.stdout.write(`${configTable()}\n`);
