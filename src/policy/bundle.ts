// Signed policy bundles: a TOML file plus a detached Ed25519 signature over its raw bytes (the Rust
// runtime's format, rust-agent-spec §2.5), extended with `version` (monotonic, rollback-checked
// across restarts via a state file) and `key_id` (which trusted key signed it, for rotation).
//
// Every field of the bundle is optional and, when present, replaces the whole config value:
//   version, key_id, description                       (bundle metadata)
//   review_threshold, block_threshold                  (thresholds)
//   prompt_injection_patterns, blocked_command_patterns, disabled_rules          (rules)
//   allowed_command_prefixes, allowed_commands, allowed_command_hashes           (allow-lists)
//   tool_policies, tool_risk_bonus, channel_risk_bonus (tool/channel policy)
//   audit_only                                         (when present it wins over the local config,
//                                                       env and --audit-only: `audit_only = false`
//                                                       forbids observe mode on the host)
// Unknown fields are refused (as in Rust).

import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { parse as parseToml, stringify as stringifyToml, TomlError } from "smol-toml";
import { buildConfig } from "../config/load.ts";
import type { ResolvedConfig } from "../config/schema.ts";
import { ClawShieldError, ErrorCode } from "../errors.ts";
import { writeFileAtomicSync } from "../store/atomic-file.ts";
import { canonicalJson, sha256Hex } from "../store/chain.ts";
import { findKey, makeTrusted, parsePublicKey, parseSignature, parseTrustedKeyEntries, rejected, verifyWith, type TrustedKey } from "./keys.ts";

/** security.* keys a bundle may set. */
export const BUNDLE_SECURITY_FIELDS = [
  "review_threshold",
  "block_threshold",
  "allowed_command_prefixes",
  "blocked_command_patterns",
  "prompt_injection_patterns",
  "tool_policies",
  "tool_risk_bonus",
  "channel_risk_bonus",
  "disabled_rules",
  "allowed_commands",
  "allowed_command_hashes",
] as const;
const META_FIELDS = ["version", "key_id", "description", "audit_only"] as const;

export interface PolicyBundle {
  /** 0 for a Rust-style bundle without `version`. */
  readonly version: number;
  readonly versioned: boolean;
  readonly keyId?: string;
  readonly description?: string;
  readonly auditOnly?: boolean;
  /** Validated security.* values the bundle sets. */
  readonly security: Readonly<Record<string, unknown>>;
  /** SHA-256 (hex) of the raw bundle bytes. */
  readonly sha256: string;
  readonly path: string;
}

/** A verified bundle and the key that verified it. */
export interface VerifiedBundle {
  readonly bundle: PolicyBundle;
  readonly key: TrustedKey;
}

/** Everything needed to (re)load the configured bundle. */
export interface PolicySetup {
  readonly bundlePath: string;
  readonly signaturePath?: string;
  readonly keys: readonly TrustedKey[];
  readonly statePath: string;
}

/** What the loader applied to a config; looked up by the defender builder and the watcher. */
export interface AppliedPolicy {
  /** The config before the bundle (what a hot reload applies the next bundle to). */
  readonly base: ResolvedConfig;
  readonly setup?: PolicySetup;
  readonly verified?: VerifiedBundle;
  /** The label every decision carries as `policyVersion`. */
  readonly label: string;
  /** The bundle overrode a local audit_only setting. */
  readonly auditOnlyOverridden?: boolean;
}

export interface PolicyState {
  readonly highestVersion: number;
  readonly sha256: string;
  readonly keyId: string;
  readonly acceptedAt: string;
}

const applied = new WeakMap<ResolvedConfig, AppliedPolicy>();

/** The policy applied to a config by `applySignedPolicyAtLoad` / a hot reload (undefined for configs built otherwise). */
export function appliedPolicyOf(config: ResolvedConfig): AppliedPolicy | undefined {
  return applied.get(config);
}

