import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { test } from "node:test";
import { createLogger } from "../../src/telemetry/logger.ts";

function capture(): { stream: Writable; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      chunks.push(String(chunk));
      cb();
    },
  });
  return { stream, lines: () => chunks.join("").split("\n").filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>) };
}

test("logger redacts secrets at any of the first three levels and honours the level", () => {
  const c = capture();
  const log = createLogger({ level: "info", destination: c.stream });
  log.debug("not shown");
  log.info({ token: "t-123", gateway: { password: "p" }, req: { headers: { authorization: "Bearer abc" } }, deep: { a: { apiKey: "k" } } }, "hello");
  const lines = c.lines();
  assert.equal(lines.length, 1);
  const text = JSON.stringify(lines[0]);
  assert.ok(!text.includes("t-123") && !text.includes("Bearer abc") && !text.includes('"k"') && !text.includes('"p"'), text);
  assert.equal(lines[0]!.level, "info");
  assert.equal(lines[0]!.msg, "hello");
});

test("secrets carried by an error's own members are censored too", () => {
  const c = capture();
  const log = createLogger({ level: "info", destination: c.stream });
  const err = Object.assign(new Error("request failed"), { headers: { authorization: "Bearer zzz" }, token: "t-999" });
  log.error({ err }, "boom");
  const text = JSON.stringify(c.lines()[0]);
  assert.ok(!text.includes("zzz") && !text.includes("t-999"), text);
  assert.match(text, /request failed/);
  assert.match(text, /"type":"Error"/, "still serialized as an error");
});

test("silent level logs nothing", () => {
  const c = capture();
  const log = createLogger({ level: "silent", destination: c.stream });
  log.error("x");
  assert.equal(c.lines().length, 0);
});
