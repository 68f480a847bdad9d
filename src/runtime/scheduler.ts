// Per-session FIFO scheduling with OpenClaw's queue modes and group activation (rust-agent-spec
// §8.4), changed so that every submitted action is decided exactly once:
// - an un-mentioned action in a group (activation "mention") is still queued and evaluated, tagged
//   `ignored_activation` (an attacker must not bypass scoring by avoiding mentions);
// - steer / interrupt tag the queued actions they replace `superseded_by:<id>` and they are still
//   evaluated (a malicious superseded action still blocks and is quarantined);
// - collect merges consecutive plain prompts of a session into one evaluation; every merged action
//   gets the merged decision (tagged `merged_into:<id>`);
// - followup / steer-backlog append.
// This module is the data structure only (no timers, no evaluation); src/runtime/pipeline.ts runs it.

import { coerceBool } from "../engine/coerce.ts";
import { parseSessionKey } from "../engine/session-key.ts";
import type { Action } from "../engine/types.ts";

export type QueueMode = "followup" | "steer" | "collect" | "steer-backlog" | "interrupt";
export type GroupActivation = "mention" | "always";

export interface SchedItem<M> {
  /** What gets evaluated: the action itself, or for collect the merged action. */
  action: Action;
  /** The submissions this evaluation decides (more than one only for collect merges). */
  readonly members: M[];
  /** Tags passed to the evaluation (ignored_activation, superseded_by:<id>). */
  tags: string[];
  readonly lane: string;
  readonly collectable: boolean;
  readonly ignored: boolean;
  /** The ids merged into this item, in order (the last one is the carrier whose id the item has). */
  readonly ids: string[];
}

export interface EnqueueResult<M> {
  readonly item: SchedItem<M>;
  readonly merged: boolean;
  /** Ids of queued actions this one superseded (steer / interrupt). */
  readonly superseded: readonly string[];
}

export interface Scheduler<M> {
  enqueue(action: Action, member: M, opts: { mode: QueueMode; ignored: boolean; lane?: string }): EnqueueResult<M>;
  /** The next item to run (the lane is marked busy until `done`), or undefined. */
  next(): SchedItem<M> | undefined;
  done(item: SchedItem<M>): void;
  /** Whether the lane has an item running. */
  busy(lane: string): boolean;
  /** Submissions waiting (not running), merged ones included. */
  readonly pending: number;
  readonly lanes: number;
  /** Removes and returns every waiting item (used at stop). */
  drain(): SchedItem<M>[];
}

export interface SchedulerOptions {
  /** A merged prompt never grows beyond this many characters (so scanning covers all of it). */
  readonly maxMergeChars: number;
  /** At most this many actions merge into one evaluation. */
  readonly maxMergeMembers?: number;
}

let laneSeq = 0;

/** The scheduling lane: the canonical session key; actions without one are independent lanes. */
export function laneOf(action: Action): string {
  const key = action.context.sessionKey?.trim();
  if (key) return `s:${parseSessionKey(key).canonical}`;
  laneSeq = (laneSeq + 1) % Number.MAX_SAFE_INTEGER;
  return `n:${laneSeq}`;
}

const GROUP_CHAT_TYPES = new Set(["group", "channel", "room", "supergroup"]);

function rawObj(action: Action): Record<string, unknown> {
  return typeof action.raw === "object" && action.raw !== null && !Array.isArray(action.raw) ? (action.raw as Record<string, unknown>) : {};
}


/** Group context: session kind group/channel, or a group-like chat type (context or raw hints). */
export function isGroupContext(action: Action): boolean {
  const key = action.context.sessionKey;
  if (key) {
    const kind = parseSessionKey(key).kind;
    if (kind === "group" || kind === "channel") return true;
  }
  const raw = rawObj(action);
  for (const v of [action.context.chatType, raw.chatType, raw.chat_type, raw.chat, raw.roomType, raw.room_type]) {
    if (typeof v === "string" && GROUP_CHAT_TYPES.has(v.trim().toLowerCase())) return true;
  }
  return false;
}

