// Self-attestation: a manifest of ClawShield's own installed files (src/**, bin/**, package.json,
// package-lock.json, openclaw.plugin.json; never node_modules or tests) with the SHA-256 of each
// and a digest over all of them. `getAttestation()` computes it once per process (cached);
// `compareManifests` lists changed/missing/extra files against a release manifest, whose optional
// Ed25519 signature (by the policy key) `verifyManifestSignature` checks.

import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { lstat, readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { canonicalJson, sha256Hex } from "../store/chain.ts";
import { findKey, verifyWith, type Signer, type TrustedKey } from "./keys.ts";

export const MANIFEST_FORMAT = "clawshield-attestation/1";
const ROOT_FILES = ["package.json", "package-lock.json", "openclaw.plugin.json"];
const TREES = ["src", "bin"];
const SKIP_DIRS = new Set(["node_modules", "test", "tests", "__tests__", ".git"]);

export interface AttestationManifest {
  readonly format: typeof MANIFEST_FORMAT;
  readonly name: string;
  readonly version: string;
  /** Relative POSIX path → SHA-256 (hex), sorted by path. */
  readonly files: Readonly<Record<string, string>>;
  /** sha256 over the canonical JSON of `files`. */
  readonly digest: string;
  readonly createdAt?: string;
  readonly signature?: { readonly keyId: string; readonly publicKey: string; readonly sig: string };
}

export interface Attestation {
  readonly digest: string;
  readonly version: string;
  readonly fileCount: number;
  readonly root: string;
  readonly computedAt: string;
  readonly manifest: AttestationManifest;
}

export interface ManifestDiff {
  readonly match: boolean;
  readonly changed: readonly string[];
  readonly missing: readonly string[];
  readonly extra: readonly string[];
  /** The expected manifest's digest does not match its own file list (the manifest was edited). */
  readonly manifestInconsistent: boolean;
}

/** The installed package root (the folder holding package.json above src/policy). */
export const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

export function manifestDigest(files: Readonly<Record<string, string>>): string {
  return sha256Hex(canonicalJson(files));
}

/** Hashes the attested files under `root`. */
export async function computeManifest(root: string = PACKAGE_ROOT): Promise<AttestationManifest> {
  const rels: string[] = [];
  for (const f of ROOT_FILES) if (existsSync(path.join(root, f))) rels.push(f);
  for (const t of TREES) await walk(root, t, rels);
  rels.sort();
  const files: Record<string, string> = {};
  for (const rel of rels) files[rel] = createHash("sha256").update(await readFile(path.join(root, rel))).digest("hex");
  let name = "clawshield";
  let version = "0.0.0";
  try {
    const pkg = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { name?: string; version?: string };
    name = pkg.name ?? name;
    version = pkg.version ?? version;
  } catch {
    // no package.json: attested anyway
  }
  return { format: MANIFEST_FORMAT, name, version, files, digest: manifestDigest(files) };
}

async function walk(root: string, rel: string, out: string[]): Promise<void> {
  const abs = path.join(root, rel);
  let st;
  try {
    st = await lstat(abs);
  } catch {
    return;
  }
  if (st.isSymbolicLink()) {
    out.push(rel.split(path.sep).join("/")); // hashed through the link: its target's content counts
    return;
  }
  if (st.isFile()) {
    out.push(rel.split(path.sep).join("/"));
    return;
  }
  if (!st.isDirectory()) return;
  for (const name of (await readdir(abs)).sort()) {
    if (SKIP_DIRS.has(name)) continue;
    if (/\.test\.[cm]?[jt]s$/.test(name)) continue;
    await walk(root, path.join(rel, name), out);
  }
}

let cached: Promise<Attestation> | undefined;
let cachedValue: Attestation | undefined;

/** ClawShield's own attestation, computed on first call and cached for the life of the process. */
export function getAttestation(): Promise<Attestation> {
  cached ??= computeManifest(PACKAGE_ROOT).then((m) => {
    cachedValue = { digest: m.digest, version: m.version, fileCount: Object.keys(m.files).length, root: PACKAGE_ROOT, computedAt: new Date().toISOString(), manifest: m };
    return cachedValue;
  });
  return cached;
}

/** The cached attestation if `getAttestation()` has finished (for synchronous callers). */
export function peekAttestation(): Attestation | undefined {
  return cachedValue;
}

export function compareManifests(expected: AttestationManifest, actual: AttestationManifest): ManifestDiff {
  const changed: string[] = [];
  const missing: string[] = [];
  const extra: string[] = [];
  for (const [p, h] of Object.entries(expected.files)) {
    const got = actual.files[p];
    if (got === undefined) missing.push(p);
    else if (got !== h) changed.push(p);
  }
  for (const p of Object.keys(actual.files)) if (!(p in expected.files)) extra.push(p);
  const manifestInconsistent = manifestDigest(expected.files) !== expected.digest;
  return { match: !manifestInconsistent && changed.length + missing.length + extra.length === 0, changed, missing, extra, manifestInconsistent };
}

function signedPart(m: AttestationManifest): Buffer {
  const { signature: _s, ...rest } = m;
  return Buffer.from(canonicalJson(rest), "utf8");
}

export function signManifest(m: AttestationManifest, signer: Signer): AttestationManifest {
  const { signature: _drop, ...rest } = m;
  const sig = signer.sign(signedPart(rest as AttestationManifest)).toString("base64");
  return { ...rest, signature: { keyId: signer.keyId, publicKey: signer.publicKeyRaw.toString("base64"), sig } };
}

/**
 * Checks the manifest's signature against trusted keys (by key id, else by any key). The public key
 * embedded in the manifest is only a hint: trust comes from `keys`.
 */
export function verifyManifestSignature(m: AttestationManifest, keys: readonly TrustedKey[]): { ok: boolean; keyId?: string; message: string } {
  if (!m.signature) return { ok: false, message: "the manifest is not signed" };
  const sig = Buffer.from(m.signature.sig, "base64");
  const data = signedPart(m);
  const named = findKey(keys, m.signature.keyId);
  const candidates = named ? [named] : keys;
  for (const k of candidates) if (verifyWith(k.key, data, sig)) return { ok: true, keyId: k.id, message: `signature verifies with key ${k.id}` };
  return { ok: false, message: named ? `the signature does not verify with key ${named.id}` : `the signature (key id ${m.signature.keyId}) does not verify with any given key` };
}

export function parseManifest(text: string, where: string): AttestationManifest {
  const m = JSON.parse(text) as AttestationManifest;
  if (m.format !== MANIFEST_FORMAT || typeof m.files !== "object" || typeof m.digest !== "string") throw new Error(`${where} is not a ClawShield attestation manifest (format ${MANIFEST_FORMAT})`);
  return m;
}
