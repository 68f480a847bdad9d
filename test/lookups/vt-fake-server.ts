// A VirusTotal-compatible fake (GET /api/v3/urls/{id}, /api/v3/files/{sha256}) on 127.0.0.1 for tests.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface FakeReply {
  status?: number;
  /** JSON value, or a raw string body. */
  body?: unknown;
  headers?: Record<string, string>;
  delayMs?: number;
}
export interface SeenRequest {
  method: string;
  path: string;
  apiKey: string | undefined;
  /** The test's injected clock at the time the request arrived. */
  at: number;
}

export function stats(malicious: number, suspicious: number, harmless: number, undetected = 0): FakeReply {
  return { status: 200, body: { data: { id: "x", type: "url", attributes: { last_analysis_stats: { malicious, suspicious, harmless, undetected, timeout: 0 } } } } };
}

export class FakeVt {
  readonly requests: SeenRequest[] = [];
  /** Replies by path; a list is consumed in order (last one repeats). Unknown paths get 404. */
  readonly replies = new Map<string, FakeReply | FakeReply[]>();
  clock: () => number = Date.now;
  #server: Server | undefined;
  baseUrl = "";

  async start(): Promise<this> {
    this.#server = createServer((req, res) => {
      const path = (req.url ?? "").split("?")[0] ?? "";
      this.requests.push({ method: req.method ?? "", path, apiKey: req.headers["x-apikey"] as string | undefined, at: this.clock() });
      const r = this.replies.get(path);
      const reply: FakeReply = Array.isArray(r) ? (r.length > 1 ? r.shift()! : r[0]!) : (r ?? { status: 404, body: { error: { code: "NotFoundError", message: "not found" } } });
      const send = (): void => {
        if (res.destroyed) return;
        const body = typeof reply.body === "string" ? reply.body : JSON.stringify(reply.body ?? {});
        res.writeHead(reply.status ?? 200, { "content-type": "application/json", ...reply.headers });
        res.end(body);
      };
      if (reply.delayMs) {
        const t = setTimeout(send, reply.delayMs);
        res.on("close", () => clearTimeout(t));
      } else send();
    });
    await new Promise<void>((resolve) => this.#server!.listen(0, "127.0.0.1", resolve));
    this.baseUrl = `http://127.0.0.1:${(this.#server!.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.#server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.#server ? this.#server.close(() => resolve()) : resolve()));
  }
}
