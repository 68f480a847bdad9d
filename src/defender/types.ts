// Contracts between the defender (engine + evidence + lookups) and the I/O lookups it runs
// before each evaluation. Lookups turn the outside world into Findings (facts), so the engine
// stays pure.

import type { Action, Finding, Subject } from "../engine/types.ts";

/**
 * An asynchronous source of findings: VirusTotal reputation, host-integrity drift. `collect`
 * must never throw for an outside failure: it returns a finding saying what failed (fail modes
 * are the provider's job, counted and logged), so a failure is never a silent allow.
 */
export interface FactProvider {
  readonly id: string;
  collect(action: Action, subjects: readonly Subject[], signal: AbortSignal): Promise<readonly Finding[]> | readonly Finding[];
  start?(): Promise<void> | void;
  stop?(): Promise<void> | void;
}

/** Counters and alerts a component reports; the metrics registry implements it (src/server). */
export interface Telemetry {
  /** Increments a named counter, e.g. ("vt_unavailable", {reason: "timeout"}). */
  count(name: string, labels?: Readonly<Record<string, string>>, by?: number): void;
  /** Records an observation (histogram), e.g. ("eval_seconds", 0.0003). */
  observe(name: string, value: number, labels?: Readonly<Record<string, string>>): void;
  /** Sets a gauge, e.g. ("queue_depth", 12). */
  gauge(name: string, value: number, labels?: Readonly<Record<string, string>>): void;
}

/** A Telemetry that records nothing (CLI one-shots, tests). */
export const noTelemetry: Telemetry = { count() {}, observe() {}, gauge() {} };

/** Minimal logger shape (pino-compatible) so modules do not depend on pino directly. */
export interface Logger {
  trace(obj: object | string, msg?: string): void;
  debug(obj: object | string, msg?: string): void;
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
  child?(bindings: Record<string, unknown>): Logger;
}

export const silentLogger: Logger = { trace() {}, debug() {}, info() {}, warn() {}, error() {} };
