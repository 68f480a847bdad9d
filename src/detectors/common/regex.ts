// User-supplied patterns (config, policy bundles) run on RE2 so they are linear-time whatever they
// contain; built-in rules are JS regexes reviewed for linearity.
import { RE2JS } from "re2js";

export interface CompiledUserPattern {
  readonly source: string;
  /** First match as [start, end), or undefined. */
  find(text: string): readonly [number, number] | undefined;
}

/** Compiles an RE2 pattern (Rust/RE2 syntax, `(?i)` allowed). Throws on invalid syntax. */
export function compileUserPattern(source: string): CompiledUserPattern {
  const re = RE2JS.compile(source);
  return {
    source,
    find(text: string) {
      const m = re.matcher(text);
      if (!m.find()) return undefined;
      return [m.start(), m.end()] as const;
    },
  };
}
