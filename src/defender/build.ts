// Wires a Defender from a config: engine with the default detectors, quarantine, decision log and
// the I/O fact providers. The one place shells get a ready defender from.

import type { ResolvedConfig } from "../config/schema.ts";
import { createEngine } from "../index.ts";
import { createIntegrityMonitor } from "../lookups/integrity/index.ts";
import { createVirusTotalProvider } from "../lookups/virustotal/index.ts";
import { attachPolicy, checkpointSignerOf, policyEngineOptions } from "../policy/runtime.ts";
import { createDecisionLog, decisionLogOptionsOf } from "../store/decision-log.ts";
import { createQuarantine } from "../store/quarantine.ts";
import { createDefender, type Defender, type DecisionSink } from "./defender.ts";
import { noTelemetry, silentLogger, type FactProvider, type Logger, type Telemetry } from "./types.ts";

export interface BuildDefenderOptions {
  readonly logger?: Logger;
  readonly telemetry?: Telemetry;
  /** Write quarantine records and the decision log (default true). `false` for dry runs. */
  readonly evidence?: boolean;
  /** Run the I/O lookups (VirusTotal, host integrity); default true. */
  readonly lookups?: boolean;
  readonly sinks?: readonly DecisionSink[];
  readonly extraProviders?: readonly FactProvider[];
}

export async function buildDefender(config: ResolvedConfig, opts: BuildDefenderOptions = {}): Promise<Defender> {
  const logger = opts.logger ?? silentLogger;
  const telemetry = opts.telemetry ?? noTelemetry;
  const engine = await createEngine(config, policyEngineOptions(config));
  const evidence = opts.evidence ?? true;
  const providers: FactProvider[] = [...(opts.lookups === false ? [] : await createLookupProviders(config, { logger, telemetry })), ...(opts.extraProviders ?? [])];
  // Signed policy (src/policy): checkpoint signer, decision log kept for policy alerts, watcher.
  const signer = evidence ? checkpointSignerOf(config) : undefined;
  const decisionLog = evidence
    ? createDecisionLog({
        ...decisionLogOptionsOf(config, signer),
        groupCommit: true,
        onError: (err, lost) => {
          telemetry.count("decision_log_write_failed", {}, lost);
          logger.error({ err, lostRecords: lost, path: config.runtime.decision_log_path }, `decision log write failed: ${lost} record(s) lost (the chain continues from the last line on disk). Fix: check free space and permissions of the decision log folder.`);
        },
      })
    : undefined;
  const quarantine = evidence ? createQuarantine({ dir: config.security.quarantine_dir, maxRecords: config.security.quarantine_max_records, maxPayloadBytes: config.security.quarantine_max_payload_bytes, ...(signer ? { signer } : {}) }) : undefined;
  const defender = createDefender({
    config,
    engine,
    providers,
    logger,
    telemetry,
    ...(opts.sinks ? { sinks: opts.sinks } : {}),
    ...(evidence
      ? {
          quarantine: quarantine!,
          decisionLog: decisionLog!,
        }
      : {}),
  });
  return attachPolicy(defender, config, { logger, telemetry, ...(decisionLog ? { decisionLog } : {}), ...(quarantine ? { quarantine } : {}) });
}

/**
 * The VirusTotal and host-integrity providers. Long-running shells call `defender.start()`, which
 * starts the integrity monitor (baseline, first check, interval and file watches); VirusTotal is
 * added only with an API key (without one, the offline URL heuristics still score URLs).
 */
async function createLookupProviders(config: ResolvedConfig, deps: { logger: Logger; telemetry: Telemetry }): Promise<FactProvider[]> {
  const out: FactProvider[] = [];
  const vt = createVirusTotalProvider(config, deps);
  if (vt.enabled) out.push(vt);
  if (config.integrity.enabled) out.push(createIntegrityMonitor(config, deps));
  return out;
}
