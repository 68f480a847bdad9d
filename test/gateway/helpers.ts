// Shared helpers of the sidecar tests: a config pointing at a test gateway with all state in a
// temp dir, a defender without network lookups, a trivial pipeline, and a bounded waitFor.
import { buildConfig } from "../../src/config/load.ts";
import type { ResolvedConfig } from "../../src/config/schema.ts";
import { buildDefender } from "../../src/defender/build.ts";
import type { Defender } from "../../src/defender/defender.ts";
import type { Logger } from "../../src/defender/types.ts";
import type { Action, Decision } from "../../src/engine/types.ts";
import { createSidecar, type Sidecar, type SidecarHooks } from "../../src/gateway/sidecar.ts";
import type { ApprovalOutcome } from "../../src/gateway/approvals.ts";
import type { Observation } from "../../src/gateway/observer.ts";
import type { UnguardedToolCall } from "../../src/gateway/liveness.ts";

export function testConfig(dir: string, overrides: Record<string, unknown> = {}): ResolvedConfig {
  return buildConfig(undefined, {
    env: {},
    cwd: dir,
    overrides: {
      "runtime.state_dir": `${dir}/state`,
      "runtime.decision_log_path": `${dir}/decisions.jsonl`,
      "runtime.session_state_path": `${dir}/state.json`,
      "security.quarantine_dir": `${dir}/quarantine`,
      "gateway.reconnect_max_ms": 2000,
      ...overrides,
    },
  });
}

export interface LogLine {
  level: string;
  obj: Record<string, unknown>;
  msg?: string;
}

/** A Logger that keeps every line (and prints warn+ when CLAWSHIELD_TEST_LOG=1). */
export function memoryLogger(lines: LogLine[] = []): Logger & { lines: LogLine[] } {
  const mk = (level: string) => (obj: object | string, msg?: string) => {
    const o = typeof obj === "string" ? { msg: obj } : (obj as Record<string, unknown>);
    lines.push({ level, obj: o, ...(msg !== undefined ? { msg } : typeof obj === "string" ? { msg: obj } : {}) });
    if (process.env.CLAWSHIELD_TEST_LOG === "1" && level !== "debug" && level !== "trace") console.error(`[${level}] ${msg ?? ""} ${JSON.stringify(o).slice(0, 400)}`);
  };
  return { lines, trace: mk("trace"), debug: mk("debug"), info: mk("info"), warn: mk("warn"), error: mk("error") };
}

export interface Recorded {
  observed: Array<{ o: Observation & { action: Action }; d: Decision }>;
  approvals: ApprovalOutcome[];
  unguarded: UnguardedToolCall[];
}

export interface TestSidecar {
  sidecar: Sidecar;
  defender: Defender;
  config: ResolvedConfig;
  rec: Recorded;
  logger: ReturnType<typeof memoryLogger>;
  counters: Map<string, number>;
  /** Last value of each gauge, keyed like counters (`name` or `name{"label":"value"}`). */
  gauges: Map<string, number>;
}

export async function startTestSidecar(config: ResolvedConfig): Promise<TestSidecar> {
  const logger = memoryLogger();
  const counters = new Map<string, number>();
  const gauges = new Map<string, number>();
  const telemetry = {
    count(name: string, labels?: Readonly<Record<string, string>>, by = 1) {
      const k = labels ? `${name}${JSON.stringify(labels)}` : name;
      counters.set(k, (counters.get(k) ?? 0) + by);
      counters.set(name, (counters.get(name) ?? 0) + by);
    },
    observe() {},
    gauge(name: string, value: number, labels?: Readonly<Record<string, string>>) {
      gauges.set(labels ? `${name}${JSON.stringify(labels)}` : name, value);
    },
  };
  const defender = await buildDefender(config, { lookups: false, logger, telemetry });
  const rec: Recorded = { observed: [], approvals: [], unguarded: [] };
  const hooks: SidecarHooks = {
    onObserved: (o, d) => rec.observed.push({ o: o as Observation & { action: Action }, d }),
    onApproval: (a) => rec.approvals.push(a),
    onUnguarded: (u) => rec.unguarded.push(u),
  };
  const pipeline = { submit: (a: Action) => defender.evaluate(a) };
  const sidecar = createSidecar({ config, pipeline, defender, logger, telemetry, hooks });
  await sidecar.start();
  return { sidecar, defender, config, rec, logger, counters, gauges };
}

/** Polls `pred` every 50 ms until true (bounded). */
export async function waitFor<T>(pred: () => T | undefined | false, timeoutMs: number, what = "condition"): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = pred();
    if (v) return v;
    if (Date.now() - t0 > timeoutMs) throw new Error(`waitFor: ${what} not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
