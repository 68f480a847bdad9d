// Every ClawShield error code, in one place. Callers branch on `code`, never on message text.
// docs/errors.md lists the same codes (a guard test checks it). Retired codes stay, marked deprecated.

export const ErrorCode = {
  /** A config file or environment value is invalid; `details.problems` lists each one. */
  CONFIG_INVALID: "CS_CONFIG_INVALID",
  /** A config file could not be read. */
  CONFIG_UNREADABLE: "CS_CONFIG_UNREADABLE",
  /** An action or frame given to the CLI/HTTP API is not valid JSON or not an object. */
  INPUT_INVALID: "CS_INPUT_INVALID",
  /** A quarantine record could not be written (the decision still stands). */
  QUARANTINE_WRITE_FAILED: "CS_QUARANTINE_WRITE_FAILED",
  /** The state store could not be opened or written. */
  STORE_UNAVAILABLE: "CS_STORE_UNAVAILABLE",
  /** A lookup (VirusTotal) did not answer before its local deadline: not a verdict from the service. */
  LOOKUP_TIMEOUT: "CS_LOOKUP_TIMEOUT",
  /** A lookup service answered with an error or could not be reached. */
  LOOKUP_FAILED: "CS_LOOKUP_FAILED",
  /** The Gateway refused the connection or did not grant a required scope. */
  GATEWAY_AUTH: "CS_GATEWAY_AUTH",
  /** A signed policy bundle failed verification (bad signature, unknown key, rollback). */
  POLICY_REJECTED: "CS_POLICY_REJECTED",
  /** A hash-chained record log failed verification. */
  LOG_TAMPERED: "CS_LOG_TAMPERED",
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export class ClawShieldError extends Error {
  readonly code: ErrorCode;
  readonly details: Readonly<Record<string, unknown>>;
  constructor(code: ErrorCode, message: string, details: Record<string, unknown> = {}, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = "ClawShieldError";
    this.code = code;
    this.details = details;
  }
}

export function isClawShieldError(e: unknown): e is ClawShieldError {
  return e instanceof ClawShieldError;
}
