// Ed25519 key handling for signed policy bundles, signed log checkpoints and release manifests
// (node:crypto only). Keys and signatures are accepted in the Rust runtime's encodings: base64
// (standard alphabet) or hex, raw 32-byte public keys and 64-byte signatures. Unlike the Rust
// code, which tried base64 first and then failed on the length (so hex never worked in practice),
// both decodings are tried and the one with the expected length wins.

import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { ClawShieldError, ErrorCode } from "../errors.ts";

export const PUBLIC_KEY_BYTES = 32;
export const SIGNATURE_BYTES = 64;

/** One trusted public key. `id` is the configured key id; `fingerprint` is derived from the key bytes. */
export interface TrustedKey {
  readonly id: string;
  readonly fingerprint: string;
  readonly raw: Buffer;
  readonly key: KeyObject;
  /** Where it was configured (for error messages). */
  readonly from: string;
}

/** A private key able to sign, with the id it is known by. */
export interface Signer {
  readonly keyId: string;
  readonly publicKeyRaw: Buffer;
  sign(data: Uint8Array): Buffer;
}

/** Decodes base64 or hex text to exactly `len` bytes; undefined when neither encoding gives that length. */
export function decodeFixed(text: string, len: number): Buffer | undefined {
  const s = text.trim();
  if (s === "") return undefined;
  if (/^[A-Za-z0-9+/]+={0,2}$/.test(s) && s.length % 4 === 0) {
    const b = Buffer.from(s, "base64");
    if (b.length === len) return b;
  }
  if (/^[0-9a-fA-F]+$/.test(s) && s.length === len * 2) return Buffer.from(s, "hex");
  return undefined;
}

/** A short, stable id derived from the public key: "ed25519:" + first 16 hex chars of its SHA-256. */
export function fingerprintOf(raw: Uint8Array): string {
  return `ed25519:${createHash("sha256").update(raw).digest("hex").slice(0, 16)}`;
}

export function publicKeyFromRaw(raw: Buffer): KeyObject {
  return createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: raw.toString("base64url") }, format: "jwk" });
}

export function rawOfPublicKey(key: KeyObject): Buffer {
  const jwk = key.export({ format: "jwk" }) as { x?: string };
  if (jwk.x === undefined) throw new Error("not an Ed25519 public key");
  return Buffer.from(jwk.x, "base64url");
}

/**
 * Parses a public key given as base64, hex, a PEM (SPKI) text, or a path to a file holding any of
 * those. Throws CS_POLICY_REJECTED with what/where/fix.
 */
export function parsePublicKey(input: string, where: string, baseDir = process.cwd()): Buffer {
  const direct = decodeFixed(input, PUBLIC_KEY_BYTES);
  if (direct) return direct;
  let text = input;
  const file = path.resolve(baseDir, input.trim());
  if (!input.includes("-----BEGIN") && existsSync(file)) text = readFileSync(file, "utf8");
  if (text.includes("-----BEGIN")) {
    try {
      const k = createPublicKey(text);
      if (k.asymmetricKeyType !== "ed25519") throw new Error(`key type is ${k.asymmetricKeyType}, expected ed25519`);
      return rawOfPublicKey(k);
    } catch (e) {
      throw rejected(`public key in ${where} is not a valid Ed25519 PEM key: ${(e as Error).message}`, "generate one with `clawshield policy keygen` and use the printed base64 public key");
    }
  }
  const fromFile = decodeFixed(text, PUBLIC_KEY_BYTES);
  if (fromFile) return fromFile;
  throw rejected(`public key in ${where} is not 32 bytes of base64 or hex (nor a file holding one)`, "use the base64 public key printed by `clawshield policy keygen` (44 characters) or its 64-digit hex form");
}

/**
 * Parses trusted key entries "key_id:base64|hex" (a bare key gets its fingerprint as id). Later
 * duplicates of the same id with a different key are refused: one id names one key.
 */
