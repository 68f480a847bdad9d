// A tiny declarative schema: each config key is data (type, default, bounds, doc, env names), so
// validation, env overrides, `config check` output and the README key table all come from one place.

export type FieldType =
  | { readonly t: "string"; readonly nonEmpty?: boolean }
  | { readonly t: "int"; readonly min?: number; readonly max?: number }
  | { readonly t: "number"; readonly min?: number; readonly max?: number }
  | { readonly t: "bool" }
  | { readonly t: "enum"; readonly values: readonly string[]; readonly aliases?: Readonly<Record<string, string>> }
  | { readonly t: "string[]" }
  | { readonly t: "regex[]" }
  | { readonly t: "map<int>"; readonly min?: number; readonly max?: number }
  | { readonly t: "map<action>" }
  | { readonly t: "path" }
  | { readonly t: "path[]" };

export interface FieldSpec {
  readonly type: FieldType;
  /** `undefined` means "unset" (optional key with no default). */
  readonly default: unknown;
  readonly doc: string;
  /** Redacted by `config check` and in logs. */
  readonly secret?: boolean;
  /** Env names without prefix; each is read as CLAWSHIELD_<name> and OPENCLAW_RS_<name>. Default: <SECTION>_<KEY>. */
  readonly env?: readonly string[];
  /** Extra env names read verbatim (e.g. OPENCLAW_GATEWAY_TOKEN). */
  readonly envRaw?: readonly string[];
  /** For list envs: how to split (default CSV, leading whitespace trimmed only, so "git " keeps its space). */
  readonly envList?: "csv";
  /** Where this key came from: "rust" (openclaw-rs.toml compatible) or "clawshield" (new). */
  readonly origin: "rust" | "clawshield";
}

export type SectionSpec = Readonly<Record<string, FieldSpec>>;

export const f = {
  str: (def: string | undefined, doc: string, extra: Partial<FieldSpec> = {}): FieldSpec => ({
    type: { t: "string" }, default: def, doc, origin: "clawshield", ...extra,
  }),
  int: (def: number, doc: string, min?: number, max?: number, extra: Partial<FieldSpec> = {}): FieldSpec => ({
    type: { t: "int", ...(min === undefined ? {} : { min }), ...(max === undefined ? {} : { max }) },
    default: def, doc, origin: "clawshield", ...extra,
  }),
  bool: (def: boolean, doc: string, extra: Partial<FieldSpec> = {}): FieldSpec => ({
    type: { t: "bool" }, default: def, doc, origin: "clawshield", ...extra,
  }),
  enumOf: (values: readonly string[], def: string, doc: string, extra: Partial<FieldSpec> = {}): FieldSpec => ({
    type: { t: "enum", values }, default: def, doc, origin: "clawshield", ...extra,
  }),
  strList: (def: readonly string[], doc: string, extra: Partial<FieldSpec> = {}): FieldSpec => ({
    type: { t: "string[]" }, default: def, doc, origin: "clawshield", envList: "csv", ...extra,
  }),
  path: (def: string | undefined, doc: string, extra: Partial<FieldSpec> = {}): FieldSpec => ({
    type: { t: "path" }, default: def, doc, origin: "clawshield", ...extra,
  }),
  paths: (def: readonly string[], doc: string, extra: Partial<FieldSpec> = {}): FieldSpec => ({
    type: { t: "path[]" }, default: def, doc, origin: "clawshield", envList: "csv", ...extra,
  }),
};
