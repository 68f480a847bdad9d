// `npm run release:manifest -- [--out release-manifest.json] [--key <private.key>] [--key-id id] [--root dir]`
// Writes the attestation manifest of this checkout (src/**, bin/**, package.json, package-lock.json,
// openclaw.plugin.json), optionally signed with the policy key. Hosts compare their installed files
// with it: `clawshield attest --verify release-manifest.json --pubkey <base64>`, or at start with
// [policy] release_manifest.

import { writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { computeManifest, PACKAGE_ROOT, signManifest, type AttestationManifest } from "../src/policy/attest.ts";
import { loadSigner } from "../src/policy/keys.ts";

export async function main(argv: readonly string[], cwd = process.cwd(), out: (s: string) => void = (s) => process.stdout.write(s)): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: { out: { type: "string" }, key: { type: "string" }, "key-id": { type: "string" }, root: { type: "string" }, help: { type: "boolean" } },
    strict: true,
  });
  if (values.help) {
    out("usage: npm run release:manifest -- [--out release-manifest.json] [--key private.key] [--key-id id] [--root dir]\n");
    return 0;
  }
  const root = values.root !== undefined ? path.resolve(cwd, values.root) : PACKAGE_ROOT;
  let manifest: AttestationManifest = { ...(await computeManifest(root)), createdAt: new Date().toISOString() };
  if (values.key !== undefined) manifest = signManifest(manifest, loadSigner(path.resolve(cwd, values.key), values["key-id"]));
  const file = path.resolve(cwd, values.out ?? "release-manifest.json");
  writeFileSync(file, `${JSON.stringify(manifest, null, 2)}\n`);
  out(`${manifest.digest}  ${file} (${Object.keys(manifest.files).length} files${manifest.signature ? `, signed by ${manifest.signature.keyId}` : ", unsigned"})\n`);
  return 0;
}

if (import.meta.main) {
  try {
    process.exitCode = await main(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`release:manifest: ${(e as Error).message}\n`);
    process.exitCode = 2;
  }
}
