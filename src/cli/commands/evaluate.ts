// `clawshield eval`, `check-command` and `scan-text`: one action (or a JSONL stream of them) in,
// decisions out, with the documented exit codes.

import { readFile } from "node:fs/promises";
import { createInterface } from "node:readline";
import type { Command } from "commander";
import { buildDefender } from "../../defender/build.ts";
import type { Defender } from "../../defender/defender.ts";
import { parseAction } from "../../engine/action.ts";
import type { Action, Decision, DecisionAction } from "../../engine/types.ts";
import { ACTION_RANK } from "../../engine/types.ts";
import { ClawShieldError, ErrorCode, isClawShieldError } from "../../errors.ts";
import { actionFromFrame, isGatewayFrame } from "../../gateway/frames.ts";
import type { CliContext } from "../context.ts";
import { ExitCode, exitCodeFor, renderDecision, useColor } from "../output.ts";

interface CommonOpts {
  config?: string;
  json?: boolean;
  auditOnly?: boolean;
  dryRun?: boolean;
}

export function registerEvaluateCommands(program: Command, ctx: CliContext): void {
  program
    .command("eval")
    .description("decide on an action (Action JSON or a raw Gateway frame) from a file or stdin")
    .argument("[file]", "JSON file with one action; stdin when absent or '-'")
    .option("--jsonl", "stream: one action per input line, one decision per output line, same order")
    .option("--json", "print the decision as JSON")
    .option("-c, --config <file>", "config file (default ./clawshield.toml, then ./openclaw-rs.toml)")
    .option("--audit-only", "never block: the most severe outcome becomes review")
    .option("--dry-run", "no quarantine record, no decision log, no lookups (VirusTotal, host integrity)")
    .action(async (file: string | undefined, opts: CommonOpts & { jsonl?: boolean }) => {
      const defender = await open(ctx, opts);
      try {
        if (opts.jsonl) {
          await evalStream(ctx, defender, file);
          return;
        }
        const text = file === undefined || file === "-" ? await readStdin(ctx.stdin) : await readInputFile(file);
        const action = toAction(parseJson(text, file ?? "stdin"));
        await decideAndPrint(ctx, defender, action, opts);
      } finally {
        await defender.stop();
      }
    });

  program
    .command("check-command")
    .description("decide on a shell command as the agent would run it")
    .argument("<command>", "the shell command (quote it)")
    .option("--tool <name>", "tool that runs it ('none' for no tool)", "exec")
    .option("--channel <name>", "channel the request came from (discord, telegram, …)")
    .option("--session <key>", "OpenClaw session key")
    .option("--json", "print the decision as JSON")
    .option("-c, --config <file>", "config file")
    .option("--audit-only", "never block")
    .option("--dry-run", "no quarantine record, no decision log, no lookups (VirusTotal, host integrity)")
    .action(async (command: string, opts: CommonOpts & { tool: string; channel?: string; session?: string }) => {
      const defender = await open(ctx, opts);
      try {
        const action = parseAction({ command, ...(opts.tool === "none" ? {} : { tool: opts.tool }), channel: opts.channel, sessionKey: opts.session, source: "cli" });
        await decideAndPrint(ctx, defender, action, opts);
      } finally {
        await defender.stop();
      }
    });

  program
    .command("scan-text")
    .description("scan text from stdin (a message, or with --tool-output fetched content) for prompt injection")
    .option("--tool-output", "treat the text as a tool result (web page, file) rather than an inbound message")
    .option("--channel <name>", "channel the text came from")
    .option("--json", "print the decision as JSON")
    .option("-c, --config <file>", "config file")
    .option("--audit-only", "never block")
    .option("--dry-run", "no quarantine record, no decision log, no lookups (VirusTotal, host integrity)")
    .action(async (opts: CommonOpts & { toolOutput?: boolean; channel?: string }) => {
      const defender = await open(ctx, opts);
      try {
        const text = await readStdin(ctx.stdin);
        const action = parseAction({ ...(opts.toolOutput ? { toolOutput: text } : { text }), channel: opts.channel, source: "cli" });
        await decideAndPrint(ctx, defender, action, opts);
      } finally {
        await defender.stop();
      }
    });
}