/** Parses and validates bundle bytes (no signature check). Throws CS_POLICY_REJECTED. */
export function parseBundle(bytes: Uint8Array, where: string): PolicyBundle {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw rejected(`bundle ${where} is not valid UTF-8`, "save the bundle as UTF-8 TOML and sign it again");
  }
  let doc: Record<string, unknown>;
  try {
    doc = parseToml(text) as Record<string, unknown>;
  } catch (e) {
    if (e instanceof TomlError) throw rejected(`bundle ${where}:${e.line}:${e.column} is not valid TOML: ${(e.message.split("\n")[0] ?? "").trim()}`, `correct line ${e.line} and sign the bundle again`);
    throw e;
  }
  const allowed = new Set<string>([...BUNDLE_SECURITY_FIELDS, ...META_FIELDS]);
  const unknown = Object.keys(doc).filter((k) => !allowed.has(k));
  if (unknown.length > 0) throw rejected(`bundle ${where} has unknown field(s) ${unknown.join(", ")}`, `use only: ${[...allowed].join(", ")} (top level, no tables except the maps)`);
  const v = doc.version;
  if (v !== undefined && (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0)) throw rejected(`bundle ${where}: version must be a whole number >= 0, got ${JSON.stringify(v)}`, "write version = <n>, one more than the last released bundle");
  const keyId = doc.key_id;
  if (keyId !== undefined && (typeof keyId !== "string" || !/^[A-Za-z0-9:._-]{1,100}$/.test(keyId))) throw rejected(`bundle ${where}: key_id must be a short id (letters, digits, . _ - :)`, "write key_id = \"<the id of the signing key>\"");
  const description = doc.description;
  if (description !== undefined && typeof description !== "string") throw rejected(`bundle ${where}: description must be a string`, "write description = \"...\"");
  const auditOnly = doc.audit_only;
  if (auditOnly !== undefined && typeof auditOnly !== "boolean") throw rejected(`bundle ${where}: audit_only must be true or false`, "write audit_only = false (forbid observe mode) or remove it (the host decides)");

  const picked: Record<string, unknown> = {};
  for (const k of BUNDLE_SECURITY_FIELDS) if (doc[k] !== undefined) picked[k] = doc[k];
  // Validate with the config schema. A lone threshold is checked against the other's extreme here;
  // the pair is checked again against the host's config when the bundle is applied.
  const probe: Record<string, unknown> = { ...picked };
  if (probe.review_threshold !== undefined && probe.block_threshold === undefined) probe.block_threshold = 255;
  if (probe.block_threshold !== undefined && probe.review_threshold === undefined) probe.review_threshold = 0;
  let security: Record<string, unknown>;
  try {
    const cfg = buildConfig(stringifyToml({ security: probe }), { file: where, env: {}, cwd: path.dirname(where) });
    const s = cfg.security as unknown as Record<string, unknown>;
    security = Object.fromEntries(Object.keys(picked).map((k) => [k, s[k]]));
  } catch (e) {
    const problems = (e as ClawShieldError).details?.problems as { key: string; message: string; fix: string }[] | undefined;
    const list = problems?.map((p) => `${p.key.replace(/^security\./, "")}: ${p.message}`).join("; ") ?? (e as Error).message;
    throw rejected(`bundle ${where} has invalid values: ${list}`, "correct the values and sign the bundle again", { problems });
  }
  return {
    version: typeof v === "number" ? v : 0,
    versioned: v !== undefined,
    ...(typeof keyId === "string" ? { keyId } : {}),
    ...(typeof description === "string" ? { description } : {}),
    ...(typeof auditOnly === "boolean" ? { auditOnly } : {}),
    security,
    sha256: sha256Hex(bytes),
    path: where,
  };
}

/**
 * Verifies the detached signature over the raw bytes. A bundle with `key_id` must be signed by the
 * trusted key of that id (or fingerprint); one without (Rust style) may be signed by any trusted key.
 */
export function verifyBundleBytes(bytes: Uint8Array, signatureText: string | undefined, keys: readonly TrustedKey[], where: string): VerifiedBundle {
  const bundle = parseBundle(bytes, where);
  if (keys.length === 0) throw rejected(`no trusted public key is configured to verify ${where}`, "set [policy] trusted_keys = [\"<key_id>:<base64>\"] (or security.signed_policy_public_key)");
  if (signatureText === undefined) throw rejected(`bundle ${where} is not signed (no signature file)`, `sign it: clawshield policy sign ${where} --key <private key>, and set security.signed_policy_signature`);
  const sig = parseSignature(signatureText);
  if (!sig) throw rejected(`the signature of ${where} is not 64 bytes of base64 or hex`, "use the .sig file written by `clawshield policy sign`");
  if (bundle.keyId !== undefined) {
    const key = findKey(keys, bundle.keyId);
    if (!key) throw rejected(`bundle ${where} names key_id "${bundle.keyId}", which is not a trusted key (trusted: ${keys.map((k) => k.id).join(", ")})`, "add that public key to [policy] trusted_keys, or sign with a trusted key and set key_id to its id", { keyId: bundle.keyId });
    if (!verifyWith(key.key, bytes, sig)) throw rejected(`the signature of ${where} does not verify with key "${key.id}" (bundle or signature changed after signing, or signed with another key)`, "sign the bundle again with the key named by key_id, and deploy bundle and signature together");
    return { bundle, key };
  }
  for (const key of keys) if (verifyWith(key.key, bytes, sig)) return { bundle, key };
  throw rejected(`the signature of ${where} does not verify with any trusted key (${keys.map((k) => k.id).join(", ")})`, "sign the bundle again with a trusted key, and deploy bundle and signature together");
}

