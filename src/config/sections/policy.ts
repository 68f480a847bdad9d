// [policy] — Signed policy bundles, tamper-evident logs and self-attestation. The bundle itself and
// its detached signature stay in the Rust keys security.signed_policy_bundle / _signature /
// _public_key (compatible); these keys add key rotation, rollback state, hot reload, signed log
// checkpoints and the release manifest check.
import { f, type SectionSpec } from "../fields.ts";

export const policySection: SectionSpec = {
  trusted_keys: f.strList([], "Trusted Ed25519 public keys for policy bundles, each \"<key_id>:<base64 or hex>\" (several for rotation). security.signed_policy_public_key is trusted too (its id is its fingerprint)."),
  trusted_keys_file: f.path(undefined, "File with more trusted keys, one \"<key_id>:<base64>\" per line (# comments). Must not be in the bundle's folder: the trust root should not sit next to what it verifies."),
  require_bundle: f.bool(false, "Refuse to start without a signed policy bundle (security.signed_policy_bundle). Also refused: a configured bundle whose signature or trusted key is missing."),
  state_path: f.path(undefined, "Rollback state: the highest accepted bundle version and its SHA-256; default <runtime.state_dir>/policy-state.json."),
  watch: f.bool(true, "Watch the bundle and its signature (fs.watch plus a periodic stat) and hot-reload a new bundle when it verifies; a bad update keeps the last good policy and raises an alert."),
  watch_interval_ms: f.int(2000, "Period of the stat fallback of the bundle watcher.", 100, 3_600_000),
  checkpoint_every: f.int(1000, "Write a checkpoint of the decision log / quarantine index chain every this many records (0 = only on rotation and close).", 0, 100_000_000),
  checkpoint_key: f.path(undefined, "Ed25519 private key (PEM, from `clawshield policy keygen`) that signs log checkpoints. Keep it readable only by ClawShield's user (0600)."),
  checkpoint_key_id: f.str(undefined, "Key id written into signed checkpoints; default the checkpoint_key file name without .key."),
  release_manifest: f.path(undefined, "Release manifest (`npm run release:manifest`) to compare ClawShield's own files against at start."),
  attestation_mismatch: f.enumOf(["warn", "refuse"], "warn", "What a mismatch with release_manifest does at start: log an error and count it (warn) or refuse to start (refuse)."),
};

export interface PolicyConfig {
  readonly trusted_keys: readonly string[];
  readonly trusted_keys_file?: string;
  readonly require_bundle: boolean;
  readonly state_path?: string;
  readonly watch: boolean;
  readonly watch_interval_ms: number;
  readonly checkpoint_every: number;
  readonly checkpoint_key?: string;
  readonly checkpoint_key_id?: string;
  readonly release_manifest?: string;
  readonly attestation_mismatch: "warn" | "refuse";
}
