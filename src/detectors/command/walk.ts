// Turns a command line into a flat list of simple commands with their normalized argv, whatever
// structure they hide in: pipelines, lists, subshells, `$(…)`, backticks, `<(…)`, `eval`,
// `bash -c '…'`, `su -c`, `find -exec`, heredocs and strings fed to a shell on stdin, and shell
// strings passed to system()/exec() inside interpreter code. Error-tolerant: if the parser fails
// (or is absent) the text is tokenized on shell operators instead.
//
// Cost is bounded: nested re-parsing stops at MAX_REPARSE_DEPTH, the walk at MAX_NODES syntax
// nodes and MAX_TREE_DEPTH levels, and only the first MAX_PARSE_CHARS characters are parsed
// (text rules still scan the whole string).

import type { Tree, TreeCursor } from "web-tree-sitter";
import { baseName, canonicalName, decodeAnsiC, INTERPRETERS, SHELLS, unquote, WRAPPERS, type Vars } from "./normalize.ts";
import { PARSE_BUDGET_MS, type ShellParser } from "./parser.ts";

export const MAX_PARSE_CHARS = 16 * 1024;
export const MAX_NODES = 8_000;
export const MAX_TREE_DEPTH = 200;
export const MAX_REPARSE_DEPTH = 4;
/** A command word that expands to the running shell: `$SHELL`, `${BASH}`, `$0`, `"$ZSH_NAME"`. */
export const SHELL_VAR = /^"?\$(?:\{(?:SHELL|BASH|0|ZSH_NAME)\}|(?:SHELL|BASH|0|ZSH_NAME)\b)"?$/;
export const MAX_CMDS = 4096;
/** Words longer than this are analysed by their first part only (text rules still see all of it). */
export const MAX_WORD_CHARS = 8 * 1024;
/** Pipeline stages remembered as a command's upstream. */
export const MAX_UPSTREAM = 8;
/** Characters the linear fallback tokenizer covers (beyond the parsed window). */
export const MAX_FALLBACK_CHARS = 1024 * 1024;
/** Pipes parsed by tree-sitter per string (the rest is tokenized). */
export const MAX_PIPES = 48;
/** Total parse time budget for one command line, nested re-parses included (ms). */
export const WALK_BUDGET_MS = 30;
/** Strings up to this size are always parsed (no wall-clock budget, only a generous safety cap). */
export const SHORT_PARSE_CHARS = 4 * 1024;
const SHORT_PARSE_BUDGET_MS = 2_000;
/** Total characters per command line parsed without a wall-clock budget. */
const SHORT_PARSE_TOTAL = 16 * 1024;
/** Characters of a command's own text kept (for name-obfuscation checks and evidence). */
const MAX_TEXT_CHARS = 2 * 1024;

export interface Redirect {
  /** "<", ">", ">>", "<>", "&>", ">&", "<&", "<<", "<<<". */
  readonly op: string;
  readonly target: string;
}

/** How a command was reached. */
export type CmdOrigin = "top" | "subst" | "procsub" | "shell-c" | "eval" | "stdin" | "heredoc" | "find-exec" | "code" | "fallback";

export interface Cmd {
  /** Canonical command name after unwrapping sudo/env/nohup/…: "curl", "python", "sh". */
  name: string;
  /** The words after the command name, quote-removed (variables substituted when known). */
  args: string[];
  /** The words as written, quote-removed, including wrappers. */
  words: string[];
  /** Wrappers that were stripped (sudo, env, xargs, …). */
  wrappers: string[];
  /** Runs under sudo/doas/pkexec/su/run0 (or inherited from the shell that runs it). */
  privileged: boolean;
  /** The target user a privilege wrapper named (`sudo -u alice`, `su alice -c`), when privileged; absent = root. */
  runAs?: string;
  /** Environment assignments written before the command (`LFILE=x cmd`). */
  env: [string, string][];
  redirects: Redirect[];
  /** Text fed on stdin by a heredoc or here-string. */
  stdinText?: string;
  /** Commands whose output reaches this one through a pipe (all earlier pipeline stages). */
  upstream: Cmd[];
  origin: CmdOrigin;
  /** Re-parse depth (0 = the line itself). */
  depth: number;
  /** Span in the top-level subject string (for nested commands: the enclosing top-level span). */
  start: number;
  end: number;
  /** Source text of this command (its own text, for nested ones the nested string). */
  text: string;
  /** Inline interpreter code (`python -c CODE`, `perl -e CODE`, `awk PROGRAM`, heredoc to python). */
  code?: string;
}

export interface WalkResult {
  readonly cmds: Cmd[];
  /** Variable assignments seen anywhere (`LFILE=/etc/shadow`, `RHOST=…`). */
  readonly vars: Map<string, string>;
  /** ERROR / MISSING syntax nodes in the top-level parse. */
  errors: number;
  /** Named syntax nodes visited in the top-level parse. */
  nodes: number;
  /** The parser was not used (absent/failed): commands come from the fallback tokenizer. */
  fallback: boolean;
  /** Some part was not walked (too long, too deep, too many nodes). */
  truncated: boolean;
  /** Keys of commands already recorded (duplicate suppression). */
  readonly seen: Set<string>;
  /** Function definitions whose name is also used as a command in their own body (fork bombs). */
  recursiveFunctions: number;
  /** Scripts written earlier in the line by echo/printf/cat-heredoc, by path (see runsDropped). */
  dropped?: Map<string, string>;
}

interface Ctx {
  readonly src: string;
  readonly res: WalkResult;
  readonly depth: number;
  readonly privileged: boolean;
  /** Target user of the privilege wrapper that started this context (absent = root or unprivileged). */
  readonly runAs?: string | undefined;
  readonly origin: CmdOrigin;
  /** When set, spans of new commands are this (top-level) span instead of their own. */
  readonly span: readonly [number, number] | undefined;
  readonly parser: ShellParser | undefined;
  budget: { nodes: number; started: number; shortChars: number };
}

