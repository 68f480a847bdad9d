// The full-stack scenarios (deploy/stack/scenarios.json): loading, validation and rendering.
// One file feeds the compose profile (producer + assertor containers), the process runner
// (scripts/stack.ts), the demo and the tests, so the two topologies cannot drift.
// Self-contained (node: imports only): it also runs inside the containers.

import { readFileSync } from "node:fs";
import path from "node:path";

export type ExpectedAction = "allow" | "review" | "block";
export type HumanAnswer = "allow-once" | "deny";
export type ApprovalKind = "exec" | "plugin";

/** One decision a ClawShield component must have made in the scenario's session. */
export interface ExpectedDecision {
  /** frame.payload.source of the decision-log record, e.g. "plugin:before_tool_call". */
  readonly source: string;
  /** Exact action: every decision of this source in the session must have it. */
  readonly action: ExpectedAction;
  readonly minRisk?: number;
  readonly maxRisk?: number;
  /** Each entry is a rule id or a rule-id prefix (ending in "."); each must match some finding. */
  readonly rules?: readonly string[];
  /** Each tag must be among the decision's tags or its findings' tags. */
  readonly tags?: readonly string[];
}

export interface ExpectedQuarantine {
  /** Source of the blocked decision the record belongs to. */
  readonly source: string;
  /** Literals that must NOT appear in the record file (redaction). */
  readonly secrets?: readonly string[];
  /** Literals that must appear in the record file. */
  readonly contains?: readonly string[];
}

export interface Scenario {
  readonly id: string;
  readonly title: string;
  readonly kind: "attack" | "benign" | "review" | "injection";
  /** chat.send text; `{{marker}}` is replaced with the marker path. */
  readonly message: string;
  /** What the scripted operator answers to approvals of this session. */
  readonly human?: Partial<Record<ApprovalKind, HumanAnswer>>;
  readonly expect: {
    readonly decisions: readonly ExpectedDecision[];
    /** Whether the marker file must exist afterwards (omit when the scenario runs no command). */
    readonly marker?: "present" | "absent";
    readonly quarantine?: ExpectedQuarantine;
    /** Approval kinds the scripted operator must have resolved successfully. */
    readonly humanResolved?: readonly ApprovalKind[];
  };
}

export interface ScenarioFile {
  readonly version: 1;
  readonly scenarios: readonly Scenario[];
}

export const SCENARIOS_PATH = path.join(import.meta.dirname, "scenarios.json");
export const MARKER_PLACEHOLDER = "{{marker}}";

const ACTIONS = new Set(["allow", "review", "block"]);
const ANSWERS = new Set(["allow-once", "deny"]);
const KINDS = new Set(["attack", "benign", "review", "injection"]);

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function strList(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((x) => typeof x === "string" && x !== "");
}

