// Reads the TOML file (the only I/O here), applies env overrides, validates every key against the
// schema, resolves relative paths and deep-freezes the result. Every problem is collected and
// reported at once with its key path, the bad value and how to fix it.

import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { RE2JS } from "re2js";
import { parse as parseToml, TomlError } from "smol-toml";
import { ClawShieldError, ErrorCode } from "../errors.ts";
import { applySignedPolicyAtLoad } from "../policy/bundle.ts";
import type { FieldSpec } from "./fields.ts";
import { configSchema, type ResolvedConfig, type SectionName } from "./schema.ts";

export const DEFAULT_CONFIG_FILE = "clawshield.toml";
/** The Rust runtime's default file name, used when clawshield.toml does not exist. */
export const LEGACY_CONFIG_FILE = "openclaw-rs.toml";

export interface ConfigProblem {
  readonly key: string;
  readonly value?: unknown;
  readonly message: string;
  readonly fix: string;
}

export interface LoadConfigOptions {
  /** Explicit file: must exist. Without it: $CLAWSHIELD_CONFIG, $OPENCLAW_RS_CONFIG, ./clawshield.toml, ./openclaw-rs.toml, else defaults. */
  readonly path?: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly cwd?: string;
  /** Already-parsed values (flags), applied last: { "runtime.audit_only": true }. */
  readonly overrides?: Readonly<Record<string, unknown>>;
}

type Raw = Record<string, Record<string, unknown>>;

/** Finds which file would be loaded, or undefined for built-in defaults. */
export function resolveConfigPath(opts: LoadConfigOptions = {}): string | undefined {
  const env = opts.env ?? process.env;
  const cwd = opts.cwd ?? process.cwd();
  const explicit = opts.path ?? env.CLAWSHIELD_CONFIG ?? env.OPENCLAW_RS_CONFIG;
  if (explicit !== undefined && explicit !== "") return path.resolve(cwd, explicit);
  for (const name of [DEFAULT_CONFIG_FILE, LEGACY_CONFIG_FILE]) {
    const p = path.resolve(cwd, name);
    if (existsSync(p)) return p;
  }
  return undefined;
}

/** Loads, validates and freezes the configuration. Throws CS_CONFIG_INVALID listing every problem. */
export function loadConfig(opts: LoadConfigOptions = {}): ResolvedConfig {
  const env = opts.env ?? process.env;
  const cwd = opts.cwd ?? process.cwd();
  const file = resolveConfigPath(opts);
  let text: string | undefined;
  if (file !== undefined) {
    try {
      text = readFileSync(file, "utf8");
    } catch (e) {
      throw new ClawShieldError(ErrorCode.CONFIG_UNREADABLE, `cannot read config file ${file}: ${(e as Error).message}. Fix: check the path or pass --config <file>.`, { file }, e);
    }
  }
  // Signed policy bundle (src/policy): verified, rollback-checked and applied here, so every shell gets it.
  return applySignedPolicyAtLoad(buildConfig(text, { file, env, cwd, overrides: opts.overrides ?? {} }));
}

