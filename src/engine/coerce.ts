// Boolean-like values as the Rust runtime read them: true/false, a number (non-zero is true), or
// one of 1/true/yes/on and 0/false/no/off (trimmed, any case). Anything else is "absent".

export function coerceBool(v: unknown): boolean | undefined {
  if (typeof v === "boolean") return v;
  if (typeof v === "number") return v !== 0;
  if (typeof v === "string") {
    const s = v.trim().toLowerCase();
    if (s === "1" || s === "true" || s === "yes" || s === "on") return true;
    if (s === "0" || s === "false" || s === "no" || s === "off") return false;
  }
  return undefined;
}