/** Walks a command line. Never throws on any input. */
export function walkCommand(text: string, parser: ShellParser | undefined): WalkResult {
  const res: WalkResult = { cmds: [], seen: new Set(), vars: new Map(), errors: 0, nodes: 0, fallback: false, truncated: false, recursiveFunctions: 0 };
  const ctx: Ctx = { src: text, res, depth: 0, privileged: false, origin: "top", span: undefined, parser, budget: { nodes: 0, started: performance.now(), shortChars: 0 } };
  if (text.length <= 2048 && SIMPLE_LINE.test(text)) {
    // Fast path, exact for this alphabet: no quotes, escapes, expansions, operators, globs that
    // change word boundaries, comments or newlines, so bash would see exactly the
    // whitespace-separated words (leading NAME=value words are assignments).
    fallbackTokenize({ ...ctx, origin: "top" }, text);
    for (const c of res.cmds) c.origin = "top";
    return res;
  }
  parseInto(ctx, text);
  return res;
}

/** One simple command made only of plain words: quote-free, operator-free, expansion-free. */
const SIMPLE_LINE = /^[A-Za-z0-9 \t._/=:,+@%^~-]*$/;

/** Parses `text` (a whole script) and appends its commands. */
function parseInto(ctx: Ctx, text: string): Cmd[] {
  const before = ctx.res.cmds.length;
  let src = text;
  let rest: string | undefined;
  if (src.length > MAX_PARSE_CHARS) {
    // Cut at a line/statement boundary near the limit when there is one; the rest is tokenized.
    let cut = MAX_PARSE_CHARS;
    const nl = src.lastIndexOf("\n", cut);
    if (nl > cut / 2) cut = nl + 1;
    rest = src.slice(cut);
    src = src.slice(0, cut);
    ctx.res.truncated = true;
  }
  // tree-sitter-bash parses long pipelines in super-linear time: parse up to MAX_PIPES pipes and
  // tokenize the rest (linear), so every command is still seen.
  let pipes = 0;
  for (let i = src.indexOf("|"); i >= 0; i = src.indexOf("|", i + 1)) {
    if (++pipes > MAX_PIPES) {
      rest = src.slice(i) + (rest ?? "");
      src = src.slice(0, i);
      ctx.res.truncated = true;
      break;
    }
  }
  // Short strings parse in microseconds and their cost is bounded by their size: they get no
  // wall-clock budget, so a busy or descheduled host cannot change the result (determinism).
  // Bounded in total too (variables can make many nested strings out of a short line).
  const short = src.length <= SHORT_PARSE_CHARS && (ctx.budget.shortChars += src.length) <= SHORT_PARSE_TOTAL;
  const budgetLeft = short ? SHORT_PARSE_BUDGET_MS : WALK_BUDGET_MS - (performance.now() - ctx.budget.started);
  const tree: Tree | undefined = budgetLeft > 1 ? ctx.parser?.parse(src, short ? SHORT_PARSE_BUDGET_MS : Math.min(budgetLeft, PARSE_BUDGET_MS)) : undefined;
  if (tree === undefined) {
    if (ctx.depth === 0) ctx.res.fallback = true;
    if (ctx.parser !== undefined && budgetLeft <= 1) ctx.res.truncated = true;
    fallbackTokenize({ ...ctx, src }, src);
  } else {
    const c = tree.walk();
    try {
      const sub: Ctx = { ...ctx, src };
      visitChildren(sub, c, 0, []);
    } finally {
      c.delete();
      tree.delete();
    }
  }
  if (rest !== undefined) fallbackTokenize({ ...ctx, src: rest, origin: ctx.origin === "top" ? "fallback" : ctx.origin }, rest, text.length - rest.length);
  return ctx.res.cmds.slice(before);
}

/** Statement-level state shared by the commands of one pipeline. */
type Upstream = Cmd[];

function visitChildren(ctx: Ctx, c: TreeCursor, level: number, upstream: Upstream): void {
  if (!c.gotoFirstChild()) return;
  do visit(ctx, c, level + 1, upstream);
  while (c.gotoNextSibling());
  c.gotoParent();
}