/** Resolves the bundle, signature and trusted keys of a config; undefined when no bundle is configured. */
export function policySetupOf(config: ResolvedConfig): PolicySetup | undefined {
  const sec = config.security;
  if (sec.signed_policy_bundle === undefined) return undefined;
  const bundlePath = sec.signed_policy_bundle;
  return {
    bundlePath,
    ...(sec.signed_policy_signature === undefined ? {} : { signaturePath: sec.signed_policy_signature }),
    keys: trustedKeysOf(config, path.dirname(bundlePath)),
    statePath: statePathOf(config),
  };
}

export function statePathOf(config: ResolvedConfig): string {
  return config.policy.state_path ?? path.join(config.runtime.state_dir, "policy-state.json");
}

/** Every trusted key of a config: security.signed_policy_public_key, [policy] trusted_keys and trusted_keys_file. */
export function trustedKeysOf(config: ResolvedConfig, bundleDir?: string): TrustedKey[] {
  const keys: TrustedKey[] = [];
  const pk = config.security.signed_policy_public_key;
  if (pk !== undefined && pk.trim() !== "") keys.push(makeTrusted(parsePublicKey(pk, "security.signed_policy_public_key", config.baseDir), undefined, "security.signed_policy_public_key"));
  keys.push(...parseTrustedKeyEntries(config.policy.trusted_keys, "[policy] trusted_keys"));
  const file = config.policy.trusted_keys_file;
  if (file !== undefined) {
    if (bundleDir !== undefined && isInside(bundleDir, file)) {
      throw rejected(`[policy] trusted_keys_file ${file} is in the bundle's folder ${bundleDir}: whoever can replace the bundle could replace the trust root too`, "move the trusted keys file to a folder only the administrator can write (e.g. /etc/clawshield/trusted-keys)");
    }
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch (e) {
      throw rejected(`cannot read [policy] trusted_keys_file ${file}: ${(e as Error).message}`, "check the path and permissions");
    }
    keys.push(...parseTrustedKeyEntries(text.split("\n"), file));
  }
  const byId = new Map<string, TrustedKey>();
  for (const k of keys) {
    const prev = byId.get(k.id);
    if (prev && !prev.raw.equals(k.raw)) throw rejected(`key id "${k.id}" names two different keys (${prev.from} and ${k.from})`, "give every trusted key its own id");
    byId.set(k.id, k);
  }
  return [...byId.values()];
}

function isInside(dir: string, file: string): boolean {
  const rel = path.relative(path.resolve(dir), path.resolve(file));
  return rel !== "" && !rel.startsWith("..") && !path.isAbsolute(rel);
}

export function readPolicyState(statePath: string): PolicyState | undefined {
  if (!existsSync(statePath)) return undefined;
  try {
    const s = JSON.parse(readFileSync(statePath, "utf8")) as PolicyState;
    if (typeof s.highestVersion !== "number" || typeof s.sha256 !== "string") throw new Error("missing highestVersion/sha256");
    return s;
  } catch (e) {
    throw rejected(`policy rollback state ${statePath} is unreadable: ${(e as Error).message}`, "restore it from backup; only if you trust the current bundle, delete it (the next start records the bundle's version again)");
  }
}

export function writePolicyState(statePath: string, vb: VerifiedBundle, now = Date.now()): void {
  const state: PolicyState = { highestVersion: vb.bundle.version, sha256: vb.bundle.sha256, keyId: vb.key.id, acceptedAt: new Date(now).toISOString() };
  writeFileAtomicSync(statePath, `${JSON.stringify(state, null, 2)}\n`);
}

/**
 * Rollback rules: a bundle older than the highest accepted version is refused; the same version
 * with different bytes is refused (a version names one bundle). A Rust-style bundle (no version)
 * counts as version 0: it is accepted only while no versioned bundle has been accepted, and any
 * signed version-0 bundle may replace another (no ordering exists between them).
 */
export function checkRollback(bundle: PolicyBundle, highest: { version: number; sha256: string } | undefined, where: string): void {
  if (highest === undefined) return;
  if (bundle.version < highest.version) {
    throw rejected(
      `bundle ${where} has version ${bundle.versioned ? bundle.version : "(none, counts as 0)"}, older than version ${highest.version} already accepted on this host: a rollback`,
      `deploy a bundle with version >= ${highest.version} (raise version, sign again)`,
      { version: bundle.version, highestVersion: highest.version },
    );
  }
  if (bundle.version === highest.version && bundle.version > 0 && bundle.sha256 !== highest.sha256) {
    throw rejected(`bundle ${where} reuses version ${bundle.version} with different content`, `give every change a new version: set version = ${highest.version + 1} and sign again`, { version: bundle.version });
  }
}

