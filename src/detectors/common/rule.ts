// The shape shared by the built-in rules of the command, path, secret and control detectors (the
// path rules are the file-tool counterparts of command rules), and the advice their review-level
// messages end with.

export interface DetectorRule {
  /** Stable id (`cmd.…`, `file.…`, `secret.…`, `ctl.…`: `<detector>.<family>.<name>`), never reused. */
  readonly id: string;
  /** Family, without the detector's category prefix. */
  readonly family: string;
  readonly score: number;
  /** Legacy (Rust-compatible) decision tag. */
  readonly tag: string;
  /** What was found, why it matters, what to do. */
  readonly message: string;
}

export const FIX_REVIEW = "Confirm the intent before approving; suppress with security.disabled_rules if this is routine here.";