function visit(ctx: Ctx, c: TreeCursor, level: number, upstream: Upstream): void {
  const res = ctx.res;
  if (++ctx.budget.nodes > MAX_NODES || level > MAX_TREE_DEPTH || res.cmds.length >= MAX_CMDS) {
    res.truncated = true;
    return;
  }
  const type = c.nodeType;
  if (ctx.depth === 0 && c.nodeIsNamed) res.nodes++;
  if (type === "ERROR" || c.nodeIsMissing) {
    if (ctx.depth === 0) res.errors++;
    // Inside an error node the words are often still commands: tokenize its text.
    if (type === "ERROR") {
      const t = ctx.src.slice(c.startIndex, Math.min(c.endIndex, c.startIndex + MAX_PARSE_CHARS));
      if (/\s/.test(t) || t.length > 1) fallbackTokenize({ ...ctx, origin: ctx.origin === "top" ? "fallback" : ctx.origin }, t, c.startIndex);
    }
    return;
  }
  switch (type) {
    case "command":
      visitCommand(ctx, c, level, upstream);
      return;
    case "pipeline": {
      // Each stage gets every earlier stage's commands as upstream.
      const up: Cmd[] = [...upstream];
      if (!c.gotoFirstChild()) return;
      do {
        if (!c.nodeIsNamed) continue;
        const before = res.cmds.length;
        visit(ctx, c, level + 1, up.slice(-MAX_UPSTREAM));
        for (let i = before; i < res.cmds.length; i++) up.push(res.cmds[i]!);
        if (up.length > 4 * MAX_UPSTREAM) up.splice(0, up.length - MAX_UPSTREAM);
      } while (c.gotoNextSibling());
      c.gotoParent();
      return;
    }
    case "redirected_statement": {
      const before = res.cmds.length;
      let body: Cmd | undefined;
      const pendingRedirects: Redirect[] = [];
      let heredoc: string | undefined;
      if (!c.gotoFirstChild()) return;
      do {
        const field = c.currentFieldName;
        if (field === "body") {
          const isPipeline = c.nodeType === "pipeline";
          visit(ctx, c, level + 1, upstream);
          // The statement's command is the first top-level command produced by the body; for a
          // pipeline (`a | b > f`) bash applies the redirect to the last stage.
          body = res.cmds[before];
          if (isPipeline) {
            for (let i = res.cmds.length - 1; i > before; i--) {
              const x = res.cmds[i]!;
              if (x.depth === ctx.depth && x.origin === ctx.origin) {
                body = x;
                break;
              }
            }
          }
        } else if (c.nodeType === "heredoc_redirect") {
          // heredoc_redirect may contain the rest of the pipeline (`cat <<EOF | sh`): read the
          // body first so the piped commands see it.
          if (c.gotoFirstChild()) {
            do if ((c.nodeType as string) === "heredoc_body") heredoc = ctx.src.slice(c.startIndex, Math.min(c.endIndex, c.startIndex + MAX_PARSE_CHARS));
            while (c.gotoNextSibling());
            c.gotoParent();
          }
          if (body !== undefined && heredoc !== undefined && body.stdinText === undefined) body.stdinText = heredoc;
          if (c.gotoFirstChild()) {
            do {
              const t: string = c.nodeType;
              if (c.nodeIsNamed && t !== "heredoc_body" && t !== "heredoc_start" && t !== "heredoc_end") visit(ctx, c, level + 2, body ? [body] : []);
            } while (c.gotoNextSibling());
            c.gotoParent();
          }
          pendingRedirects.push({ op: "<<", target: "" });
        } else if (c.nodeIsNamed) {
          const r = readRedirect(ctx, c);
          if (r) pendingRedirects.push(r);
          visitChildren(ctx, c, level + 1, []);
        }
      } while (c.gotoNextSibling());
      c.gotoParent();
      if (body !== undefined) {
        body.redirects.push(...pendingRedirects);
        droppedPayload(body);
        if (heredoc !== undefined) feedStdin(ctx, body, heredoc, "heredoc");
        recordDropped(res, body);
      } else if (res.cmds.length === before && pendingRedirects.some((r) => r.target !== "")) {
        // `> ~/.ssh/authorized_keys`: a redirect with no command still opens (and truncates) the
        // file; it is the `:` builtin's `: > file`, so it is recorded as that.
        addCommand(ctx, [":"], [], pendingRedirects, undefined, upstream, c.startIndex, c.endIndex);
      }
      return;
    }
    case "unset_command":
    case "declaration_command": {
      // `unset HISTFILE`, `export HISTSIZE=0`, `declare -x PATH=/tmp:$PATH`: recorded as commands,
      // as the fast path (plain words) does, so the rules see the same thing either way.
      const words: string[] = [];
      const start = c.startIndex;
      const end = c.endIndex;
      if (c.gotoFirstChild()) {
        do if (words.length < 64) words.push(unquote(nodeText(ctx, c), res.vars));
        while (c.gotoNextSibling());
        c.gotoParent();
      }
      visitChildren(ctx, c, level, upstream);
      addCommand(ctx, words, [], [], undefined, upstream, start, end);
      return;
    }
    case "variable_assignment": {
      readAssignment(ctx, c, res.vars);
      visitChildren(ctx, c, level, upstream);
      return;
    }
    case "function_definition": {
      // `:(){ :|:& };:`: a function that calls itself in a pipeline/background.
      let name = "";
      const before = res.cmds.length;
      if (!c.gotoFirstChild()) return;
      do {
        if (c.currentFieldName === "name") name = ctx.src.slice(c.startIndex, c.endIndex);
        else if (c.nodeIsNamed) visit(ctx, c, level + 1, upstream);
      } while (c.gotoNextSibling());
      c.gotoParent();
      if (name !== "") {
        let selfCalls = 0;
        for (let i = before; i < res.cmds.length; i++) if (res.cmds[i]!.words[0] === name) selfCalls++;
        if (selfCalls >= 2) res.recursiveFunctions++;
      }
      return;
    }
    case "comment":
    case "heredoc_body":
      return;
    default:
      visitChildren(ctx, c, level, upstream);
  }
}

const REDIRECT_OP = /^\s*(?:\d+|\{\w+\})?\s*(&>>|&>|>>|<>|>&|<&|>\||<<<|<<-?|<|>)/;

/** The source text of the cursor's node, capped at MAX_WORD_CHARS. */
function nodeText(ctx: Ctx, c: TreeCursor): string {
  const s = c.startIndex;
  if (c.endIndex - s > MAX_WORD_CHARS) ctx.res.truncated = true;
  return ctx.src.slice(s, Math.min(c.endIndex, s + MAX_WORD_CHARS));
}

function readRedirect(ctx: Ctx, c: TreeCursor): Redirect | undefined {
  const t = c.nodeType;
  if (t !== "file_redirect" && t !== "herestring_redirect") return undefined;
  const text = nodeText(ctx, c);
  const m = REDIRECT_OP.exec(text);
  const op = t === "herestring_redirect" ? "<<<" : (m?.[1] ?? ">");
  const target = unquote(text.slice(m ? m[0].length : 0).trim(), ctx.res.vars);
  return { op, target };
}

function readAssignment(ctx: Ctx, c: TreeCursor, vars: Map<string, string>): [string, string] | undefined {
  const text = nodeText(ctx, c);
  const eq = text.indexOf("=");
  if (eq <= 0) return undefined;
  const name = text.slice(0, eq).replace(/\+$/, "");
  const value = unquote(text.slice(eq + 1), vars);
  if (vars.size < 256 && value.length <= 4096) vars.set(name, value);
  return [name, value];
}

function visitCommand(ctx: Ctx, c: TreeCursor, level: number, upstream: Upstream): void {
  const res = ctx.res;
  const start = c.startIndex;
  const end = c.endIndex;
  const words: string[] = [];
  const env: [string, string][] = [];
  const redirects: Redirect[] = [];
  let stdinText: string | undefined;
  if (c.gotoFirstChild()) {
    do {
      const t = c.nodeType;
      const field = c.currentFieldName;
      if (t === "variable_assignment") {
        const kv = readAssignment(ctx, c, res.vars);
        if (kv) env.push(kv);
        visitChildren(ctx, c, level + 1, []);
      } else if (field === "name" || field === "argument") {
        if (words.length < 256) words.push(unquote(nodeText(ctx, c), res.vars));
        // Substitutions inside the word run first, as their own commands.
        if (c.nodeType !== "word") visitChildren({ ...ctx, origin: ctx.origin === "top" ? "subst" : ctx.origin }, c, level + 1, []);
      } else if (t === "herestring_redirect") {
        const text = nodeText(ctx, c).replace(/^\s*\d*<<<\s*/, "");
        stdinText = unquote(text, res.vars);
        redirects.push({ op: "<<<", target: "" });
        visitChildren(ctx, c, level + 1, []);
      } else if (t === "file_redirect") {
        const r = readRedirect(ctx, c);
        if (r) redirects.push(r);
        visitChildren(ctx, c, level + 1, []);
      } else if (t === "ERROR") {
        if (ctx.depth === 0) res.errors++;
      } else if (c.nodeIsNamed) {
        visit(ctx, c, level + 1, []);
      }
    } while (c.gotoNextSibling());
    c.gotoParent();
  }
  addCommand(ctx, words, env, redirects, stdinText, upstream, start, end);
}

