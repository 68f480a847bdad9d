// The scripted OpenAI-compatible model for the full stack: the e2e harness's fake model
// (test/e2e/harness/fake-llm.ts: `RUN: <cmd>` → exec tool call, `RUNTOOL: <tool> <json>`, `SAY: <text>`).
// The harness binds 127.0.0.1 only; in compose the Gateway runs in another container, so with a
// non-loopback host a plain TCP forwarder listens on host:port and forwards to the loopback server.
//
// Module: startStackFakeModel({ host, port }). Entry point (alone, for debugging):
//   node deploy/stack/fake-model.ts      (STACK_FAKE_MODEL_HOST, STACK_FAKE_MODEL_PORT, default 127.0.0.1:18930)

import { createServer, connect, type Server, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { startFakeLlm, type FakeLlmHandle } from "../../test/e2e/harness/fake-llm.ts";

export interface StackFakeModel {
  readonly host: string;
  readonly port: number;
  /** The loopback harness server (its request log, for diagnostics). */
  readonly llm: FakeLlmHandle;
  close(): Promise<void>;
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "::1"]);

export async function startStackFakeModel(opts: { host?: string; port?: number; logFile?: string } = {}): Promise<StackFakeModel> {
  const host = opts.host ?? "127.0.0.1";
  if (LOOPBACK.has(host)) {
    const llm = await startFakeLlm({ port: opts.port ?? 0, ...(opts.logFile ? { logFile: opts.logFile } : {}) });
    return { host: "127.0.0.1", port: llm.port, llm, close: () => llm.close() };
  }
  const llm = await startFakeLlm({ port: 0, ...(opts.logFile ? { logFile: opts.logFile } : {}) });
  const sockets = new Set<Socket>();
  const proxy: Server = createServer((client) => {
    const upstream = connect(llm.port, "127.0.0.1");
    sockets.add(client).add(upstream);
    const drop = (): void => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on("error", drop).on("close", drop);
    upstream.on("error", drop).on("close", drop);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve, reject) => {
    proxy.once("error", reject);
    proxy.listen(opts.port ?? 0, host, () => resolve());
  });
  const port = (proxy.address() as AddressInfo).port;
  return {
    host,
    port,
    llm,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => proxy.close(() => r()));
      await llm.close();
    },
  };
}

if (import.meta.main) {
  const m = await startStackFakeModel({
    host: process.env.STACK_FAKE_MODEL_HOST || "127.0.0.1",
    port: Number(process.env.STACK_FAKE_MODEL_PORT || 18930),
    ...(process.env.STACK_FAKE_MODEL_LOG ? { logFile: process.env.STACK_FAKE_MODEL_LOG } : {}),
  });
  process.stdout.write(`fake model listening on http://${m.host}:${m.port}/v1\n`);
  const stop = (): void => void m.close().then(() => process.exit(0));
  process.once("SIGTERM", stop).once("SIGINT", stop);
}