/** A ready defender: with evidence and lookups (host integrity checked once), or neither with --dry-run. */
async function open(ctx: CliContext, opts: CommonOpts): Promise<Defender> {
  const config = ctx.loadConfig({ ...(opts.config ? { config: opts.config } : {}), ...(opts.auditOnly ? { auditOnly: true } : {}) });
  const defender = await buildDefender(config, { evidence: !opts.dryRun, lookups: !opts.dryRun });
  await defender.start();
  return defender;
}

async function decideAndPrint(ctx: CliContext, defender: Defender, action: Action, opts: CommonOpts): Promise<Decision> {
  const decision = await defender.evaluate(action);
  ctx.stdout.write(opts.json ? `${JSON.stringify(decision, null, 2)}\n` : `${renderDecision(decision, useColor(ctx.stdout))}\n`);
  ctx.setExitCode(exitCodeFor(decision.action));
  return decision;
}

/** Reads one action per line; writes one decision per line in the same order. */
async function evalStream(ctx: CliContext, defender: Defender, file: string | undefined): Promise<void> {
  const { createReadStream } = await import("node:fs");
  const input = file === undefined || file === "-" ? ctx.stdin : createReadStream(file, "utf8");
  const rl = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  let worst: DecisionAction = "allow";
  let malformed = false;
  let lineNo = 0;
  let buf = "";
  const flush = async (): Promise<void> => {
    if (buf === "") return;
    const chunk = buf;
    buf = "";
    if (!ctx.stdout.write(chunk)) await new Promise<void>((r) => ctx.stdout.once("drain", () => r()));
  };
  for await (const line of rl) {
    lineNo++;
    if (line.trim() === "") continue;
    let id: unknown = null;
    try {
      const obj = parseJson(line, `line ${lineNo}`);
      id = typeof obj === "object" && obj !== null ? ((obj as { id?: unknown }).id ?? null) : null;
      const action = toAction(obj);
      const d = await defender.evaluate(action);
      if (ACTION_RANK[d.action] > ACTION_RANK[worst]) worst = d.action;
      buf += `${JSON.stringify({ ...d, id: id ?? d.id })}\n`;
    } catch (e) {
      if (!isClawShieldError(e)) throw e;
      malformed = true;
      buf += `${JSON.stringify({ id, line: lineNo, error: { code: e.code, message: e.message } })}\n`;
    }
    if (buf.length > 64 * 1024) await flush();
  }
  await flush();
  ctx.setExitCode(malformed ? ExitCode.usage : exitCodeFor(worst));
}

function toAction(obj: unknown): Action {
  if (isGatewayFrame(obj)) return actionFromFrame(obj);
  return parseAction(obj, { source: "cli" });
}

function parseJson(text: string, where: string): unknown {
  if (text.trim() === "") throw new ClawShieldError(ErrorCode.INPUT_INVALID, `no input in ${where}. Fix: pass an Action JSON object, e.g. {"command":"ls"}.`);
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    const m = /position (\d+)/.exec((e as Error).message);
    const at = m ? ` at character ${m[1]}` : "";
    throw new ClawShieldError(ErrorCode.INPUT_INVALID, `${where} is not valid JSON${at}: ${(e as Error).message}. Fix: pass one JSON object (use --jsonl for one object per line).`);
  }
}

async function readInputFile(file: string): Promise<string> {
  try {
    return await readFile(file, "utf8");
  } catch (e) {
    throw new ClawShieldError(ErrorCode.INPUT_INVALID, `cannot read ${file}: ${(e as Error).message}. Fix: check the path, or pipe the JSON on stdin.`);
  }
}

export async function readStdin(stdin: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stdin) chunks.push(typeof c === "string" ? Buffer.from(c) : (c as Buffer));
  return Buffer.concat(chunks).toString("utf8");
}
