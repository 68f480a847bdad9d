// `clawshield policy keygen|sign|verify`, `clawshield log verify`, `clawshield attest`.
// Exit codes: 0 ok; 20 rejected / tampered / mismatch; 2 usage or unreadable input.

import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Command } from "commander";
import { buildConfig, resolveConfigPath } from "../../config/load.ts";
import type { ResolvedConfig } from "../../config/schema.ts";
import { ClawShieldError, ErrorCode, isClawShieldError } from "../../errors.ts";
import { compareManifests, computeManifest, getAttestation, PACKAGE_ROOT, parseManifest, verifyManifestSignature, type AttestationManifest } from "../../policy/attest.ts";
import { checkRollback, parseBundle, readPolicyState, statePathOf, trustedKeysOf, verifyBundleBytes } from "../../policy/bundle.ts";
import { fingerprintOf, generateKeyPair, loadSigner, makeTrusted, parsePublicKey, publicKeyFromRaw, type TrustedKey } from "../../policy/keys.ts";
import { verifyChain, type ChainIssue, type ChainReport } from "../../store/chain.ts";
import { QUARANTINE_INDEX, verifyQuarantine } from "../../store/quarantine.ts";
import type { CliContext } from "../context.ts";
import { ExitCode } from "../output.ts";

const OK = ExitCode.allow;
const BAD = ExitCode.block; // 20
const USAGE = ExitCode.usage;

