/**
 * Smoke test of the e2e harness against a REAL OpenClaw Gateway: one shared gateway for the file,
 * exec mode switched with applyConfig (hot reload). About 20-30 s on an idle box, most of it gateway
 * startup and the first turn.
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import {
  ALL_OPERATOR_SCOPES,
  autoResolveApprovals,
  connectOperator,
  runTurn,
  startFakeLlm,
  startGateway,
  waitForEvent,
} from "./harness/index.ts";
import type { FakeLlmHandle, GatewayHandle, OperatorClient } from "./harness/index.ts";

const APPROVER_CAPS = ["approvals", "tool-events"];

// Generous bounds: other engineers run gateways on the same 2-core box, and startup can then take 40 s.
const READY_TIMEOUT_MS = 90_000;
const TURN_TIMEOUT_MS = 90_000;

describe("e2e harness smoke (real OpenClaw gateway)", { timeout: 400_000 }, () => {
  let llm: FakeLlmHandle | undefined;
  let gw: GatewayHandle | undefined;
  let sender: OperatorClient | undefined;
  let approver: OperatorClient | undefined;
  let markers = "";

  before(
    async () => {
      markers = mkdtempSync(join(tmpdir(), "clawshield-smoke-"));
      llm = await startFakeLlm();
      gw = await startGateway({ llm, execMode: "full", readyTimeoutMs: READY_TIMEOUT_MS });
      sender = await connectOperator({ url: gw.url, token: gw.token });
    },
    { timeout: READY_TIMEOUT_MS + 30_000 },
  );

  after(async () => {
    await approver?.close();
    await sender?.close();
    await gw?.stop();
    await llm?.close();
    if (markers) rmSync(markers, { recursive: true, force: true });
  });

  test("exec mode full: RUN creates the marker and the final text arrives", { timeout: TURN_TIMEOUT_MS + 30_000 }, async (t) => {
    assert.ok(gw && sender && llm);
    t.diagnostic(`gateway startup (spawn to hello-ok): ${gw.startupMs} ms`);
    assert.deepEqual([...sender.auth.scopes].sort(), [...ALL_OPERATOR_SCOPES].sort());
    const marker = join(markers, "marker-smoke");
    const turn = await runTurn(sender, {
      sessionKey: "smoke-full",
      message: `RUN: touch ${marker} && echo created`,
      timeoutMs: TURN_TIMEOUT_MS,
    });
    assert.equal(turn.state, "final", `turn ended ${turn.state}: ${turn.text}`);
    assert.equal(turn.sessionKey, "agent:main:smoke-full");
    assert.match(turn.text, /All done\. tool said: created/);
    assert.ok(existsSync(marker), "marker file was not created");
    t.diagnostic(`first turn: ${turn.durationMs} ms`);

    // caps "tool-events": the starting connection sees the tool args.
    const toolStart = turn.events.find((e) => {
      const p = e.payload as { stream?: string; data?: { phase?: string; name?: string; args?: { command?: string } } };
      return e.event === "agent" && p.stream === "tool" && p.data?.phase === "start" && p.data.name === "exec";
    });
    assert.ok(toolStart, "no agent stream:tool start event");
    const toolRequests = llm.requests.filter((r) => r.reply?.kind === "tool");
    assert.ok(toolRequests.some((r) => r.reply?.kind === "tool" && r.reply.args.command === `touch ${marker} && echo created`));
  });

  test("exec mode ask: approver denies and the marker stays absent", { timeout: TURN_TIMEOUT_MS + 30_000 }, async () => {
    assert.ok(gw && sender);
    await gw.applyConfig({ tools: { exec: { mode: "ask" } } });
    // The approver must be connected before the exec starts (otherwise: instant no-approval-route deny).
    approver = await connectOperator({ url: gw.url, token: gw.token, scopes: ALL_OPERATOR_SCOPES, caps: APPROVER_CAPS });

    const marker = join(markers, "marker-deny");
    const requested = waitForEvent(
      approver,
      (e) =>
        e.event === "exec.approval.requested" &&
        String((e.payload as { request?: { command?: string } }).request?.command ?? "").includes(marker),
      TURN_TIMEOUT_MS,
    );
    const turnPromise = runTurn(sender, { sessionKey: "smoke-deny", message: `RUN: touch ${marker}`, timeoutMs: TURN_TIMEOUT_MS });
    // If the turn ends before any approval is requested, fail with the reason instead of waiting.
    const first = await Promise.race([
      requested.then((e) => ({ approval: e })),
      turnPromise.then(
        (t) => ({ turn: t }),
        (err: unknown) => ({ turnError: err }),
      ),
    ]).catch((err: unknown) => ({ waitError: err }));
    if (!("approval" in first)) {
      requested.catch(() => undefined);
      const detail = "turn" in first ? `turn ended first: ${first.turn.state} ${first.turn.text}` : String(Object.values(first)[0]);
      assert.fail(
        `no exec.approval.requested (${detail}); marker exists=${existsSync(marker)}\n` +
          `approver events: ${approver.events.map((e) => e.event).join(",")}\n` +
          `llm replies: ${llm?.requests.map((r) => JSON.stringify(r.reply)).join("\n")}\n--- gateway log ---\n${gw.readLog().slice(-6000)}`,
      );
    }
    const evt = first.approval;
    const payload = evt.payload as { id: string; request: { sessionKey: string; allowedDecisions: string[] } };
    assert.equal(payload.request.sessionKey, "agent:main:smoke-deny");
    assert.ok(payload.request.allowedDecisions.includes("deny"));
    const res = await approver.request("exec.approval.resolve", { id: payload.id, decision: "deny" });
    assert.equal((res as { ok?: boolean }).ok, true);

    const turn = await turnPromise;
    assert.equal(turn.state, "final", `turn ended ${turn.state}: ${turn.text}`);
    assert.match(turn.text, /denied/i);
    assert.equal(existsSync(marker), false, "denied command ran anyway");
  });

  test("exec mode ask: autoResolveApprovals allow-once runs the command", { timeout: TURN_TIMEOUT_MS + 30_000 }, async () => {
    assert.ok(gw && sender && approver);
    const marker = join(markers, "marker-allow");
    const resolver = autoResolveApprovals(approver, (req) =>
      String(req.request.command ?? "").includes(marker) ? "allow-once" : undefined,
    );
    try {
      const turn = await runTurn(sender, { sessionKey: "smoke-allow", message: `RUN: touch ${marker}`, timeoutMs: TURN_TIMEOUT_MS });
      assert.equal(turn.state, "final", `turn ended ${turn.state}: ${turn.text}`);
      assert.ok(existsSync(marker), "allowed command did not run");
      assert.deepEqual(
        resolver.handled.map((h) => [h.kind, h.decision, h.error]),
        [["exec", "allow-once", undefined]],
      );
    } finally {
      resolver.stop();
    }
  });
});