export function parseTrustedKeyEntries(entries: readonly string[], from: string): TrustedKey[] {
  const out: TrustedKey[] = [];
  for (const [i, entry] of entries.entries()) {
    const e = entry.trim();
    if (e === "" || e.startsWith("#")) continue;
    const colon = e.lastIndexOf(":");
    const id = colon > 0 ? e.slice(0, colon).trim() : undefined;
    const material = colon > 0 ? e.slice(colon + 1) : e;
    const raw = decodeFixed(material, PUBLIC_KEY_BYTES);
    if (!raw) throw rejected(`trusted key #${i + 1} in ${from} is not "key_id:<base64 or hex of 32 bytes>"`, "copy the line printed by `clawshield policy keygen`");
    out.push(makeTrusted(raw, id, `${from} #${i + 1}`));
  }
  return out;
}

export function makeTrusted(raw: Buffer, id: string | undefined, from: string): TrustedKey {
  const fingerprint = fingerprintOf(raw);
  return { id: id === undefined || id === "" ? fingerprint : id, fingerprint, raw, key: publicKeyFromRaw(raw), from };
}

/** Finds the trusted key a bundle names (by configured id or by fingerprint). */
export function findKey(keys: readonly TrustedKey[], keyId: string): TrustedKey | undefined {
  return keys.find((k) => k.id === keyId) ?? keys.find((k) => k.fingerprint === keyId);
}

/** Loads a PKCS#8 PEM (or raw 32-byte seed as base64/hex) Ed25519 private key file. */
export function loadSigner(file: string, keyId?: string): Signer {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw rejected(`cannot read private key ${file}: ${(e as Error).message}`, "pass the .key file written by `clawshield policy keygen`");
  }
  let key: KeyObject;
  try {
    if (text.includes("-----BEGIN")) key = createPrivateKey(text);
    else {
      const seed = decodeFixed(text, 32);
      if (!seed) throw new Error("neither a PEM key nor a 32-byte seed");
      key = createPrivateKey({ key: Buffer.concat([Buffer.from("302e020100300506032b657004220420", "hex"), seed]), format: "der", type: "pkcs8" });
    }
    if (key.asymmetricKeyType !== "ed25519") throw new Error(`key type is ${key.asymmetricKeyType}, expected ed25519`);
  } catch (e) {
    throw rejected(`${file} is not an Ed25519 private key: ${(e as Error).message}`, "generate one with `clawshield policy keygen`");
  }
  const pub = rawOfPublicKey(createPublicKey(key));
  const id = keyId ?? keyIdFromFile(file) ?? fingerprintOf(pub);
  return { keyId: id, publicKeyRaw: pub, sign: (data) => sign(null, data, key) };
}

/** "ops-2026.key" → "ops-2026"; undefined for names that do not look like an id. */
export function keyIdFromFile(file: string): string | undefined {
  const base = path.basename(file).replace(/\.(key|pem|priv|private)$/i, "");
  return /^[A-Za-z0-9._-]{1,64}$/.test(base) ? base : undefined;
}

export function generateKeyPair(): { privatePem: string; publicRaw: Buffer } {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  return { privatePem: privateKey.export({ format: "pem", type: "pkcs8" }).toString(), publicRaw: rawOfPublicKey(publicKey) };
}

/** Parses a detached signature (base64 or hex of 64 bytes). */
export function parseSignature(text: string): Buffer | undefined {
  return decodeFixed(text, SIGNATURE_BYTES);
}

export function verifyWith(key: KeyObject, data: Uint8Array, sig: Uint8Array): boolean {
  try {
    return verify(null, data, key, sig);
  } catch {
    return false;
  }
}

export function rejected(what: string, fix: string, details: Record<string, unknown> = {}): ClawShieldError {
  return new ClawShieldError(ErrorCode.POLICY_REJECTED, `${ErrorCode.POLICY_REJECTED}: ${what}. Fix: ${fix}.`, details);
}