export function registerPolicyCommands(program: Command, ctx: CliContext): void {
  const policy = program.command("policy").description("signed policy bundles: keys, signing, verification");

  policy
    .command("keygen")
    .description("create an Ed25519 key pair for signing policy bundles (private key file mode 0600)")
    .option("--out <dir>", "folder for <key-id>.key and <key-id>.pub (default: ~/.config/clawshield/keys, never the config folder)")
    .option("--key-id <id>", "key id written into bundles (default: policy-<fingerprint>)")
    .option("--json", "print JSON")
    .action((opts: { out?: string; keyId?: string; json?: boolean }) => {
      const { privatePem, publicRaw } = generateKeyPair();
      const fp = fingerprintOf(publicRaw);
      const keyId = opts.keyId ?? `policy-${fp.slice("ed25519:".length, "ed25519:".length + 8)}`;
      if (!/^[A-Za-z0-9._-]{1,64}$/.test(keyId)) throw usage(`--key-id "${keyId}" may only hold letters, digits, . _ - (it names the key files)`, "pick a short id such as ops-2026");
      const dir = path.resolve(ctx.cwd, opts.out ?? defaultKeyDir(ctx.env));
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      const keyFile = path.join(dir, `${keyId}.key`);
      const pubFile = path.join(dir, `${keyId}.pub`);
      if (existsSync(keyFile) || existsSync(pubFile)) throw usage(`${keyFile} already exists; keygen never overwrites a key`, "choose another --key-id or --out folder");
      writeFileSync(keyFile, privatePem, { mode: 0o600, flag: "wx" });
      chmodSync(keyFile, 0o600); // umask cannot widen it, but be explicit
      const pub = publicRaw.toString("base64");
      writeFileSync(pubFile, `${pub}\n`, { mode: 0o644, flag: "wx" });
      const warn = resolveConfigPath({ env: ctx.env, cwd: ctx.cwd }) !== undefined && dir === path.resolve(ctx.cwd) ? "warning: the private key was written next to the config; move it off this folder (ideally off this host)" : undefined;
      if (opts.json) {
        ctx.stdout.write(`${JSON.stringify({ keyId, fingerprint: fp, publicKey: pub, privateKeyFile: keyFile, publicKeyFile: pubFile, trustedKey: `${keyId}:${pub}`, ...(warn ? { warning: warn } : {}) }, null, 2)}\n`);
      } else {
        ctx.stdout.write(
          [
            `key id:       ${keyId} (fingerprint ${fp})`,
            `public key:   ${pub}`,
            `private key:  ${keyFile} (mode 0600; keep it on the signing machine, not on the defended host)`,
            `public file:  ${pubFile}`,
            "",
            "trust it on the defended host (clawshield.toml):",
            "  [policy]",
            `  trusted_keys = ["${keyId}:${pub}"]`,
            "and put key_id = \"" + keyId + "\" plus version = <n> in the bundle, then: clawshield policy sign <bundle.toml> --key " + keyFile,
            ...(warn ? ["", warn] : []),
          ].join("\n") + "\n",
        );
      }
      ctx.setExitCode(OK);
    });

  policy
    .command("sign")
    .description("sign a policy bundle: writes a detached base64 Ed25519 signature over its raw bytes")
    .argument("<bundle>", "bundle TOML file")
    .requiredOption("--key <file>", "private key (.key from `policy keygen`)")
    .option("--key-id <id>", "id of the key (default: the key file name without .key)")
    .option("--out <file>", "signature file (default: <bundle>.sig)")
    .action((bundleArg: string, opts: { key: string; keyId?: string; out?: string }) => {
      const bundlePath = path.resolve(ctx.cwd, bundleArg);
      const bytes = readInput(bundlePath, "bundle");
      const bundle = parseBundle(bytes, bundlePath);
      const signer = loadSigner(path.resolve(ctx.cwd, opts.key), opts.keyId);
      if (bundle.keyId !== undefined && bundle.keyId !== signer.keyId && bundle.keyId !== fingerprintOf(signer.publicKeyRaw)) {
        throw usage(`the bundle names key_id "${bundle.keyId}" but the signing key is "${signer.keyId}"; hosts would refuse it`, `sign with the key "${bundle.keyId}", pass --key-id if the file name differs, or change key_id in the bundle`);
      }
      const sig = signer.sign(bytes).toString("base64");
      const out = path.resolve(ctx.cwd, opts.out ?? `${bundlePath}.sig`);
      writeFileSync(out, `${sig}\n`);
      verifyBundleBytes(bytes, sig, [makeTrusted(signer.publicKeyRaw, bundle.keyId ?? signer.keyId, "signing key")], bundlePath);
      const notes: string[] = [];
      if (!bundle.versioned) notes.push("note: the bundle has no `version`: it counts as version 0 and has no rollback protection between unversioned bundles (add version = <n>)");
      if (bundle.keyId === undefined) notes.push(`note: the bundle has no \`key_id\`: hosts try every trusted key (add key_id = "${signer.keyId}")`);
      ctx.stdout.write(`signed ${bundlePath} (version ${bundle.version}, key ${signer.keyId}, sha256 ${bundle.sha256})\nsignature: ${out}\n${notes.map((n) => `${n}\n`).join("")}`);
      ctx.setExitCode(OK);
    });

  policy
    .command("verify")
    .description("verify a bundle's signature, key id, values and version (exit 0 ok, 20 rejected)")
    .argument("<bundle>", "bundle TOML file")
    .option("--sig <file>", "signature file (default: the configured signature for the configured bundle, else <bundle>.sig)")
    .option("--pubkey <key>", "trusted public key: base64, hex, or a file (default: the config's trusted keys)")
    .option("-c, --config <file>", "config file (trusted keys, rollback state)")
    .option("--json", "print JSON")
    .action((bundleArg: string, opts: { sig?: string; pubkey?: string; config?: string; json?: boolean }) => {
      const bundlePath = path.resolve(ctx.cwd, bundleArg);
      const bytes = readInput(bundlePath, "bundle");
      const cfg = opts.pubkey !== undefined && opts.config === undefined ? undefined : rawConfig(ctx, opts.config);
      let keys: TrustedKey[];
      let sigPath = opts.sig !== undefined ? path.resolve(ctx.cwd, opts.sig) : `${bundlePath}.sig`;
      if (opts.sig === undefined && cfg?.security.signed_policy_bundle === bundlePath && cfg.security.signed_policy_signature !== undefined) sigPath = cfg.security.signed_policy_signature;
      try {
        if (opts.pubkey !== undefined) {
          const raw = parsePublicKey(opts.pubkey, "--pubkey", ctx.cwd);
          const named = safeParse(bytes, bundlePath)?.keyId;
          keys = [makeTrusted(raw, named, "--pubkey")];
        } else keys = trustedKeysOf(cfg!, path.dirname(bundlePath));
        const sigText = existsSync(sigPath) ? readFileSync(sigPath, "utf8") : undefined;
        const vb = verifyBundleBytes(bytes, sigText, keys, bundlePath);
        let stateNote = "no rollback state checked";
        if (cfg) {
          const sp = statePathOf(cfg);
          const st = readPolicyState(sp);
          checkRollback(vb.bundle, st ? { version: st.highestVersion, sha256: st.sha256 } : undefined, bundlePath);
          stateNote = st ? `not older than version ${st.highestVersion} accepted on this host` : `no version accepted yet on this host (${sp})`;
        }
        if (opts.json) ctx.stdout.write(`${JSON.stringify({ ok: true, bundle: bundlePath, signature: sigPath, version: vb.bundle.version, versioned: vb.bundle.versioned, keyId: vb.key.id, fingerprint: vb.key.fingerprint, sha256: vb.bundle.sha256, fields: Object.keys(vb.bundle.security), auditOnly: vb.bundle.auditOnly ?? null }, null, 2)}\n`);
        else ctx.stdout.write(`OK  ${bundlePath}\n  version ${vb.bundle.versioned ? vb.bundle.version : "(none: Rust-style, counts as 0)"}, key ${vb.key.id} (${vb.key.fingerprint}), sha256 ${vb.bundle.sha256}\n  sets: ${[...Object.keys(vb.bundle.security), ...(vb.bundle.auditOnly === undefined ? [] : ["audit_only"])].join(", ") || "(nothing)"}\n  ${stateNote}\n`);
        ctx.setExitCode(OK);
      } catch (e) {
        if (!isClawShieldError(e) || e.code !== ErrorCode.POLICY_REJECTED) throw e;
        if (opts.json) ctx.stdout.write(`${JSON.stringify({ ok: false, bundle: bundlePath, signature: sigPath, error: { code: e.code, message: e.message } }, null, 2)}\n`);
        else ctx.stderr.write(`REJECTED  ${bundlePath}\n  ${e.message}\n`);
        ctx.setExitCode(BAD);
      }
    });

  const log = program.command("log").description("tamper-evident records");
  log
    .command("verify")
    .description("verify the hash chain of the decision log (with its rotated files) and the quarantine index (exit 0 ok, 20 tampered)")
    .argument("[path]", "a decision log, a quarantine folder or its index.jsonl (default: both from the config)")
    .option("--pubkey <key>", "public key for signed checkpoints (base64, hex or file); default: the config's trusted keys and checkpoint key")
    .option("--require-signed", "treat unsigned checkpoints as tampering")
    .option("-c, --config <file>", "config file")
    .option("--json", "print JSON")
    .action((target: string | undefined, opts: { pubkey?: string; requireSigned?: boolean; config?: string; json?: boolean }) => {
      const cfg = target !== undefined && opts.config === undefined && opts.pubkey !== undefined ? undefined : tryRawConfig(ctx, opts.config, target === undefined);
      const keys = new Map<string, ReturnType<typeof publicKeyFromRaw>>();
      if (cfg) {
        for (const k of safeKeys(cfg)) {
          keys.set(k.id, k.key);
          keys.set(k.fingerprint, k.key);
        }
        if (cfg.policy.checkpoint_key !== undefined && existsSync(cfg.policy.checkpoint_key)) {
          const s = loadSigner(cfg.policy.checkpoint_key, cfg.policy.checkpoint_key_id);
          keys.set(s.keyId, publicKeyFromRaw(s.publicKeyRaw));
        }
      }
      const anyKey = opts.pubkey !== undefined ? publicKeyFromRaw(parsePublicKey(opts.pubkey, "--pubkey", ctx.cwd)) : undefined;
      const vopts = { keys, ...(anyKey ? { anyKey } : {}), ...(opts.requireSigned ? { requireSignedCheckpoints: true } : {}) };
      const targets: { kind: "log" | "quarantine"; path: string }[] = [];
      if (target !== undefined) {
        const p = path.resolve(ctx.cwd, target);
        if (!existsSync(p)) throw usage(`${p} does not exist`, "pass a decision log file, a quarantine folder or its index.jsonl");
        if (statSync(p).isDirectory()) targets.push({ kind: "quarantine", path: p });
        else if (path.basename(p) === QUARANTINE_INDEX) targets.push({ kind: "quarantine", path: path.dirname(p) });
        else targets.push({ kind: "log", path: p });
      } else {
        targets.push({ kind: "log", path: cfg!.runtime.decision_log_path });
        if (existsSync(path.join(cfg!.security.quarantine_dir, QUARANTINE_INDEX))) targets.push({ kind: "quarantine", path: cfg!.security.quarantine_dir });
        if (!existsSync(cfg!.runtime.decision_log_path) && targets.length === 1) throw usage(`no decision log at ${cfg!.runtime.decision_log_path}`, "pass the log's path, or --config with runtime.decision_log_path");
      }
      const reports = targets.map((t) => ({ ...t, report: (t.kind === "log" ? verifyChain(t.path, vopts) : verifyQuarantine(t.path, vopts)) as ChainReport }));
      const ok = reports.every((r) => r.report.ok);
      if (opts.json) ctx.stdout.write(`${JSON.stringify({ ok, code: ok ? null : ErrorCode.LOG_TAMPERED, results: reports }, null, 2)}\n`);
      else {
        const out: string[] = [];
        for (const r of reports) {
          const rep = r.report;
          const range = rep.lastSeq === undefined ? "no chained records" : `${rep.records} records, seq ${rep.firstSeq}..${rep.lastSeq}`;
          out.push(`${rep.ok ? "OK      " : "TAMPERED"}  ${r.path}${r.kind === "quarantine" ? " (quarantine index)" : ""}: ${range} in ${rep.files.length} file(s), ${rep.checkpoints} checkpoint(s) (${rep.signedCheckpoints} signature(s) verified)`);
          for (const is of rep.issues) out.push(`  ${formatIssue(is)}`);
          for (const w of rep.warnings) out.push(`  note: ${w}`);
        }
        if (!ok) out.push(`${ErrorCode.LOG_TAMPERED}: the records above were changed after they were written. Fix: keep the files as evidence (copy them away), find who had write access, and compare with your off-host copies; see docs/errors.md.`);
        (ok ? ctx.stdout : ctx.stderr).write(`${out.join("\n")}\n`);
      }
      ctx.setExitCode(ok ? OK : BAD);
    });

  program
    .command("attest")
    .description("hash ClawShield's own files into a manifest; --verify compares with a release manifest (exit 0 match, 20 mismatch)")
    .option("--verify <manifest>", "release manifest to compare against (from `npm run release:manifest`)")
    .option("--pubkey <key>", "public key that must have signed the manifest (base64, hex or file)")
    .option("--root <dir>", "attest this folder instead of the installed package")
    .option("--json", "print JSON")
    .action(async (opts: { verify?: string; pubkey?: string; root?: string; json?: boolean }) => {
      const manifest: AttestationManifest = opts.root !== undefined ? await computeManifest(path.resolve(ctx.cwd, opts.root)) : (await getAttestation()).manifest;
      const root = opts.root !== undefined ? path.resolve(ctx.cwd, opts.root) : PACKAGE_ROOT;
      if (opts.verify === undefined) {
        if (opts.json) ctx.stdout.write(`${JSON.stringify({ digest: manifest.digest, root, manifest }, null, 2)}\n`);
        else ctx.stdout.write(`${manifest.digest}  ${manifest.name} ${manifest.version} (${Object.keys(manifest.files).length} files under ${root})\n`);
        ctx.setExitCode(OK);
        return;
      }
      const file = path.resolve(ctx.cwd, opts.verify);
      let expected: AttestationManifest;
      try {
        expected = parseManifest(readFileSync(file, "utf8"), file);
      } catch (e) {
        throw usage(`cannot read manifest ${file}: ${(e as Error).message}`, "pass a manifest written by `npm run release:manifest`");
      }
      const diff = compareManifests(expected, manifest);
      let sig: { ok: boolean; checked: boolean; message: string } = { ok: true, checked: false, message: expected.signature ? "signature present, not checked (pass --pubkey)" : "manifest not signed" };
      if (opts.pubkey !== undefined) {
        const raw = parsePublicKey(opts.pubkey, "--pubkey", ctx.cwd);
        const r = verifyManifestSignature(expected, [makeTrusted(raw, expected.signature?.keyId, "--pubkey")]);
        sig = { ok: r.ok, checked: true, message: r.message };
      }
      const ok = diff.match && sig.ok;
      if (opts.json) ctx.stdout.write(`${JSON.stringify({ ok, digest: manifest.digest, expectedDigest: expected.digest, ...diff, signature: sig }, null, 2)}\n`);
      else {
        const out = [`${ok ? "MATCH   " : "MISMATCH"}  ${root} vs ${file}`, `  installed digest ${manifest.digest}`, `  release   digest ${expected.digest}`, `  signature: ${sig.message}`];
        if (diff.manifestInconsistent) out.push("  the manifest's digest does not match its own file list: the manifest was edited");
        for (const p of diff.changed) out.push(`  changed: ${p}`);
        for (const p of diff.missing) out.push(`  missing: ${p}`);
        for (const p of diff.extra) out.push(`  extra:   ${p}`);
        (ok ? ctx.stdout : ctx.stderr).write(`${out.join("\n")}\n`);
      }
      ctx.setExitCode(ok ? OK : BAD);
    });
}

