// The live decision stream: a DecisionSink that fans every decision out to subscribers (the SSE
// endpoint). Each event carries the compatible `security.decision` frame (rust-agent-spec §1.4)
// and the full decision.

import type { DecisionSink } from "../defender/defender.ts";
import { toDecisionEvent, type DecisionEventFrame } from "../engine/event.ts";
import type { Decision } from "../engine/types.ts";

export interface StreamEvent {
  readonly frame: DecisionEventFrame;
  readonly decision: Decision;
}

export interface DecisionHub extends DecisionSink {
  subscribe(fn: (ev: StreamEvent) => void): () => void;
  readonly subscribers: number;
  readonly eventName: string;
}

export function createDecisionHub(opts: { eventName?: string } = {}): DecisionHub {
  const eventName = opts.eventName ?? "security.decision";
  const subs = new Set<(ev: StreamEvent) => void>();
  return {
    id: "decision-stream",
    eventName,
    record(action, decision) {
      if (subs.size === 0) return;
      const ev: StreamEvent = { frame: toDecisionEvent(action, decision, eventName), decision };
      for (const fn of [...subs]) {
        try {
          fn(ev);
        } catch {
          subs.delete(fn);
        }
      }
    },
    subscribe(fn) {
      subs.add(fn);
      return () => void subs.delete(fn);
    },
    get subscribers() {
      return subs.size;
    },
  };
}
