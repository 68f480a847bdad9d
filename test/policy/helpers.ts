// Test helpers: temp folders, key pairs and signed bundles.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { sign, createPrivateKey } from "node:crypto";
import { generateKeyPair } from "../../src/policy/keys.ts";

export function tmp(prefix = "cs-policy-"): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

export interface TestKey {
  readonly id: string;
  readonly pem: string;
  readonly pub: string; // base64
  readonly entry: string; // "id:base64"
}

export function makeKey(id: string): TestKey {
  const { privatePem, publicRaw } = generateKeyPair();
  const pub = publicRaw.toString("base64");
  return { id, pem: privatePem, pub, entry: `${id}:${pub}` };
}

export function signText(key: TestKey, bytes: string | Buffer): string {
  return sign(null, Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes), createPrivateKey(key.pem)).toString("base64");
}

/** Writes bundle.toml + bundle.toml.sig into dir; returns their paths. */
export function writeBundle(dir: string, key: TestKey, body: string, opts: { name?: string; sigKey?: TestKey } = {}): { bundle: string; sig: string } {
  const bundle = path.join(dir, opts.name ?? "bundle.toml");
  writeFileSync(bundle, body);
  writeFileSync(`${bundle}.sig`, `${signText(opts.sigKey ?? key, body)}\n`);
  return { bundle, sig: `${bundle}.sig` };
}

export function bundleBody(version: number | undefined, keyId: string | undefined, extra = "block_threshold = 60\n"): string {
  return `${version === undefined ? "" : `version = ${version}\n`}${keyId === undefined ? "" : `key_id = "${keyId}"\n`}${extra}`;
}
