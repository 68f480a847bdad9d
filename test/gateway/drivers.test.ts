// Channel drivers: recorded-shape session.message frames (test/fixtures/frames/channels.jsonl,
// modelled on the protocol notes §6-7) normalized through the observer and the driver registry.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { DRIVERS, driverFor } from "../../src/gateway/drivers/index.ts";
import { observeSessionMessage } from "../../src/gateway/observer.ts";

const fixtures = readFileSync(new URL("../fixtures/frames/channels.jsonl", import.meta.url), "utf8")
  .split("\n")
  .filter((l) => l.trim() !== "")
  .map((l) => JSON.parse(l) as { name: string; expect: Record<string, unknown>; frame: { payload: unknown } });

for (const fx of fixtures) {
  test(`driver: ${fx.name}`, () => {
    const o = observeSessionMessage(fx.frame.payload, 1 << 20);
    assert.ok(o && o.type === "message");
    const m = o.message as unknown as Record<string, unknown>;
    for (const [k, v] of Object.entries(fx.expect)) {
      if (k === "urls") for (const u of v as string[]) assert.ok((m.urls as string[]).includes(u), `url ${u} missing: ${JSON.stringify(m.urls)}`);
      else assert.deepEqual(m[k], v, `${k}: ${JSON.stringify(m)}`);
    }
    // The action carries the same context.
    assert.equal(o.action.kind, "prompt");
    assert.equal(o.action.context.channel, m.channel);
    assert.equal(o.action.context.chatType, m.chatType);
    if (m.mentioned !== undefined) assert.equal(o.action.context.wasMentioned, m.mentioned);
  });
}

test("every required channel has a driver; aliases resolve", () => {
  for (const c of ["discord", "telegram", "slack", "whatsapp", "signal", "imessage", "googlechat", "msteams", "matrix", "irc"]) assert.equal(driverFor(c).id, c);
  assert.equal(driverFor("tg").id, "telegram");
  assert.equal(driverFor("teams").id, "msteams");
  assert.equal(driverFor("gchat").id, "googlechat");
  assert.equal(driverFor("webchat").id, "generic");
  assert.equal(driverFor(undefined).id, "generic");
  assert.equal(new Set(DRIVERS.map((d) => d.id)).size, DRIVERS.length);
});

test("the webchat operator message carries the session row's queue mode to the pipeline", () => {
  const fx = fixtures.find((f) => f.name.startsWith("webchat"))!;
  const o = observeSessionMessage(fx.frame.payload, 1 << 20)!;
  assert.deepEqual(o.meta, { queueMode: "steer" });
  assert.equal(o.action?.context.runId, "9960ce2e");
});