/** Parses TOML text (or none) into a ResolvedConfig. Exposed for tests and the policy bundle loader. */
export function buildConfig(
  text: string | undefined,
  ctx: { file?: string | undefined; env: Readonly<Record<string, string | undefined>>; cwd: string; overrides?: Readonly<Record<string, unknown>> },
): ResolvedConfig {
  const problems: ConfigProblem[] = [];
  const where = ctx.file ?? "<defaults>";
  let doc: Record<string, unknown> = {};
  if (text !== undefined) {
    try {
      doc = parseToml(text) as Record<string, unknown>;
    } catch (e) {
      if (e instanceof TomlError) {
        throw new ClawShieldError(
          ErrorCode.CONFIG_INVALID,
          `${where}:${e.line}:${e.column}: malformed TOML: ${firstLine(e.message)}. Fix: correct the syntax at line ${e.line}, column ${e.column}.`,
          { file: ctx.file, line: e.line, column: e.column, problems: [{ key: "<toml>", message: firstLine(e.message), fix: `correct line ${e.line}, column ${e.column}` }] },
          e,
        );
      }
      throw e;
    }
  }

  const raw: Raw = {};
  for (const [section, value] of Object.entries(doc)) {
    if (!(section in configSchema)) {
      problems.push({ key: section, value, message: `unknown table [${section}]`, fix: `remove it or use one of: ${Object.keys(configSchema).join(", ")}` });
      continue;
    }
    if (!isPlainObject(value)) {
      problems.push({ key: section, value, message: `[${section}] must be a table`, fix: `write it as [${section}] followed by key = value lines` });
      continue;
    }
    raw[section] = { ...value };
  }

  const baseDir = ctx.file !== undefined ? path.dirname(ctx.file) : ctx.cwd;
  const out: Record<string, Record<string, unknown>> = {};
  for (const [section, spec] of Object.entries(configSchema) as [SectionName, Record<string, FieldSpec>][]) {
    const given = raw[section] ?? {};
    for (const key of Object.keys(given)) {
      if (!(key in spec)) {
        const near = closest(key, Object.keys(spec));
        problems.push({ key: `${section}.${key}`, value: given[key], message: "unknown key", fix: near ? `did you mean ${section}.${near}?` : `remove it; valid keys: ${Object.keys(spec).join(", ")}` });
      }
    }
    const sectionOut: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(spec)) {
      const keyPath = `${section}.${key}`;
      let value: unknown = key in given ? given[key] : undefined;
      let from = key in given ? where : "default";
      const envHit = readEnv(section, key, field, ctx.env);
      if (envHit !== undefined) {
        value = envHit.value;
        from = `env ${envHit.name}`;
      }
      if (ctx.overrides && keyPath in ctx.overrides) {
        value = ctx.overrides[keyPath];
        from = "flag";
      }
      if (value === undefined && field.envRaw) {
        for (const name of field.envRaw) {
          const v = ctx.env[name];
          if (v !== undefined && v !== "") {
            value = v;
            from = `env ${name}`;
            break;
          }
        }
      }
      if (value === undefined) {
        sectionOut[key] = cloneDefault(field.default, field, baseDir);
        continue;
      }
      const checked = checkValue(keyPath, value, field, from, baseDir, problems);
      if (checked !== INVALID) sectionOut[key] = checked;
    }
    out[section] = sectionOut;
  }

  const sec = out.security as { review_threshold: number; block_threshold: number };
  if (typeof sec.review_threshold === "number" && typeof sec.block_threshold === "number" && sec.review_threshold >= sec.block_threshold) {
    problems.push({ key: "security.review_threshold", value: sec.review_threshold, message: `must be lower than security.block_threshold (${sec.block_threshold})`, fix: "lower review_threshold or raise block_threshold (defaults 35 / 65)" });
  }
  const sp = out.security as { signed_policy_bundle?: string; signed_policy_signature?: string; signed_policy_public_key?: string };
  if (sp.signed_policy_bundle !== undefined && sp.signed_policy_signature === undefined) {
    problems.push({ key: "security.signed_policy_signature", message: "required when signed_policy_bundle is set", fix: "point it at the bundle's detached signature file" });
  }

  if (problems.length > 0) {
    const lines = problems.map((p) => `  - ${p.key}${p.value === undefined ? "" : ` = ${show(p.value)}`}: ${p.message}. Fix: ${p.fix}.`);
    throw new ClawShieldError(ErrorCode.CONFIG_INVALID, `invalid configuration (${where}):\n${lines.join("\n")}`, { file: ctx.file, problems });
  }
  const resolved = { ...out, baseDir, ...(ctx.file === undefined ? {} : { sourcePath: ctx.file }) };
  return deepFreeze(resolved) as unknown as ResolvedConfig;
}

const INVALID = Symbol("invalid");

function checkValue(keyPath: string, value: unknown, field: FieldSpec, from: string, baseDir: string, problems: ConfigProblem[]): unknown {
  const bad = (message: string, fix: string): typeof INVALID => {
    problems.push({ key: keyPath, value, message: `${message} (from ${from})`, fix });
    return INVALID;
  };
  const t = field.type;
  switch (t.t) {
    case "string":
      if (typeof value !== "string") return bad("expected a string", `write ${keyPath.split(".")[1]} = "..."`);
      if (t.nonEmpty && value.trim() === "") return bad("must not be empty", "set a value or remove the key");
      return value;
    case "path":
      if (typeof value !== "string" || value.trim() === "") return bad("expected a path string", `write ${keyPath.split(".")[1]} = "relative/or/absolute/path"`);
      return path.resolve(baseDir, value);
    case "int":
    case "number": {
      const n = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
      if (typeof n !== "number" || !Number.isFinite(n) || (t.t === "int" && !Number.isInteger(n))) return bad(`expected ${t.t === "int" ? "an integer" : "a number"}`, `write a plain number${t.min !== undefined ? ` >= ${t.min}` : ""}`);
      if (t.min !== undefined && n < t.min) return bad(`must be >= ${t.min}`, `use a value between ${t.min} and ${t.max ?? "∞"}`);
      if (t.max !== undefined && n > t.max) return bad(`must be <= ${t.max}`, `use a value between ${t.min ?? "-∞"} and ${t.max}`);
      return n;
    }
    case "bool": {
      if (typeof value === "boolean") return value;
      if (typeof value === "string") {
        const v = value.trim().toLowerCase();
        if (["1", "true", "yes", "on"].includes(v)) return true;
        if (["0", "false", "no", "off"].includes(v)) return false;
      }
      return bad("expected true or false", "write true or false (env: 1/0, yes/no, on/off)");
    }
    case "enum": {
      if (typeof value !== "string") return bad(`expected one of ${t.values.join(", ")}`, `write one of: ${t.values.join(", ")}`);
      const v = value.trim().toLowerCase();
      const canon = t.values.includes(v) ? v : t.aliases?.[v];
      if (canon === undefined) return bad(`expected one of ${t.values.join(", ")}`, `write one of: ${t.values.join(", ")}`);
      return canon;
    }
    case "string[]":
    case "path[]":
    case "regex[]": {
      if (!Array.isArray(value) || value.some((x) => typeof x !== "string")) return bad("expected a list of strings", `write ${keyPath.split(".")[1]} = ["a", "b"]`);
      const list = value as string[];
      if (t.t === "path[]") return list.map((p) => path.resolve(baseDir, p));
      if (t.t === "regex[]") {
        let ok = true;
        list.forEach((pattern, i) => {
          const err = regexError(pattern);
          if (err !== undefined) {
            ok = false;
            problems.push({ key: `${keyPath}[${i}]`, value: pattern, message: `invalid regular expression: ${err} (from ${from})`, fix: "use RE2 syntax (no backreferences or lookaround; (?i) for case-insensitive)" });
          }
        });
        return ok ? list : INVALID;
      }
      return list;
    }
    case "map<int>":
    case "map<action>": {
      if (!isPlainObject(value)) return bad("expected a table", `write ${keyPath.split(".")[1]} = { name = ${t.t === "map<int>" ? "10" : '"review"'} }`);
      const outMap: Record<string, unknown> = {};
      let ok = true;
      for (const [k, v] of Object.entries(value)) {
        // Keys are compared against lower-cased tool/channel names, so normalize them here (Rust did not).
        const nk = k.trim().toLowerCase();
        if (t.t === "map<int>") {
          if (typeof v !== "number" || !Number.isInteger(v) || v < (t.min ?? 0) || v > (t.max ?? 255)) {
            ok = false;
            problems.push({ key: `${keyPath}.${k}`, value: v, message: `expected an integer ${t.min ?? 0}..${t.max ?? 255} (from ${from})`, fix: "write a whole number of risk points" });
          } else outMap[nk] = v;
        } else {
          const a = typeof v === "string" ? v.trim().toLowerCase() : v;
          if (a !== "allow" && a !== "review" && a !== "block") {
            ok = false;
            problems.push({ key: `${keyPath}.${k}`, value: v, message: `expected "allow", "review" or "block" (from ${from})`, fix: 'write e.g. gateway = "review"' });
          } else outMap[nk] = a;
        }
      }
      return ok ? outMap : INVALID;
    }
  }
}