/** Reads and verifies the configured bundle (signature, key id, rollback against the state file). */
export function loadVerifiedBundle(setup: PolicySetup, current?: { version: number; sha256: string }): VerifiedBundle {
  let bytes: Buffer;
  try {
    bytes = readFileSync(setup.bundlePath);
  } catch (e) {
    throw rejected(`cannot read policy bundle ${setup.bundlePath}: ${(e as Error).message}`, "check security.signed_policy_bundle");
  }
  let sigText: string | undefined;
  if (setup.signaturePath !== undefined) {
    try {
      sigText = readFileSync(setup.signaturePath, "utf8");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw rejected(`cannot read signature ${setup.signaturePath}: ${(e as Error).message}`, "check security.signed_policy_signature");
    }
  }
  const vb = verifyBundleBytes(bytes, sigText, setup.keys, setup.bundlePath);
  const state = readPolicyState(setup.statePath);
  const highest = [state ? { version: state.highestVersion, sha256: state.sha256 } : undefined, current].filter((x) => x !== undefined).sort((a, b) => b.version - a.version)[0];
  checkRollback(vb.bundle, highest, setup.bundlePath);
  return vb;
}

/** The base config with the bundle's values applied. Throws CS_POLICY_REJECTED if the merged thresholds are inconsistent. */
export function applyBundle(base: ResolvedConfig, vb: VerifiedBundle, setup?: PolicySetup): ResolvedConfig {
  const security = { ...(base.security as unknown as Record<string, unknown>), ...vb.bundle.security } as unknown as ResolvedConfig["security"];
  if (security.review_threshold >= security.block_threshold) {
    throw rejected(`with bundle ${vb.bundle.path}, review_threshold (${security.review_threshold}) is not below block_threshold (${security.block_threshold})`, "set both thresholds in the bundle, review lower than block");
  }
  const auditOnly = vb.bundle.auditOnly ?? base.runtime.audit_only;
  const merged = deepFreeze({ ...base, security, runtime: { ...base.runtime, audit_only: auditOnly } }) as ResolvedConfig;
  applied.set(merged, {
    base,
    ...(setup ? { setup } : {}),
    verified: vb,
    label: bundleLabel(vb),
    ...(vb.bundle.auditOnly !== undefined && vb.bundle.auditOnly !== base.runtime.audit_only ? { auditOnlyOverridden: true } : {}),
  });
  return merged;
}

export function bundleLabel(vb: VerifiedBundle): string {
  return `v${vb.bundle.version} key ${vb.key.id} sha256:${vb.bundle.sha256.slice(0, 12)}`;
}

/** Label of a config without a bundle: a hash of the policy fields in effect. */
export function localLabel(config: ResolvedConfig): string {
  const s = config.security as unknown as Record<string, unknown>;
  const fields: Record<string, unknown> = { audit_only: config.runtime.audit_only, scoring: s.scoring };
  for (const k of BUNDLE_SECURITY_FIELDS) fields[k] = s[k];
  return `local sha256:${sha256Hex(canonicalJson(fields)).slice(0, 12)}`;
}

/** The policyVersion decisions made with this config carry. */
export function policyVersionOf(config: ResolvedConfig): string {
  return applied.get(config)?.label ?? localLabel(config);
}

/**
 * The loader hook (src/config/load.ts): verifies and applies the configured bundle, refusing an
 * invalid, unsigned, unknown-key or older bundle with CS_POLICY_REJECTED, and records the accepted
 * version in the state file. Without a bundle the config is returned as is (or refused when
 * [policy] require_bundle is set).
 */
export function applySignedPolicyAtLoad(config: ResolvedConfig): ResolvedConfig {
  const setup = policySetupOf(config);
  if (setup === undefined) {
    if (config.policy.require_bundle) throw rejected("[policy] require_bundle is set but no security.signed_policy_bundle is configured", "set security.signed_policy_bundle and security.signed_policy_signature (and a trusted key)");
    applied.set(config, { base: config, label: localLabel(config) });
    return config;
  }
  const vb = loadVerifiedBundle(setup);
  const merged = applyBundle(config, vb, setup);
  const state = readPolicyState(setup.statePath);
  if (state === undefined || vb.bundle.version > state.highestVersion || (vb.bundle.version === state.highestVersion && vb.bundle.sha256 !== state.sha256)) {
    try {
      writePolicyState(setup.statePath, vb);
    } catch (e) {
      throw new ClawShieldError(ErrorCode.POLICY_REJECTED, `${ErrorCode.POLICY_REJECTED}: cannot record the accepted bundle version in ${setup.statePath}: ${(e as Error).message}. Fix: make runtime.state_dir (or [policy] state_path) writable.`, {}, e);
    }
  }
  return merged;
}

function deepFreeze<T>(o: T): T {
  if (typeof o === "object" && o !== null && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o)) deepFreeze(v);
  }
  return o;
}
