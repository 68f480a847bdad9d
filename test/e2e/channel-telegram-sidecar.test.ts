/**
 * Mode 1 (the sidecar as approval authority) on a real chat channel: OpenClaw 2026.9.6 with
 * `tools.exec.mode = "ask"`, its bundled Telegram channel pointed at the fake Bot API server, no
 * ClawShield plugin, no Telegram approvals configured, and the ClawShield sidecar connected.
 *
 * Verified behaviour: an exec call from a Telegram turn still raises `exec.approval.requested` to
 * the connected approval clients; the agent is told at once that approval is required, and OpenClaw
 * runs the command later (an `exec-approval-followup` run) if the approval is granted. So the
 * sidecar's allow-once lets a harmless command run and its deny keeps `rm -rf ~` from running.
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { startFakeLlm, startFakeTelegram, startGateway } from "./harness/index.ts";
import type { FakeLlmHandle, FakeTelegramHandle, GatewayHandle } from "./harness/index.ts";
import { startTestSidecar, testConfig, waitFor, type TestSidecar } from "../gateway/helpers.ts";

const TURN_MS = 90_000;
/** One user per test: each command starts a fresh session (an approved command's follow-up run
 * would otherwise share the session with the next message). */
const USERS = [5151, 5152] as const;

describe("ClawShield sidecar as approval authority for Telegram turns on a real OpenClaw gateway", { timeout: 400_000 }, () => {
  let llm: FakeLlmHandle | undefined;
  let tg: FakeTelegramHandle | undefined;
  let gw: GatewayHandle | undefined;
  let sc: TestSidecar | undefined;
  let root = "";

  before(
    async () => {
      root = mkdtempSync(join(tmpdir(), "clawshield-telegram-sidecar-"));
      llm = await startFakeLlm();
      tg = await startFakeTelegram();
      gw = await startGateway({
        llm,
        execMode: "ask",
        env: { OPENCLAW_SKIP_CHANNELS: "0" },
        config: {
          session: { dmScope: "per-channel-peer" },
          channels: { telegram: { enabled: true, botToken: tg.token, apiRoot: tg.apiRoot, dmPolicy: "allowlist", allowFrom: USERS.map(String) } },
        },
        readyTimeoutMs: 180_000,
      });
      sc = await startTestSidecar(testConfig(join(root, "sidecar"), { "gateway.url": gw.url, "gateway.token": gw.token }));
      await waitFor(() => sc!.sidecar.status().connected, 30_000, "sidecar connected");
      await tg.waitForPolls(2, 120_000);
    },
    { timeout: 300_000 },
  );

  after(async () => {
    await sc?.sidecar.stop();
    await sc?.defender.stop();
    await gw?.stop();
    await tg?.close();
    await llm?.close();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  /** Sends the command as a Telegram user and waits for the sidecar's answer to its approval. */
  async function approvalFor(user: number, marker: string, cmd: string) {
    assert.ok(tg && sc);
    tg.sendUserText({ id: user }, `RUN: touch ${marker} && ${cmd}`);
    return waitFor(() => sc!.rec.approvals.find((a) => a.kind === "exec" && JSON.stringify(a.action ?? {}).includes(marker)), TURN_MS, `the sidecar's answer to the approval for ${cmd}`).catch((e: unknown) => {
      console.log(`sidecar answers so far: ${JSON.stringify(sc!.rec.approvals.map((a) => [a.resolution, a.action?.command]))}`);
      throw e;
    });
  }

  test("a harmless command from Telegram is approved by the sidecar (allow-once) and runs", { timeout: TURN_MS + 40_000 }, async () => {
    const marker = join(root, "marker-harmless");
    const a = await approvalFor(USERS[0], marker, "echo ok");
    assert.equal(a.resolution, "allow-once", JSON.stringify(a.decision?.reasons));
    assert.equal(a.action?.context.channel, "telegram");
    // OpenClaw runs an approved command in a follow-up run.
    await waitFor(() => existsSync(marker), 30_000, "the approved command ran");
  });

  test("a command that deletes the home folder, from Telegram, is denied by the sidecar and never runs", { timeout: TURN_MS + 40_000 }, async () => {
    // (OpenClaw itself refuses to ask about commands it cannot bind to one approval, such as
    // `bash -i >& /dev/tcp/…`: "SYSTEM_RUN_DENIED: approval cannot safely bind this command". A plain
    // `&&` chain is asked about, so that is what ClawShield decides here. HOME is the test Gateway's
    // temp home; the command never runs anyway.)
    const marker = join(root, "marker-rm-home");
    const a = await approvalFor(USERS[1], marker, "rm -rf ~");
    assert.equal(a.resolution, "deny", JSON.stringify(a.decision?.reasons));
    assert.equal(a.decision?.action, "block");
    assert.ok(a.decision?.findings.some((f) => f.ruleId.startsWith("cmd.destructive")), JSON.stringify(a.decision?.findings.map((f) => f.ruleId)));
    // Give a (wrong) follow-up run time to happen before concluding it did not.
    await new Promise((r) => setTimeout(r, 5000));
    assert.equal(existsSync(marker), false, "a denied command ran");
  });
});