/** Reads CLAWSHIELD_<NAME> then OPENCLAW_RS_<NAME> for each of the field's env names. */
function readEnv(section: string, key: string, field: FieldSpec, env: Readonly<Record<string, string | undefined>>): { name: string; value: unknown } | undefined {
  const names = field.env ?? [`${section}_${key}`.toUpperCase()];
  for (const prefix of ["CLAWSHIELD_", "OPENCLAW_RS_"]) {
    for (const n of names) {
      const name = prefix + n;
      const v = env[name];
      if (v === undefined || v === "") continue;
      const t = field.type.t;
      if (t === "string[]" || t === "path[]" || t === "regex[]") {
        // Only leading whitespace is trimmed: the trailing space of "git " is meaningful.
        return { name, value: v.split(",").map((s) => s.replace(/^\s+/, "")).filter((s) => s !== "") };
      }
      if (t === "map<int>" || t === "map<action>") {
        try {
          return { name, value: JSON.parse(v) as unknown };
        } catch {
          return { name, value: v };
        }
      }
      return { name, value: t === "string" ? v.trim() : v };
    }
  }
  return undefined;
}

/** Returns the RE2 compile error of a pattern, or undefined when it is valid. */
export function regexError(pattern: string): string | undefined {
  try {
    RE2JS.compile(pattern);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

function cloneDefault(def: unknown, field: FieldSpec, baseDir: string): unknown {
  if (def === undefined) return undefined;
  if (field.type.t === "path" && typeof def === "string") return path.resolve(baseDir, def);
  if (field.type.t === "path[]" && Array.isArray(def)) return def.map((p: string) => path.resolve(baseDir, p));
  if (Array.isArray(def)) return [...def];
  if (isPlainObject(def)) return { ...def };
  return def;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

function deepFreeze<T>(o: T): T {
  if (typeof o === "object" && o !== null && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o)) deepFreeze(v);
  }
  return o;
}

function firstLine(s: string): string {
  return (s.split("\n")[0] ?? s).trim();
}

function show(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

function closest(word: string, options: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = 3;
  for (const o of options) {
    const d = editDistance(word.toLowerCase(), o.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = o;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  const dp = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = dp[0]!;
    dp[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = dp[j]!;
      dp[j] = Math.min(dp[j]! + 1, dp[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return dp[b.length]!;
}

/** A copy of the config safe to print: secrets replaced by "<redacted>". */
export function redactConfig(cfg: ResolvedConfig): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [section, spec] of Object.entries(configSchema) as [SectionName, Record<string, FieldSpec>][]) {
    const vals = cfg[section] as unknown as Record<string, unknown>;
    const s: Record<string, unknown> = {};
    for (const key of Object.keys(spec)) {
      const v = vals[key];
      s[key] = spec[key]!.secret && v !== undefined && v !== "" ? "<redacted>" : v;
    }
    out[section] = s;
  }
  return out;
}
