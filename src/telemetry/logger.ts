// The process logger: pino, JSON lines to stderr (stdout stays free for command output), level from
// runtime.log_level, secrets redacted by key wherever they appear (top level or nested two levels).

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

function redactPaths(): string[] {
  const out: string[] = [];
  for (const k of REDACTED_KEYS) out.push(k, `*.${k}`, `*.*.${k}`);
  out.push("req.headers.authorization", "req.headers.cookie", "headers.authorization", "headers.cookie");
  return out;
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
      redact: { paths: redactPaths(), censor: "<redacted>" },
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      serializers: { err: pino.stdSerializers.err },
    },
    opts.destination ?? pino.destination({ fd: 2, sync: true }),
  );
}
