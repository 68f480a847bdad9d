// The sidecar's Ed25519 device identity: created once, kept in <runtime.state_dir>/device-identity.json
// (mode 0600), and the signing callbacks the reference client needs (GatewayClientHostDeps).
// device.id = sha256(raw 32-byte public key) as hex; device.publicKey = raw key, base64url.

import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import type { ResolvedConfig } from "../config/schema.ts";

export interface DeviceIdentity {
  readonly deviceId: string;
  readonly publicKeyPem: string;
  readonly privateKeyPem: string;
}

interface StoredIdentity extends DeviceIdentity {
  readonly version: 1;
  readonly createdAtMs: number;
}

export function deviceIdentityPath(config: ResolvedConfig): string {
  return config.gateway.device_identity_path ?? join(resolve(config.baseDir, config.runtime.state_dir), "device-identity.json");
}

export function rawPublicKey(publicKeyPem: string): Buffer {
  return createPublicKey(publicKeyPem).export({ type: "spki", format: "der" }).subarray(-32);
}

export function publicKeyRawBase64UrlFromPem(publicKeyPem: string): string {
  return rawPublicKey(publicKeyPem).toString("base64url");
}

export function signDevicePayload(privateKeyPem: string, payload: string): string {
  return sign(null, Buffer.from(payload, "utf8"), createPrivateKey(privateKeyPem)).toString("base64url");
}

export function deviceIdFromPem(publicKeyPem: string): string {
  return createHash("sha256").update(rawPublicKey(publicKeyPem)).digest("hex");
}

/** Loads the identity at `path`, or creates and stores a new one (0600). Throws on a corrupt file. */
export function loadOrCreateDeviceIdentity(path: string): DeviceIdentity {
  if (existsSync(path)) {
    const parsed = JSON.parse(readFileSync(path, "utf8")) as Partial<StoredIdentity>;
    if (typeof parsed.publicKeyPem !== "string" || typeof parsed.privateKeyPem !== "string") {
      throw new Error(`device identity ${path} is malformed (publicKeyPem/privateKeyPem missing); move it away to create a new one`);
    }
    const deviceId = deviceIdFromPem(parsed.publicKeyPem);
    try {
      chmodSync(path, 0o600);
    } catch {
      // best effort on file systems without modes
    }
    return { deviceId, publicKeyPem: parsed.publicKeyPem, privateKeyPem: parsed.privateKeyPem };
  }
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  const publicKeyPem = publicKey.export({ type: "spki", format: "pem" }).toString();
  const privateKeyPem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  const id: StoredIdentity = { version: 1, deviceId: deviceIdFromPem(publicKeyPem), publicKeyPem, privateKeyPem, createdAtMs: Date.now() };
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(id, null, 2)}\n`, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
  return { deviceId: id.deviceId, publicKeyPem, privateKeyPem };
}