const LOOKED_UP_NAME = /^"?(?:\$\(|`)\s*(?:which|command\s+-v|type\s+-[pP]|whereis\s+-b)\s+([\w.+-]{1,64})\s*(?:\)|`)"?$/;
const PRINTED_NAME = /^(?:\$\(|`)\s*(?:echo(?:\s+-[neE]+)*\s+|printf\s+|cat\s*<<<\s*)([^$`()|;&<>]{1,256}?)\s*(?:\)|`)$/;

/** The words a `$(echo …)` / `$(printf …)` / `` `cat<<<…` `` substitution of fixed text prints, split on IFS. */
export function printedWords(word: string, vars: Vars): string[] | undefined {
  // Only a substitution can print a name: skip the regexes for plain words (almost every command).
  const c0 = word.charCodeAt(0);
  if (c0 !== 36 /* $ */ && c0 !== 96 /* ` */ && c0 !== 34 /* " */) return undefined;
  // `$(which bash)`, `` `command -v sh` ``: the program's own path.
  const w = LOOKED_UP_NAME.exec(word);
  if (w) return [w[1]!];
  const m = PRINTED_NAME.exec(word);
  if (!m) return undefined;
  const text = unquote(m[1]!, vars).replace(/\\x([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
  const ifs = vars.get("IFS") ?? " \t\n";
  const out: string[] = [];
  let cur = "";
  for (const ch of text) {
    if (ifs.includes(ch) || ch === "\n") {
      if (cur !== "") out.push(cur);
      cur = "";
    } else cur += ch;
  }
  if (cur !== "") out.push(cur);
  return out.length > 0 && out.length <= 64 ? out : undefined;
}

/** Strips wrappers, records the command and follows what it runs (-c strings, eval, find -exec …). */
function addCommand(ctx: Ctx, words: string[], env: [string, string][], redirects: Redirect[], stdinText: string | undefined, upstream: Upstream, start: number, end: number, originOverride?: CmdOrigin): Cmd | undefined {
  const res = ctx.res;
  if (words.length === 0 || res.cmds.length >= MAX_CMDS) return undefined;
  // A command name printed by a substitution of fixed text (`$(echo rm) -rf ~`, `IFS=,;\`cat<<<rm,-rf,~\``)
  // is that text, word-split on IFS.
  const printed = printedWords(words[0]!, res.vars);
  if (printed !== undefined) words = [...printed, ...words.slice(1)];
  // A variable holding a whole command (`C='curl -s x'; $C | sh`) word-splits when unquoted.
  const first = words[0]!;
  if (first.length <= 1024 && /^[\w.-]+[ \t]+\S/.test(first)) words = [...first.split(/[ \t]+/).filter((x) => x !== ""), ...words.slice(1)];
  let i = 0;
  let privileged = ctx.privileged;
  let runAs = ctx.runAs;
  const wrappers: string[] = [];
  // Unwrap: sudo -u x env A=1 nohup timeout 5 cmd …
  for (let guard = 0; guard < 8 && i < words.length; guard++) {
    const w = canonicalName(baseName(words[i]!));
    const wrap = WRAPPERS.get(w);
    if (wrap === undefined) {
      if (w === "su") {
        // su [opts] [user] [-c cmd]: the -c string is re-parsed below; bare su is a root shell.
        privileged = true;
      }
      break;
    }
    // `command -v x` / `command -V x` only looks a command up.
    if ((w === "command" || w === "builtin") && /^-[vV]$/.test(words[i + 1] ?? "")) break;
    wrappers.push(w);
    if (wrap.privileged) {
      privileged = true;
      runAs = undefined;
    }
    i++;
    let positional = wrap.positional ?? 0;
    while (i < words.length) {
      const a = words[i]!;
      if (a === "--") {
        i++;
        break;
      }
      if ((w === "env" || w === "sudo" || w === "doas" || w === "run0") && /^[A-Za-z_][A-Za-z0-9_]*=/.test(a)) {
        const eq = a.indexOf("=");
        env.push([a.slice(0, eq), a.slice(eq + 1)]);
        i++;
        continue;
      }
      if (a.startsWith("-") && a.length > 1) {
        if (wrap.privileged) {
          // sudo -u alice / --user=alice / -ualice / doas -u alice / runuser -u alice: the target user.
          const u = a === "-u" || a === "--user" || (/^-[a-zA-Z]+u$/.test(a) && w !== "pkexec") ? words[i + 1] : /^--user=/.test(a) ? a.slice(7) : /^-u\S/.test(a) && w !== "pkexec" ? a.slice(2) : undefined;
          if (u !== undefined) runAs = u;
          // Clustered flags ending in a valued one (`sudo -iu alice`, `sudo -Eg staff`) take the next word too.
          if (/^-[a-zA-Z]+[ug]$/.test(a) && w !== "pkexec") {
            i += 2;
            continue;
          }
        }
        i += wrap.valued?.has(a) ? 2 : 1;
        continue;
      }
      if (positional > 0) {
        positional--;
        i++;
        continue;
      }
      break;
    }
  }
  const rest = words.slice(i);
  if (wrappers.includes("xargs") && rest.length > 0) xargsFed(words, i, rest, upstream.length > 0 ? fedText(upstream) : stdinText);
  // Identical repeated commands (padding) are analysed once, so they cannot push the real one past MAX_CMDS.
  if (res.cmds.length > 64 && upstream.length === 0 && stdinText === undefined && redirects.length === 0) {
    const key = `${ctx.depth}\u0000${privileged ? 1 : 0}\u0000${words.join("\u0000")}`;
    if (res.seen.has(key)) return undefined;
    if (res.seen.size < 8192) res.seen.add(key);
  }
  const span: [number, number] = ctx.span ? [ctx.span[0], ctx.span[1]] : [start, end];
  // `sudo -i` / `sudo -s` / `sudo su` / bare `su`: an interactive root shell.
  let nameWord = rest[0];
  // A bare `env` prints the environment (API keys, tokens): a command of its own, not an empty wrapper.
  if (nameWord === undefined && !privileged && wrappers.at(-1) === "env") {
    nameWord = "env";
    rest.push("env");
  }
  if (nameWord === undefined) {
    if (!privileged) return undefined;
    // `sudo -l` / `-v` / `-k` / `-K` / `-V` / `-h` list privileges, refresh or drop the cached
    // credentials, or print help: no shell starts (unless -i/-s ask for one as well).
    const opts = words.slice(1).filter((w) => w.startsWith("-"));
    if (opts.some((w) => /^-[a-zA-Z]*[lvkKVh][a-zA-Z]*$|^--(?:list|validate|reset-timestamp|remove-timestamp|version|help)$/.test(w)) && !opts.some((w) => /^-[a-zA-Z]*[is][a-zA-Z]*$|^--(?:login|shell)$/.test(w))) return undefined;
    nameWord = "sh";
    rest.push("sh");
  }
  // `curl … | $SHELL`, `| ${BASH}`, `| $0`: these variables hold the running shell itself.
  if (SHELL_VAR.test(nameWord)) nameWord = "sh";
  const name = canonicalName(baseName(nameWord));
  const cmd: Cmd = {
    name,
    args: rest.slice(1),
    words,
    wrappers,
    privileged,
    ...(privileged && runAs !== undefined ? { runAs } : {}),
    env,
    redirects,
    upstream,
    origin: originOverride ?? ctx.origin,
    depth: ctx.depth,
    start: span[0],
    end: span[1],
    text: ctx.src.slice(start, Math.min(end, start + MAX_TEXT_CHARS)),
  };
  if (stdinText !== undefined) cmd.stdinText = stdinText;
  res.cmds.push(cmd);
  follow(ctx, cmd, span);
  // `echo 'id' | sh`, `printf … | bash`, `cat <<EOF | python`: what the last stage feeds in.
  if (upstream.length > 0 && (SHELLS.has(name) || INTERPRETERS.has(name))) {
    const fed = fedText(upstream);
    if (fed !== undefined) feedStdin(ctx, cmd, fed, "stdin");
  } else if (stdinText !== undefined && redirects.some((r) => r.op === "<<<") && (SHELLS.has(name) || INTERPRETERS.has(name))) {
    // `bash <<< 'rm -rf ~'`, `python3 <<< 'import os; …'`: a here-string is a script like a heredoc.
    feedStdin(ctx, cmd, stdinText, "stdin");
  }
  recordDropped(res, cmd);
  runsDropped(ctx, cmd, span);
  return cmd;
}

/**
 * `echo ~ | xargs rm -rf`, `xargs rm -rf <<< ~`: the words fed to xargs are arguments of the command
 * it runs (appended, or put where `-I {}` says). Only fixed text (echo/printf/here-string) is known.
 */
function xargsFed(words: readonly string[], restStart: number, rest: string[], fed: string | undefined): void {
  if (fed === undefined || fed.length > 4096) return;
  const at = words.findIndex((w, k) => k < restStart && canonicalName(baseName(w)) === "xargs");
  const opts = at < 0 ? [] : words.slice(at + 1, restStart);
  const k = opts.findIndex((o) => /^-I|^-i|^--replace/.test(o));
  if (k >= 0) {
    const o = opts[k]!;
    const repl = o === "-I" ? opts[k + 1] ?? "{}" : /^-I./.test(o) ? o.slice(2) : /^(?:-i|--replace=)(.+)$/.exec(o)?.[1] ?? "{}";
    if (repl === "") return;
    const line = fed.split("\n").find((l) => l.trim() !== "") ?? "";
    for (let j = 1; j < rest.length; j++) rest[j] = rest[j]!.split(repl).join(line.trim());
    return;
  }
  for (const w of fed.split(/\s+/)) if (w !== "" && rest.length < 64) rest.push(w);
}

/** `echo 'rm -rf ~' > x.sh`, `printf … >> x.sh`, `cat > x.py <<EOF`: remembers the script written, by path. */
function recordDropped(res: WalkResult, cmd: Cmd): void {
  const r = cmd.redirects.find((x) => (x.op === ">" || x.op === ">>") && x.target !== "" && !x.target.startsWith("/dev/"));
  if (r === undefined) return;
  const text = cmd.name === "echo" || cmd.name === "printf" ? fedText([cmd]) : cmd.name === "cat" && cmd.args.length === 0 ? cmd.stdinText : undefined;
  if (text === undefined) return;
  const map = (res.dropped ??= new Map());
  const key = scriptKey(r.target);
  if (map.size >= 16 && !map.has(key)) return;
  map.set(key, ((r.op === ">>" ? map.get(key) ?? "" : "") + text + "\n").slice(0, MAX_PARSE_CHARS));
}
const scriptKey = (path: string): string => path.replace(/^(?:\.\/)+/, "");

/**
 * A script written earlier in the line and then run (`sh x.sh`, `./x.sh`, `source x.sh`,
 * `python3 x.py`), or one printed into a process substitution (`source <(echo …)`): its text is
 * walked as the commands (or code) that run.
 */
function runsDropped(ctx: Ctx, cmd: Cmd, span: readonly [number, number]): void {
  const { name, args } = cmd;
  const shellLike = SHELLS.has(name) || name === "source" || name === "." || INTERPRETERS.has(name);
  if (shellLike && shellDashC(args) !== undefined) return;
  const file = shellLike ? args.find((a) => !a.startsWith("-")) : cmd.words[cmd.words.length - args.length - 1];
  if (file === undefined) return;
  const key = scriptKey(file);
  const text = ctx.res.dropped?.get(key) ?? (shellLike ? printedProcSub(file, ctx.res.vars) : undefined);
  if (text === undefined) return;
  // Walked once: running the same script again adds nothing, and re-parsing it per call would let
  // one written script multiply the parse work.
  ctx.res.dropped?.delete(key);
  if (INTERPRETERS.has(name) && !SHELLS.has(name)) {
    if (cmd.code !== undefined) return;
    cmd.code = text;
    for (const s of shellStringsInCode(text)) {
      const sub = nested(ctx, cmd, span, "code");
      if (sub) parseInto(sub, s);
    }
    return;
  }
  const sub = nested(ctx, cmd, span, "eval");
  if (sub) parseInto(sub, text);
}

/** `<(echo 'rm -rf ~')`, `<(printf '…')`: the fixed text a process substitution prints. */
function printedProcSub(word: string, vars: Vars): string | undefined {
  const m = /^<\(\s*(echo|printf)\s+([\s\S]*?)\s*\)$/.exec(word);
  if (m === null || m[2]!.length > 4096 || /[|;&`]|\$\(/.test(m[2]!)) return undefined;
  let body = m[2]!;
  if (m[1] === "echo" && /^-[neE]+\s/.test(body)) body = body.replace(/^-[neE]+\s+/, "");
  const text = unquote(body, vars);
  return m[1] === "printf" ? decodeAnsiC(text) : text;
}

/** `echo '…' > file`: a payload dropped into a file (source code, script, config) is scanned like inline code. */
function droppedPayload(cmd: Cmd): void {
  if ((cmd.name === "echo" || cmd.name === "printf") && cmd.code === undefined && cmd.redirects.some((r) => (r.op === ">" || r.op === ">>") && r.target !== "") && cmd.args.some((a) => a.length > 12)) {
    cmd.code = cmd.args.join(" ");
  }
}

/** The literal text the upstream of a pipe produces, when it is echo/printf/cat-heredoc. */
function fedText(upstream: readonly Cmd[]): string | undefined {
  const u = upstream[upstream.length - 1];
  if (u === undefined) return undefined;
  {
    if (u.name === "printf") return decodeAnsiC(u.args[0] ?? "");
    if (u.name === "echo") {
      const opts = u.args[0] !== undefined && /^-[neE]+$/.test(u.args[0]) ? u.args[0] : "";
      const text = u.args.slice(opts === "" ? 0 : 1).join(" ");
      return opts.includes("e") ? decodeAnsiC(text) : text;
    }
    if (u.name === "cat" && u.stdinText !== undefined) return u.stdinText;
  }
  return undefined;
}

/** A context for strings a command runs (bash -c, eval, …): one level deeper, same evidence span. */
function nested(ctx: Ctx, cmd: Cmd, span: readonly [number, number], origin: CmdOrigin): Ctx | undefined {
  if (ctx.depth >= MAX_REPARSE_DEPTH) {
    ctx.res.truncated = true;
    return undefined;
  }
  return { ...ctx, depth: ctx.depth + 1, privileged: cmd.privileged, runAs: cmd.runAs, origin, span };
}

/** Finds what a command itself runs and walks it. */
function follow(ctx: Ctx, cmd: Cmd, span: readonly [number, number]): void {
  const { name, args } = cmd;
  if (name === "pwsh" || name === "powershell") {
    const encoded = encodedPowerShell(args);
    cmd.code = encoded === undefined ? args.join(" ") : `${args.join(" ")}\n${encoded}`;
    return;
  }
  if (SHELLS.has(name) || name === "su") {
    const script = shellDashC(args);
    if (script !== undefined) {
      const sub = nested(ctx, cmd, span, "shell-c");
      if (sub) parseInto(name === "su" ? { ...sub, runAs: suTarget(args) } : sub, script);
    }
    return;
  }
  if (name === "screen" || name === "byobu") {
    // screen [-dmS name …] program args…: the program runs detached.
    let k = 0;
    while (k < args.length && args[k]!.startsWith("-")) k += /^-[a-zA-Z]*[SceptThX]$|^-Logfile$/.test(args[k]!) ? 2 : 1;
    const sub = nested(ctx, cmd, span, "shell-c");
    if (sub && k < args.length) addCommand(sub, args.slice(k), [], [], undefined, [], span[0], span[1], "shell-c");
    return;
  }
  if (name === "tmux") {
    // tmux new-session -d 'shell command' (also new-window, split-window, respawn-*, run-shell).
    const last = args[args.length - 1];
    if (last !== undefined && !last.startsWith("-") && args.some((a) => /^(?:new|new-session|new-window|neww|split-window|splitw|respawn-pane|respawnp|respawn-window|respawnw|run-shell|run)$/.test(a)) && !/^(?:new|new-session|new-window|neww|split-window|splitw|respawn-pane|respawnp|respawn-window|respawnw|run-shell|run)$/.test(last)) {
      const sub = nested(ctx, cmd, span, "shell-c");
      if (sub) parseInto(sub, last);
    }
    return;
  }
  if (name === "eval" || name === "watch") {
    // eval joins its words; watch runs its (non-option) words through sh -c.
    let k = 0;
    if (name === "watch") while (k < args.length && args[k]!.startsWith("-")) k += /^(?:-n|-d|--interval|-q|--equexit)$/.test(args[k]!) ? 2 : 1;
    const sub = nested(ctx, cmd, span, name === "eval" ? "eval" : "shell-c");
    if (sub && k < args.length) parseInto(sub, args.slice(k).join(" "));
    return;
  }
  if (name === "find") {
    // find … -exec cmd args {} \; (also -execdir, -ok, -okdir)
    for (let k = 0; k < args.length; k++) {
      if (!/^-(?:exec|execdir|ok|okdir)$/.test(args[k]!)) continue;
      let e = k + 1;
      while (e < args.length && args[e] !== ";" && args[e] !== "+") e++;
      const inner = args.slice(k + 1, e);
      const sub = nested(ctx, cmd, span, "find-exec");
      if (sub && inner.length > 0) addCommand(sub, inner, [], [], undefined, [], span[0], span[1], "find-exec");
      k = e;
    }
    return;
  }
  if (INTERPRETERS.has(name)) {
    const code = inlineCode(name, args);
    if (code !== undefined) {
      cmd.code = code;
      for (const s of shellStringsInCode(code)) {
        const sub = nested(ctx, cmd, span, "code");
        if (sub) parseInto(sub, s);
      }
    }
  }
}

/** -e, -ec, -en, -enc … -EncodedCommand (PowerShell accepts any unambiguous prefix; `-ec` is an alias). */
export const PS_ENCODED_FLAG = /^[-/](?:ec|e(?:n(?:c(?:o(?:d(?:e(?:d(?:c(?:o(?:m(?:m(?:a(?:n(?:d)?)?)?)?)?)?)?)?)?)?)?)?)?)$/i;

/** The script of `powershell -EncodedCommand <base64 of UTF-16LE>` (any prefix of the flag), decoded. */
export function encodedPowerShell(args: readonly string[]): string | undefined {
  for (let k = 0; k + 1 < args.length; k++) {
    if (!PS_ENCODED_FLAG.test(args[k]!)) continue;
    const b64 = args[k + 1]!;
    if (!/^[A-Za-z0-9+/=]{8,}$/.test(b64) || b64.length > 64 * 1024) return undefined;
    const text = Buffer.from(b64, "base64").toString("utf16le");
    // Not UTF-16 text (a wrong guess): keep nothing rather than noise.
    return /^[\t\n\r\x20-\x7e\u00a0-\uffff]*$/.test(text) && !/[\u0100-\uffff]{4}/.test(text) ? text : undefined;
  }
  return undefined;
}

/** Feeds text on stdin (heredoc/here-string/echo pipe) to a command: shells parse it, interpreters keep it as code. */
export function feedStdin(ctx: Ctx, cmd: Cmd, text: string, origin: CmdOrigin): void {
  if (cmd.stdinText === undefined) cmd.stdinText = text;
  const span: [number, number] = [cmd.start, cmd.end];
  if (SHELLS.has(cmd.name) && readsScriptFromStdin(cmd.args)) {
    const sub = nested(ctx, cmd, span, origin);
    if (sub) parseInto(sub, text);
  } else if (INTERPRETERS.has(cmd.name) && cmd.code === undefined && !cmd.args.some((a) => !a.startsWith("-"))) {
    cmd.code = text;
    for (const s of shellStringsInCode(text)) {
      const sub = nested(ctx, cmd, span, "code");
      if (sub) parseInto(sub, s);
    }
  }
}

/** The user `su [opts] [user] [-c cmd]` switches to (undefined = root). */
export function suTarget(args: readonly string[]): string | undefined {
  for (let k = 0; k < args.length; k++) {
    const a = args[k]!;
    if (/^(?:-c|--command|-s|--shell|-g|--group|-G|--supp-group|-w|--whitelist-environment)$/.test(a)) {
      k++;
      continue;
    }
    if (a.startsWith("-")) continue;
    return a;
  }
  return undefined;
}

/** The script of `sh -c SCRIPT` (also `-lc`, `-pc`, `-ec`, `su -c`, `su user -c`). */
export function shellDashC(args: readonly string[]): string | undefined {
  for (let k = 0; k < args.length; k++) {
    const a = args[k]!;
    if (a === "-c" || a === "--command" || /^-[a-zA-Z]*c[a-zA-Z]*$/.test(a)) return args[k + 1];
    if (a.startsWith("--command=")) return a.slice(10);
    if (a === "/c" || a === "-Command" || a === "-command") return args.slice(k + 1).join(" ");
  }
  return undefined;
}

/** Whether a shell with these args reads its script from stdin (no script file, no -c). */
export function readsScriptFromStdin(args: readonly string[]): boolean {
  for (const a of args) {
    if (a === "-" || a === "-s") return true;
    if (a.startsWith("-") || a.startsWith("+")) {
      if (/^-[a-zA-Z]*c/.test(a)) return false;
      continue;
    }
    return false; // a script file
  }
  return true;
}

/** The inline program of an interpreter call, if any. */
export function inlineCode(name: string, args: readonly string[]): string | undefined {
  if (name === "awk" || name === "gawk" || name === "mawk" || name === "nawk" || name === "busybox-awk") {
    // awk [-F x] [-v a=b] 'program' files…
    for (let k = 0; k < args.length; k++) {
      const a = args[k]!;
      if (a === "-f") return undefined;
      if (a === "-F" || a === "-v" || a === "-i" || a === "-l") {
        k++;
        continue;
      }
      if (a.startsWith("-")) continue;
      return a;
    }
    return undefined;
  }
  const parts: string[] = [];
  for (let k = 0; k < args.length; k++) {
    const a = args[k]!;
    const codeFlag =
      /^(?:-[a-zA-Z]*[ceE]|--eval|--exec|--command|-Command|-command|-ex|--ex|--eval-command|-eval-command)$/.test(a) ||
      (name === "php" && a === "-r") ||
      (name === "node" && (a === "-p" || a === "--print"));
    if (codeFlag) {
      const v = args[k + 1];
      if (v !== undefined) parts.push(v);
      k++;
    } else if (a.startsWith("--eval=") || a.startsWith("-e=")) {
      parts.push(a.slice(a.indexOf("=") + 1));
    } else if (/^-[a-zA-Z]{0,3}[ceE][^-\s]/.test(a) && a.length >= 8 && /[^a-zA-Z0-9]/.test(a.slice(2))) {
      // Code glued to its flag: ruby -e'…', python -c'…', perl -e'…' (the shell removes the quotes).
      parts.push(a.slice(a.search(/[ceE]/) + 1));
    } else if (/^-[Mmr]\S/.test(a)) {
      parts.push(a); // perl -MIO::Socket, ruby -rsocket
    }
  }
  return parts.length > 0 ? parts.join("\n") : undefined;
}

// String literals handed to a shell-running function in interpreter code: system("…"),
// os.system('…'), exec "…", popen, spawn/execl first argument, subprocess.* (string or list),
// backticks (perl/ruby), run(`…`) (julia), OpenClaw Code Mode's exec({command: "…"}). Bounded: at
// most 8 per code string.
const SHELL_CALL_RE = /\b(?:system|doShellScript|popen|exec[a-z]*|spawn[a-z]*|call|check_output|check_call|run|Popen|passthru|shell_exec|proc_open|pcntl_exec|getoutput|getstatusoutput|execSync|spawnSync|execFileSync|open)\s*\(?\s*(?:\[|\{\s*["']?command["']?\s*:)?\s*(?:"([^"\n]{1,2000})"|'([^'\n]{1,2000})'|`([^`\n]{1,2000})`)|`([^`\n]{2,2000})`/g;

export function shellStringsInCode(code: string): string[] {
  const out: string[] = [];
  if (/shell\s+script/i.test(code)) appleScriptShells(code, out);
  SHELL_CALL_RE.lastIndex = 0;
  for (let m = SHELL_CALL_RE.exec(code); m !== null && out.length < 8; m = SHELL_CALL_RE.exec(code)) {
    const s = m[1] ?? m[2] ?? m[3] ?? m[4];
    if (s !== undefined && s.trim() !== "") out.push(s);
  }
  // argv lists: subprocess.run(['rm', '-rf', path]), spawn('rm', ['-rf', dir]), execvp("sh", ["sh", "-c", …]).
  ARGV_CALL_RE.lastIndex = 0;
  for (let m = ARGV_CALL_RE.exec(code); m !== null && out.length < 8; m = ARGV_CALL_RE.exec(code)) {
    const argv = [...(m[1] !== undefined ? [m[1]] : []), ...argvElements(m[2]!)];
    // execvp("sh", ["sh", …]) names the program twice.
    if (m[1] !== undefined && argv[1] !== undefined && baseName(argv[1]) === baseName(m[1])) argv.splice(0, 1);
    if (argv.length >= 2) out.push(argv.map(shellWord).join(" "));
  }
  return out;
}

// AppleScript's `do shell script "…"` (osascript -e, or a script fed on stdin): the string runs in
// sh -c; `with administrator privileges` runs it as root (macOS asks for the password), so it is
// walked as `sudo sh -c '…'`. AppleScript escapes `"` and `\` with a backslash.
const APPLESCRIPT_SHELL_RE = /\bdo\s+shell\s+script\s+"((?:[^"\\\n]|\\.){1,2000})"([^\n]{0,120})/gi;

function appleScriptShells(code: string, out: string[]): void {
  APPLESCRIPT_SHELL_RE.lastIndex = 0;
  for (let m = APPLESCRIPT_SHELL_RE.exec(code); m !== null && out.length < 8; m = APPLESCRIPT_SHELL_RE.exec(code)) {
    const script = m[1]!.replace(/\\(.)/g, (_, ch: string) => (ch === "n" ? "\n" : ch === "t" ? "\t" : ch));
    if (script.trim() === "") continue;
    out.push(/\bwith\s+administrator\s+privileges\b/i.test(m[2]!) ? `sudo sh -c ${shellWord(script)}` : script);
  }
}

const ARGV_CALL_RE = /\b(?:call|run|Popen|check_output|check_call|spawn|spawnSync|execFile|execFileSync|exec[lv]p?e?|Command)\s*\(\s*(?:["']([^"'\n]{1,200})["']\s*,\s*)?\[([^\]\n]{1,2000})\]/g;
/** A non-literal element that evaluates to the user's home folder. */
const HOME_EXPR = /expanduser\(\s*["']~|homedir\(\)|Path\.home\(\)|ENV\[["']HOME|\$ENV\{HOME\}|getenv\(\s*["']HOME|environ\[["']HOME|environ\.get\(\s*["']HOME/;

/** The elements of a list literal: string literals as written, anything else as `~` (home) or a placeholder. */
function argvElements(list: string): string[] {
  const out: string[] = [];
  for (const part of list.split(",").slice(0, 64)) {
    const p = part.trim();
    if (p === "") continue;
    const lit = /^(["'`])(.*)\1$/.exec(p);
    out.push(lit ? lit[2]! : HOME_EXPR.test(p) ? "~" : "$ARG");
  }
  return out;
}

/** Quotes an argv element for re-parsing when it is not a plain word. */
function shellWord(w: string): string {
  return /^[\w@%+=:,./~$-]+$/.test(w) ? w : `'${w.replace(/'/g, "'\\''")}'`;
}

// ---- Fallback: no parser, or an ERROR region ----

// No leading \s*: from every start inside a long blank run it would scan to the run's end (quadratic);
// the segment's trailing blanks are dropped by the tokenizer anyway.
const FALLBACK_SPLIT = /(?:\|\||&&|;;|[;|&\n`]|\$\(|<\(|>\(|\))\s*/g;

/** Splits on shell operators and tokenizes each segment on whitespace (quotes respected roughly). */
function fallbackTokenize(ctx: Ctx, text: string, offset = 0): void {
  let pos = 0;
  const up: Cmd[] = [];
  const limit = Math.min(text.length, MAX_FALLBACK_CHARS);
  let segments = 0;
  const src = limit < text.length ? text.slice(0, limit) : text;
  while (pos < limit && ctx.res.cmds.length < MAX_CMDS && segments++ < 4096) {
    FALLBACK_SPLIT.lastIndex = pos;
    let m = FALLBACK_SPLIT.exec(src);
    if (m && m[0].length === 0) m = null;
    const segEnd = m ? m.index : limit;
    const seg = src.slice(pos, Math.min(segEnd, pos + MAX_WORD_CHARS));
    const words = tokenize(seg, ctx.res.vars);
    const piped = m !== null && m[0].trim() === "|";
    if (words.length > 0) {
      // Leading NAME=value words are assignments.
      const env: [string, string][] = [];
      while (words.length > 0 && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[0]!)) {
        const w = words.shift()!;
        const eq = w.indexOf("=");
        env.push([w.slice(0, eq), w.slice(eq + 1)]);
        if (ctx.res.vars.size < 256) ctx.res.vars.set(w.slice(0, eq), w.slice(eq + 1));
      }
      const redirects: Redirect[] = [];
      const argv: string[] = [];
      for (let k = 0; k < words.length; k++) {
        const r = /^(\d*)(>>|>|<)(.*)$/.exec(words[k]!);
        if (r) {
          const target = r[3] !== "" ? r[3]! : (words[++k] ?? "");
          redirects.push({ op: r[2]!, target });
        } else argv.push(words[k]!);
      }
      const cmd = addCommand({ ...ctx, origin: ctx.origin === "top" ? "fallback" : ctx.origin }, argv, env, redirects, undefined, up.slice(-MAX_UPSTREAM), offset + pos, offset + segEnd);
      if (cmd) up.push(cmd);
      if (up.length > 4 * MAX_UPSTREAM) up.splice(0, up.length - MAX_UPSTREAM);
    }
    if (!piped) up.length = 0;
    if (!m) break;
    pos = segEnd + Math.max(1, m[0].length);
    if (segEnd >= limit) break;
  }
}

/** Whitespace tokenizer that keeps quoted runs together, then removes quotes. */
function tokenize(seg: string, vars: Vars): string[] {
  const out: string[] = [];
  let cur = "";
  let q: string | undefined;
  for (let i = 0; i < seg.length; i++) {
    const ch = seg[i]!;
    if (q !== undefined) {
      cur += ch;
      if (ch === q) q = undefined;
      continue;
    }
    if (ch === "'" || ch === '"') {
      q = ch;
      cur += ch;
    } else if (ch === "\\" && i + 1 < seg.length) {
      cur += ch + seg[i + 1]!;
      i++;
    } else if (ch === " " || ch === "\t" || ch === "\r" || ch === "(" || ch === "{" || ch === "}") {
      if (cur !== "") out.push(unquote(cur, vars));
      cur = "";
    } else cur += ch;
  }
  if (cur !== "") out.push(unquote(cur, vars));
  return out;
}

/** Whether any command name here is a shell or interpreter (used by rules). */
export function isShellOrInterpreter(name: string): boolean {
  return SHELLS.has(name) || INTERPRETERS.has(name);
}
