// Self-attestation: cached getAttestation, and the start-time comparison with [policy] release_manifest.
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { buildConfig } from "../../src/config/load.ts";
import { getAttestation, peekAttestation, signManifest, verifyManifestSignature } from "../../src/policy/attest.ts";
import { makeTrusted, loadSigner } from "../../src/policy/keys.ts";
import { checkAttestation } from "../../src/policy/runtime.ts";
import { makeKey, tmp } from "./helpers.ts";

describe("self-attestation", () => {
  it("getAttestation is computed once and cached; peekAttestation sees it afterwards", async () => {
    const a = getAttestation();
    assert.equal(getAttestation(), a, "the same promise");
    const att = await a;
    assert.equal(peekAttestation(), att);
    assert.match(att.digest, /^[0-9a-f]{64}$/);
    assert.equal(att.fileCount, Object.keys(att.manifest.files).length);
  });

  it("release_manifest at start: a match passes, a mismatch warns (counted) or refuses", async () => {
    const dir = tmp();
    const att = await getAttestation();
    writeFileSync(path.join(dir, "good.json"), JSON.stringify(att.manifest));
    const files = { ...att.manifest.files, "src/ghost.ts": "0".repeat(64) };
    writeFileSync(path.join(dir, "bad.json"), JSON.stringify({ ...att.manifest, files, digest: att.manifest.digest }));
    const cfg = (m: string, mode = "warn") => buildConfig(`[policy]\nrelease_manifest = "${m}"\nattestation_mismatch = "${mode}"\n`, { file: path.join(dir, "c.toml"), env: {}, cwd: dir });
    const counts: string[] = [];
    const tel = { count: (n: string) => void counts.push(n), observe() {}, gauge() {} };
    await checkAttestation(cfg("good.json"), undefined, tel);
    assert.deepEqual(counts, []);
    await checkAttestation(cfg("bad.json"), undefined, tel);
    assert.deepEqual(counts, ["attestation_mismatch"]);
    await assert.rejects(checkAttestation(cfg("bad.json", "refuse")), /CS_POLICY_REJECTED: installed files differ from release manifest .*1 missing/);
  });

  it("a signed manifest verifies with its key only", async () => {
    const dir = tmp();
    const k = makeKey("rel");
    writeFileSync(path.join(dir, "rel.key"), k.pem);
    const signer = loadSigner(path.join(dir, "rel.key"));
    const m = signManifest((await getAttestation()).manifest, signer);
    assert.equal(verifyManifestSignature(m, [makeTrusted(signer.publicKeyRaw, "rel", "t")]).ok, true);
    const other = makeKey("rel");
    assert.equal(verifyManifestSignature(m, [makeTrusted(Buffer.from(other.pub, "base64"), "rel", "t")]).ok, false);
    assert.equal(verifyManifestSignature({ ...m, version: "6.6.6" }, [makeTrusted(signer.publicKeyRaw, "rel", "t")]).ok, false);
  });
});
