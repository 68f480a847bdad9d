// Minimal types for the `ws` package (installed with @openclaw/gateway-client; no @types/ws in the
// tree). Only what the bench's fake Gateway uses.
declare module "ws" {
  import type { EventEmitter } from "node:events";
  import type { Server } from "node:http";

  export class WebSocket extends EventEmitter {
    static readonly OPEN: number;
    readonly readyState: number;
    readonly bufferedAmount: number;
    send(data: string, cb?: (err?: Error) => void): void;
    close(code?: number, reason?: string): void;
    terminate(): void;
    on(event: "message", listener: (data: Buffer, isBinary: boolean) => void): this;
    on(event: "close", listener: (code: number, reason: Buffer) => void): this;
    on(event: "error", listener: (err: Error) => void): this;
  }

  export interface WebSocketServerOptions {
    host?: string;
    port?: number;
    server?: Server;
    perMessageDeflate?: boolean;
    maxPayload?: number;
  }

  export class WebSocketServer extends EventEmitter {
    constructor(options: WebSocketServerOptions, callback?: () => void);
    readonly clients: Set<WebSocket>;
    address(): { port: number; address: string } | string;
    close(cb?: (err?: Error) => void): void;
    on(event: "connection", listener: (socket: WebSocket) => void): this;
    on(event: "listening", listener: () => void): this;
    on(event: "error", listener: (err: Error) => void): this;
  }
}
