// Wires signed policies into a running defender (called from src/defender/build.ts): the engine's
// policyVersion, the bundle watcher with hot reload and alerts, the checkpoint signer, and the
// self-attestation check at start.

import { readFileSync } from "node:fs";
import type { ResolvedConfig } from "../config/schema.ts";
import type { Defender } from "../defender/defender.ts";
import { noTelemetry, silentLogger, type Logger, type Telemetry } from "../defender/types.ts";
import { ErrorCode } from "../errors.ts";
import { createEngine } from "../index.ts";
import type { DecisionLog } from "../store/decision-log.ts";
import type { Quarantine } from "../store/quarantine.ts";
import { compareManifests, getAttestation, parseManifest } from "./attest.ts";
import { policySetupOf, policyVersionOf } from "./bundle.ts";
import { loadSigner, rejected, type Signer } from "./keys.ts";
import { watchPolicy, type PolicyWatcher } from "./watcher.ts";

export interface AttachPolicyDeps {
  readonly logger?: Logger;
  readonly telemetry?: Telemetry;
  readonly decisionLog?: DecisionLog;
  /** Closed on stop (its index writes a final checkpoint). */
  readonly quarantine?: Quarantine;
}

/** Options for createEngine: the policyVersion every decision carries. */
export function policyEngineOptions(config: ResolvedConfig): { policyVersion: string } {
  return { policyVersion: policyVersionOf(config) };
}

/** The checkpoint signer of [policy] checkpoint_key, if configured. Throws CS_POLICY_REJECTED when unreadable. */
export function checkpointSignerOf(config: ResolvedConfig): Signer | undefined {
  const file = config.policy.checkpoint_key;
  if (file === undefined) return undefined;
  return loadSigner(file, config.policy.checkpoint_key_id);
}

/**
 * Returns the defender with policy behaviour attached: `start()` also checks the attestation and
 * starts the bundle watcher (when a bundle is configured and [policy] watch is on); `stop()` stops
 * it. Everything else is delegated unchanged (including the live `engine`).
 */
export function attachPolicy(inner: Defender, config: ResolvedConfig, deps: AttachPolicyDeps = {}): Defender {
  const logger = deps.logger ?? silentLogger;
  const telemetry = deps.telemetry ?? noTelemetry;
  let watcher: PolicyWatcher | undefined;

  const startWatcher = (): void => {
    if (!config.policy.watch || policySetupOf(config) === undefined) return;
    watcher = watchPolicy({
      config,
      intervalMs: config.policy.watch_interval_ms,
      async onUpdate(next, applied) {
        const engine = await createEngine(next, { policyVersion: applied.label });
        inner.replaceEngine(engine);
        telemetry.count("policy_reloaded");
        logger.info({ policyVersion: applied.label, bundle: applied.setup?.bundlePath }, "signed policy bundle applied");
        appendLog(deps.decisionLog, { ts: new Date().toISOString(), type: "policy_update", policyVersion: applied.label, bundle: applied.setup?.bundlePath, bundleSha256: applied.verified?.bundle.sha256, keyId: applied.verified?.key.id });
      },
      onReject(err, info) {
        telemetry.count("policy_rejected");
        logger.error({ code: err.code, bundle: info.bundlePath, keptPolicyVersion: info.keptLabel, err: err.message }, "policy bundle update rejected; the last good policy stays in force");
        appendLog(deps.decisionLog, { ts: new Date().toISOString(), type: "policy_alert", code: ErrorCode.POLICY_REJECTED, bundle: info.bundlePath, reason: err.message, keptPolicyVersion: info.keptLabel });
      },
    });
  };

  const wrapper: Defender = {
    get config() {
      return inner.config;
    },
    get engine() {
      return inner.engine;
    },
    hasLookups: inner.hasLookups,
    evaluate: (action, opts) => inner.evaluate(action, opts),
    record: (action, decision) => inner.record(action, decision),
    replaceEngine: (engine) => inner.replaceEngine(engine),
    addSink: (sink) => inner.addSink(sink),
    async start() {
      await checkAttestation(config, logger, telemetry);
      await inner.start();
      startWatcher();
    },
    async stop() {
      watcher?.stop();
      watcher = undefined;
      await inner.stop();
      deps.quarantine?.close?.();
    },
  };
  return wrapper;
}

/** Hashes ClawShield's own files (cached) and compares them with [policy] release_manifest if set. */
export async function checkAttestation(config: ResolvedConfig, logger: Logger = silentLogger, telemetry: Telemetry = noTelemetry): Promise<void> {
  const att = await getAttestation();
  logger.info({ attestationDigest: att.digest, files: att.fileCount }, "self-attestation computed");
  const file = config.policy.release_manifest;
  if (file === undefined) return;
  const expected = parseManifest(readFileSync(file, "utf8"), file);
  const diff = compareManifests(expected, att.manifest);
  if (diff.match) {
    logger.info({ manifest: file }, "installed files match the release manifest");
    return;
  }
  telemetry.count("attestation_mismatch");
  const what = `installed files differ from release manifest ${file}: ${diff.changed.length} changed, ${diff.missing.length} missing, ${diff.extra.length} extra${diff.manifestInconsistent ? ", and the manifest's digest does not match its file list" : ""} (${[...diff.changed, ...diff.missing, ...diff.extra].slice(0, 5).join(", ")})`;
  logger.error({ code: ErrorCode.POLICY_REJECTED, changed: diff.changed, missing: diff.missing, extra: diff.extra }, what);
  if (config.policy.attestation_mismatch === "refuse") throw rejected(what, "reinstall ClawShield from the release, or compare with `clawshield attest --verify <manifest>`");
}

function appendLog(log: DecisionLog | undefined, rec: Record<string, unknown>): void {
  try {
    log?.append(rec);
  } catch {
    // the alert is already logged and counted
  }
}