/** Mentioned: context.wasMentioned, else the first raw hint present; absent counts as false. */
export function wasMentioned(action: Action): boolean {
  if (action.context.wasMentioned !== undefined) return action.context.wasMentioned;
  const raw = rawObj(action);
  for (const k of ["wasMentioned", "WasMentioned", "mentioned", "isMentioned", "requireMentionSatisfied"]) {
    if (raw[k] === undefined || raw[k] === null) continue;
    const b = coerceBool(raw[k]);
    if (b !== undefined) return b;
  }
  return false;
}

/** Whether activation gating would have skipped this action (it is still evaluated). */
export function isIgnoredActivation(action: Action, activation: GroupActivation): boolean {
  return activation === "mention" && isGroupContext(action) && !wasMentioned(action);
}

/** Collect merges only plain prompts: text and nothing that runs or fetches. */
export function isCollectable(action: Action): boolean {
  return (
    action.kind === "prompt" &&
    typeof action.text === "string" &&
    action.command === undefined &&
    action.url === undefined &&
    action.file === undefined &&
    action.tool === undefined &&
    action.params === undefined &&
    action.toolOutput === undefined
  );
}

interface Lane<M> {
  readonly queue: SchedItem<M>[];
  running: boolean;
  inReady: boolean;
}

export function createScheduler<M>(opts: SchedulerOptions): Scheduler<M> {
  const lanes = new Map<string, Lane<M>>();
  const ready: string[] = [];
  let pending = 0;
  const maxMembers = opts.maxMergeMembers ?? 64;

  const markReady = (key: string, lane: Lane<M>): void => {
    if (!lane.running && !lane.inReady && lane.queue.length > 0) {
      lane.inReady = true;
      ready.push(key);
    }
  };

  return {
    enqueue(action, member, { mode, ignored, lane: laneKey }) {
      const key = laneKey ?? laneOf(action);
      let lane = lanes.get(key);
      if (!lane) {
        lane = { queue: [], running: false, inReady: false };
        lanes.set(key, lane);
      }
      const collectable = !ignored && isCollectable(action);
      const superseded: string[] = [];
      if (!ignored && (mode === "steer" || mode === "interrupt")) {
        for (const q of lane.queue) {
          if (q.ignored) continue;
          q.tags = [...q.tags.filter((t) => !t.startsWith("superseded_by:")), `superseded_by:${action.id}`];
          superseded.push(...q.ids);
        }
      }
      pending++;
      const last = lane.queue[lane.queue.length - 1];
      if (mode === "collect" && collectable && last && last.collectable && last.members.length < maxMembers) {
        const joined = `${last.action.text ?? ""}\n\n${action.text ?? ""}`;
        if (joined.length <= opts.maxMergeChars) {
          last.action = {
            ...action,
            text: joined,
            context: { ...action.context, ...(last.action.context.tainted || action.context.tainted ? { tainted: true } : {}) },
          };
          last.members.push(member);
          last.ids.push(action.id);
          return { item: last, merged: true, superseded };
        }
      }
      const item: SchedItem<M> = { action, members: [member], tags: ignored ? ["ignored_activation"] : [], lane: key, collectable, ignored, ids: [action.id] };
      lane.queue.push(item);
      markReady(key, lane);
      return { item, merged: false, superseded };
    },
    next() {
      while (ready.length > 0) {
        const key = ready.shift()!;
        const lane = lanes.get(key);
        if (!lane) continue;
        lane.inReady = false;
        const item = lane.queue.shift();
        if (!item) continue;
        lane.running = true;
        pending -= item.members.length;
        return item;
      }
      return undefined;
    },
    done(item) {
      const lane = lanes.get(item.lane);
      if (!lane) return;
      lane.running = false;
      if (lane.queue.length === 0) lanes.delete(item.lane);
      else markReady(item.lane, lane);
    },
    busy(key) {
      return lanes.get(key)?.running === true;
    },
    get pending() {
      return pending;
    },
    get lanes() {
      return lanes.size;
    },
    drain() {
      const out: SchedItem<M>[] = [];
      for (const [key, lane] of lanes) {
        out.push(...lane.queue.splice(0));
        lane.inReady = false;
        if (!lane.running) lanes.delete(key);
      }
      ready.length = 0;
      pending = 0;
      return out;
    },
  };
}