function formatIssue(is: ChainIssue): string {
  const where = [is.line !== undefined ? `line ${is.line}` : undefined, is.seq !== undefined ? `seq ${is.seq}` : undefined, is.recordId !== undefined ? `id ${is.recordId}` : undefined].filter(Boolean).join(", ");
  const hashes = is.expected !== undefined || is.found !== undefined ? ` [expected ${is.expected ?? "-"}, found ${is.found ?? "-"}]` : "";
  return `${is.kind.padEnd(12)} ${path.basename(is.file)}${where ? ` (${where})` : ""}: ${is.message}${hashes}`;
}

function defaultKeyDir(env: Readonly<Record<string, string | undefined>>): string {
  if (env.CLAWSHIELD_KEY_DIR) return env.CLAWSHIELD_KEY_DIR;
  const base = env.XDG_CONFIG_HOME ?? path.join(env.HOME ?? os.homedir(), ".config");
  return path.join(base, "clawshield", "keys");
}

/** The config without applying the bundle (so a broken bundle can still be inspected). */
function rawConfig(ctx: CliContext, file?: string): ResolvedConfig {
  const p = resolveConfigPath({ ...(file ? { path: file } : {}), env: ctx.env, cwd: ctx.cwd });
  let text: string | undefined;
  if (p !== undefined) {
    try {
      text = readFileSync(p, "utf8");
    } catch (e) {
      throw new ClawShieldError(ErrorCode.CONFIG_UNREADABLE, `cannot read config file ${p}: ${(e as Error).message}. Fix: check the path or pass --config <file>.`, { file: p }, e);
    }
  }
  return buildConfig(text, { file: p, env: ctx.env, cwd: ctx.cwd });
}

function tryRawConfig(ctx: CliContext, file: string | undefined, required: boolean): ResolvedConfig | undefined {
  try {
    return rawConfig(ctx, file);
  } catch (e) {
    if (required || file !== undefined) throw e;
    return undefined;
  }
}

function safeKeys(cfg: ResolvedConfig): TrustedKey[] {
  try {
    return trustedKeysOf(cfg);
  } catch {
    return [];
  }
}

function safeParse(bytes: Uint8Array, where: string): ReturnType<typeof parseBundle> | undefined {
  try {
    return parseBundle(bytes, where);
  } catch {
    return undefined;
  }
}

function readInput(file: string, what: string): Buffer {
  try {
    return readFileSync(file);
  } catch (e) {
    throw usage(`cannot read ${what} ${file}: ${(e as Error).message}`, "check the path");
  }
}

function usage(what: string, fix: string): ClawShieldError {
  return new ClawShieldError(ErrorCode.INPUT_INVALID, `${what}. Fix: ${fix}.`);
}
