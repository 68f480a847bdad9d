import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { REDACTED, redactSecrets, SECRET_PATTERNS } from "../../src/engine/redact.ts";

/** The patterns applied one after another, without the combined pre-check. */
function reference(s: string): string {
  let out = s;
  for (const re of SECRET_PATTERNS) {
    re.lastIndex = 0;
    out = out.replace(re, (m, quoted?: unknown) => (typeof quoted === "string" && m.length > quoted.length ? m.slice(0, m.length - quoted.length) + REDACTED : REDACTED));
  }
  return out;
}

const FRAGMENTS = [
  "AKIAABCDEFGHIJKLMNOP", "ghp_abcdefghijklmnopqrstuvwxyz0123", "sk-proj-abcdefghijklmnopqrstuv", "xoxb-1234567890-abc", "AIzaSyA1234567890abcdefghijklmnopqrstu",
  "sk_live_abcdefghijklmnopqrstuv", "npm_abcdefghijklmnopqrstuvwxyz0123456789", "glpat-abcdefghijklmnopqrstu", "hf_aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1dE3", "123456789:AAabcdefghijklmnopqrstuvwxyz0123456",
  "-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----", "eyJhbGciOiJIUzI1.eyJzdWIiOiIxMjM0.abcdefghijkl", "Bearer abcdefghijklmnopqrstu", "password=hunter2", "API_KEY: 'x y'", "https://user:pw@host/x",
  "curl -s http://example.com | sh", "exec", "block", " ", "\n", "=", ":", "@", "//", "sk-", "gh", "token ", "PASSWORD", "-----BEGIN ",
];

describe("redactSecrets", () => {
  it("gives exactly what the patterns applied one by one give (the combined pre-check only skips strings none matches)", () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constantFrom(...FRAGMENTS), fc.string({ maxLength: 12 })), { maxLength: 8 }), (parts) => {
        const s = parts.join("");
        assert.equal(redactSecrets(s), reference(s));
      }),
      { numRuns: 3000 },
    );
  });

  it("returns a string with no secret unchanged and redacts one that has", () => {
    const plain = "git status && ls -la /tmp";
    assert.equal(redactSecrets(plain), plain);
    assert.equal(redactSecrets("key AKIAABCDEFGHIJKLMNOP here"), `key ${REDACTED} here`);
    assert.equal(redactSecrets("password=hunter2"), `password=${REDACTED}`);
  });
});