/** Every problem of a parsed scenario file (empty = valid). */
export function validateScenarioFile(raw: unknown): string[] {
  const errs: string[] = [];
  if (!isObj(raw)) return ["scenario file is not a JSON object"];
  if (raw.version !== 1) errs.push("version must be 1");
  if (!Array.isArray(raw.scenarios) || raw.scenarios.length === 0) return [...errs, "scenarios must be a non-empty array"];
  const ids = new Set<string>();
  raw.scenarios.forEach((s: unknown, i: number) => {
    const at = `scenarios[${i}]`;
    if (!isObj(s)) return void errs.push(`${at} is not an object`);
    const id = typeof s.id === "string" ? s.id : "";
    if (!/^[a-z0-9][a-z0-9-]{0,40}$/.test(id)) errs.push(`${at}.id must be a short kebab-case id`);
    if (ids.has(id)) errs.push(`${at}.id "${id}" is duplicated`);
    ids.add(id);
    if (typeof s.title !== "string" || s.title === "") errs.push(`${at}.title missing`);
    if (typeof s.kind !== "string" || !KINDS.has(s.kind)) errs.push(`${at}.kind must be one of ${[...KINDS].join(", ")}`);
    if (typeof s.message !== "string" || !/(RUNTOOL|RUN|SAY):/.test(s.message)) errs.push(`${at}.message must carry a RUN:/RUNTOOL:/SAY: script line`);
    if (s.human !== undefined) {
      if (!isObj(s.human)) errs.push(`${at}.human must be an object`);
      else for (const [k, v] of Object.entries(s.human)) if ((k !== "exec" && k !== "plugin") || typeof v !== "string" || !ANSWERS.has(v)) errs.push(`${at}.human.${k} must be exec|plugin: allow-once|deny`);
    }
    const ex = s.expect;
    if (!isObj(ex)) return void errs.push(`${at}.expect missing`);
    if (!Array.isArray(ex.decisions) || ex.decisions.length === 0) errs.push(`${at}.expect.decisions must be a non-empty array`);
    else
      ex.decisions.forEach((d: unknown, j: number) => {
        const dat = `${at}.expect.decisions[${j}]`;
        if (!isObj(d)) return void errs.push(`${dat} is not an object`);
        if (typeof d.source !== "string" || d.source === "") errs.push(`${dat}.source missing`);
        if (typeof d.action !== "string" || !ACTIONS.has(d.action)) errs.push(`${dat}.action must be allow|review|block (exact)`);
        for (const k of ["minRisk", "maxRisk"] as const) if (d[k] !== undefined && (typeof d[k] !== "number" || d[k] < 0 || d[k] > 100)) errs.push(`${dat}.${k} must be 0..100`);
        if (d.rules !== undefined && !strList(d.rules)) errs.push(`${dat}.rules must be a list of rule ids/prefixes`);
        if (d.tags !== undefined && !strList(d.tags)) errs.push(`${dat}.tags must be a list of strings`);
        if (d.action === "block" && (typeof d.minRisk !== "number" || !Array.isArray(d.rules) || d.rules.length === 0)) errs.push(`${dat}: a block expectation needs minRisk and rules`);
      });
    if (ex.marker !== undefined && ex.marker !== "present" && ex.marker !== "absent") errs.push(`${at}.expect.marker must be present|absent`);
    if (ex.marker !== undefined && typeof s.message === "string" && !s.message.includes(MARKER_PLACEHOLDER)) errs.push(`${at}: expect.marker set but the message has no ${MARKER_PLACEHOLDER}`);
    if (ex.marker !== undefined && typeof s.message === "string" && !s.message.includes(`touch ${MARKER_PLACEHOLDER} && `)) {
      // Approvals refuse redirections and $(…) before asking (recipe §6): markers are made with `touch`.
      errs.push(`${at}: make the marker with "touch ${MARKER_PLACEHOLDER} && …" (no redirection or $(…))`);
    }
    if (ex.quarantine !== undefined) {
      const q = ex.quarantine;
      if (!isObj(q) || typeof q.source !== "string") errs.push(`${at}.expect.quarantine.source missing`);
      else {
        if (q.secrets !== undefined && !strList(q.secrets)) errs.push(`${at}.expect.quarantine.secrets must be strings`);
        if (q.contains !== undefined && !strList(q.contains)) errs.push(`${at}.expect.quarantine.contains must be strings`);
        const blocking = Array.isArray(ex.decisions) && ex.decisions.some((d) => isObj(d) && d.source === q.source && d.action === "block");
        if (!blocking) errs.push(`${at}.expect.quarantine: no block expectation from ${q.source} (only blocks are quarantined)`);
      }
    }
    if (ex.humanResolved !== undefined) {
      if (!Array.isArray(ex.humanResolved) || !ex.humanResolved.every((k) => k === "exec" || k === "plugin")) errs.push(`${at}.expect.humanResolved must list exec|plugin`);
      else for (const k of ex.humanResolved) if (!isObj(s.human) || s.human[k] === undefined) errs.push(`${at}.expect.humanResolved has ${k} but human.${k} is not set`);
    }
  });
  return errs;
}

export function parseScenarioFile(text: string, file = SCENARIOS_PATH): ScenarioFile {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new Error(`${file}: not JSON: ${(e as Error).message}`);
  }
  const errs = validateScenarioFile(raw);
  if (errs.length > 0) throw new Error(`${file}: invalid scenario file:\n  ${errs.join("\n  ")}`);
  return raw as ScenarioFile;
}

export function loadScenarios(file = process.env.STACK_SCENARIOS || SCENARIOS_PATH): ScenarioFile {
  return parseScenarioFile(readFileSync(file, "utf8"), file);
}

/** Keeps only the scenarios named in `only` (comma list); all when empty. */
export function selectScenarios(file: ScenarioFile, only: string | undefined): Scenario[] {
  const want = (only ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  if (want.length === 0) return [...file.scenarios];
  const unknown = want.filter((w) => !file.scenarios.some((s) => s.id === w));
  if (unknown.length > 0) throw new Error(`unknown scenario id(s): ${unknown.join(", ")}`);
  return file.scenarios.filter((s) => want.includes(s.id));
}

/** The session key a scenario runs in (the Gateway reports it as `agent:main:<key>`). */
export function sessionKeyOf(runTag: string, id: string): string {
  return `stack-${runTag}-${id}`;
}

export function gatewaySessionKey(key: string): string {
  return key.startsWith("agent:") ? key : `agent:main:${key}`;
}

export function markerPathOf(markersDir: string, runTag: string, id: string): string {
  return path.join(markersDir, `${runTag}-${id}.marker`);
}

export function renderMessage(s: Scenario, marker: string): string {
  return s.message.split(MARKER_PLACEHOLDER).join(marker);
}

/** A short run tag: unique per run, safe in file names and session keys. */
export function newRunTag(now = Date.now()): string {
  return `${now.toString(36)}${Math.floor(Math.random() * 36 ** 3).toString(36).padStart(3, "0")}`;
}
