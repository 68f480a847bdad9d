// Per-session message subscriptions, so the sidecar sees the tool calls of chat-channel turns.
//
// Real-Gateway finding (OpenClaw 2026.9.6, a Telegram turn): `sessions.subscribe {}` delivers
// `session.tool` only for runs the Control UI shows (chat.send, webchat). A run started by a channel
// message (Telegram, WhatsApp, Discord …) is not Control-UI visible, and its tool events go only to
// connections subscribed to that one session with `sessions.messages.subscribe {key}`, as `agent`
// events with `stream: "tool"`. The inbound `session.message` still reaches every subscriber, so the
// sidecar subscribes to each session the first time it hears of it (an inbound message, a
// `sessions.changed` row, or the roster at connect), before the model has answered and called a tool.
//
// Bounded: at most `max` sessions; the oldest is unsubscribed first. A reconnect is a new
// connection with no subscriptions, so reset() forgets them all.

import { noTelemetry, silentLogger, type Logger, type Telemetry } from "../defender/types.ts";

export interface SessionSubscriptions {
  /** Subscribes to `key` unless already subscribed (fire and forget; failures are logged and counted). */
  ensure(key: string): void;
  /** Forget every subscription (a new connection has none). */
  reset(): void;
  readonly size: number;
}

export interface SessionSubscriptionDeps {
  request(method: string, params: unknown, timeoutMs?: number): Promise<unknown>;
  readonly logger?: Logger;
  readonly telemetry?: Telemetry;
  readonly max?: number;
}

export const DEFAULT_MAX_SESSION_SUBSCRIPTIONS = 4096;
const REQUEST_TIMEOUT_MS = 10_000;

export function createSessionSubscriptions(deps: SessionSubscriptionDeps): SessionSubscriptions {
  const logger = deps.logger ?? silentLogger;
  const telemetry = deps.telemetry ?? noTelemetry;
  const max = Math.max(1, deps.max ?? DEFAULT_MAX_SESSION_SUBSCRIPTIONS);
  // Insertion order = age. A key stays here even when its subscribe failed, so a broken method is
  // tried once per session and connection, not on every message.
  const keys = new Set<string>();
  let generation = 0;

  return {
    ensure(key) {
      if (key === "" || keys.has(key)) return;
      keys.add(key);
      const gen = generation;
      deps.request("sessions.messages.subscribe", { key }, REQUEST_TIMEOUT_MS).then(
        () => telemetry.count("session_subscriptions", { outcome: "ok" }),
        (e: unknown) => {
          if (gen !== generation) return; // the connection it was for is gone
          telemetry.count("session_subscriptions", { outcome: "error" });
          logger.warn({ sessionKey: key, err: (e as Error)?.message }, "sessions.messages.subscribe failed: tool calls of this session's channel turns are not observed (needs scope operator.read)");
        },
      );
      while (keys.size > max) {
        const oldest = keys.values().next().value as string;
        keys.delete(oldest);
        deps.request("sessions.messages.unsubscribe", { key: oldest }, REQUEST_TIMEOUT_MS).catch(() => undefined);
      }
    },
    reset() {
      keys.clear();
      generation++;
    },
    get size() {
      return keys.size;
    },
  };
}
