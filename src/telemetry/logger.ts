// The process logger: pino, JSON lines to stderr (stdout stays free for command output), level from
// runtime.log_level, secrets redacted by key wherever they appear (top level or nested two levels).
// Redaction is a copy-on-write walk in `formatters.log` rather than pino's `redact` paths: with the
// wildcard paths every key needs, pino's redaction cloned each logged object and was the largest
// source of garbage in a busy sidecar (18 % of all allocations, bench: sidecar).

import pino, { type DestinationStream, type Logger as PinoLogger } from "pino";
import type { Logger } from "../defender/types.ts";

/** Keys whose values are never logged. */
export const REDACTED_KEYS: readonly string[] = [
  "token",
  "password",
  "secret",
  "apiKey",
  "api_key",
  "virustotal_api_key",
  "authorization",
  "Authorization",
  "cookie",
  "Cookie",
  "signature",
  "privateKey",
  "private_key",
];

const SECRET_KEYS: ReadonlySet<string> = new Set(REDACTED_KEYS);
const CENSOR = "<redacted>";
/** Levels below the logged object that are searched (the object itself is level 0). */
const REDACT_DEPTH = 2;

/** The object with every secret-named member (up to REDACT_DEPTH levels down) censored; the same object when there is none. */
export function redactLogObject<T>(value: T, depth = 0): T {
  if (typeof value !== "object" || value === null || depth > REDACT_DEPTH) return value;
  if (ArrayBuffer.isView(value)) return value;
  if (value instanceof Error) {
    // An error can carry secrets in its own members (a client error with the request's headers):
    // censored in a copy that is still an Error of the same class, so pino's err serializer applies.
    const err = value as Error & Record<string, unknown>;
    let copy: (Error & Record<string, unknown>) | undefined;
    for (const k of Object.keys(err)) {
      const v = err[k];
      const next = SECRET_KEYS.has(k) && v !== undefined ? CENSOR : redactLogObject(v, depth + 1);
      if (next === v) continue;
      copy ??= Object.assign(Object.create(Object.getPrototypeOf(err) as object) as Error & Record<string, unknown>, err, { message: err.message, stack: err.stack });
      copy[k] = next;
    }
    return (copy ?? value) as T;
  }
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const v = redactLogObject(value[i] as unknown, depth + 1);
      if (v !== value[i]) (out ??= value.slice())[i] = v;
    }
    return (out ?? value) as T;
  }
  let out: Record<string, unknown> | undefined;
  const obj = value as Record<string, unknown>;
  for (const k in obj) {
    if (!Object.hasOwn(obj, k)) continue;
    const v = obj[k];
    const next = SECRET_KEYS.has(k) && v !== undefined ? CENSOR : redactLogObject(v, depth + 1);
    if (next !== v) (out ??= { ...obj })[k] = next;
  }
  return (out ?? value) as T;
}

export interface LoggerOptions {
  readonly level?: string;
  /** Where lines go; default stderr (fd 2, synchronous so nothing is lost on exit). */
  readonly destination?: DestinationStream;
  readonly name?: string;
}

export function createLogger(opts: LoggerOptions = {}): Logger & PinoLogger {
  const level = opts.level ?? "info";
  return pino(
    {
      name: opts.name ?? "clawshield",
      level,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }), log: (obj) => redactLogObject(obj) },
      serializers: { err: pino.stdSerializers.err },
    },
    opts.destination ?? pino.destination({ fd: 2, sync: true }),
  );
}
