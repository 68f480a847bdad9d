// Techniques recognized by their shape, whatever the program is called. Most command rules know
// the tool (nc -e, socat exec:, python -c): an attacker's renamed netcat, a niche interpreter or a
// TLS client nobody listed slips past them. These checks look only at how a command is wired:
//   - a shell whose input and output loop through the same file in one pipeline (the mkfifo relay:
//     `sh -i <f | client host port >f`), whatever the client;
//   - a program handed a shell with an exec-style option and a network endpoint
//     (`tool -e /bin/sh host 9001`, `tool tcp-connect:h:p exec:sh`);
//   - code passed as an argument that opens a socket and runs processes, or sets uid 0 and starts a
//     shell (`tool -e 'require("socket") … io.popen'`), for programs whose code is not otherwise read;
//   - `--arg=-p` handed to a program that starts a shell it finds (`run-parts --regex '^sh$'`).
// They were written from the dev corpora with every program name replaced by an unknown one
// (see README "Results: commands"), so they hold for tools nobody listed.

import { SHELL_WORD, SHELLS } from "./normalize.ts";
import type { HitFn } from "./code-rules.ts";
import { RULES } from "./rules.ts";
import { readsScriptFromStdin, type Cmd } from "./walk.ts";

/** Files a relay cannot loop through (terminals, sinks, the process's own descriptors). */
const NOT_A_RELAY = /^(?:\/dev\/(?:null|zero|tty\w*|std(?:in|out|err)|fd\/\d+|pts\/\d+)|&?\d|-)?$/;

/** A shell that reads commands from stdin (no script or -c string). */
function readsCommands(c: Cmd): boolean {
  return SHELLS.has(c.name) && c.code === undefined && readsScriptFromStdin(c.args);
}

/**
 * The pipeline ending at `last` reads from and writes to the same file, and one of its stages is a
 * shell reading commands: `sh -i <f 2>&1 | tool … >f`, `tool … <f | sh >f`, `cat f | sh | tool >f`.
 * Through a FIFO that is a loop between the shell and whatever the other stage talks to.
 */
export function fifoRelay(last: Cmd): boolean {
  const up = last.upstream;
  if (up.length === 0 || !(readsCommands(last) || up.some(readsCommands))) return false;
  const reads = new Set<string>();
  const writes = new Set<string>();
  const note = (s: Cmd): void => {
    for (const r of s.redirects) {
      if (NOT_A_RELAY.test(r.target)) continue;
      if (r.op === "<") reads.add(r.target);
      else if (r.op === ">" || r.op === ">>" || r.op === ">|") writes.add(r.target);
    }
  };
  // `cat f | sh …`: the first stage reads the file as its argument.
  const first = up[0]!;
  if (first.name === "cat" || first.name === "tail") for (const a of first.args) if (!a.startsWith("-")) reads.add(a);
  for (const s of up) note(s);
  note(last);
  for (const f of reads) if (writes.has(f)) return true;
  return false;
}

/** An option that hands the next word (or its own value) to be executed. */
const EXEC_FLAG = /^(?:-[a-zA-Z]*[eEc]|--(?:exec|sh-exec|execute|command|cmd|shell|program|run))$/;
const EXEC_FLAG_EQ = /^--(?:exec|sh-exec|execute|command|cmd|shell|program|run)=(.+)$/;
/** A shell named as a program: `/bin/sh`, `bash`, `sh -i`, `cmd.exe`, `powershell`. */
function shellProgram(v: string): boolean {
  const [head = "", ...opts] = v.trim().split(/\s+/);
  return (SHELL_WORD.test(head) && opts.every((o) => /^-[a-z]+$/.test(o))) || (opts.length === 0 && /^(?:cmd|powershell)(?:\.exe)?$/i.test(head));
}
/** socat-style address pairs. */
const EXEC_ADDRESS = /(?:^|[,!])\s*(?:exec|system)\s*:/i;
const NET_ADDRESS = /^(?:tcp|udp|sctp|ssl|openssl|dtls)[46]?(?:-(?:connect|listen|l|sendto|recv))?:/i;

/** A network endpoint among the words: `host port`, `host:port`, `-p PORT` with `-l`, `tcp-connect:…`. */
function hasEndpoint(args: readonly string[]): boolean {
  const listens = args.some((a) => /^-[a-zA-Z]*l[a-zA-Z]*$/.test(a) || a === "--listen");
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (NET_ADDRESS.test(a)) return true;
    if (/^\d{1,5}$/.test(a) && Number(a) > 0 && Number(a) < 65536) {
      const prev = args[i - 1] ?? "";
      if (listens && /^-[a-zA-Z]*p$|^--port$/.test(prev)) return true;
      if (/^(?:\d{1,3}(?:\.\d{1,3}){3}|[a-z0-9-]+(?:\.[a-z0-9-]+)+|localhost)$/i.test(prev)) return true;
    }
    if (/^(?:\d{1,3}(?:\.\d{1,3}){3}|[a-z0-9-]+(?:\.[a-z0-9-]+)+):\d{1,5}$/i.test(a)) return true;
  }
  return false;
}

/** A program (of any name) that hands a shell to a network connection. */
export function shellToEndpoint(c: Cmd): "exec-option" | "exec-address" | undefined {
  const { args } = c;
  if (args.length < 2 || SHELLS.has(c.name) || c.code !== undefined) return undefined;
  let shell = false;
  let execAddress = false;
  let netAddress = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a.charCodeAt(0) === 45 /* - */) {
      if (shell) continue;
      const eq = EXEC_FLAG_EQ.exec(a);
      if (eq !== null) shell = shellProgram(eq[1]!);
      else if (EXEC_FLAG.test(a)) shell = shellProgram(args[i + 1] ?? "");
    } else if (a.includes(":")) {
      execAddress ||= EXEC_ADDRESS.test(a);
      netAddress ||= NET_ADDRESS.test(a);
    }
  }
  if (execAddress && netAddress) return "exec-address";
  return shell && hasEndpoint(args) ? "exec-option" : undefined;
}

/** Socket APIs across languages (Lua's socket.tcp, Julia's Sockets, Tcl's [socket], GLib's SocketClient, Go's net.Dial …), as calls or imports: the bare word is prose. */
const CODE_SOCKET = /\bsocket\s*\(|\bsocket\.(?:tcp|udp|connect|socket|bind)\b|require\s*\(?\s*["']socket["']|\busing\s+Sockets\b|\bSockets\.connect|\[\s*socket\s|SocketClient|TCPClient|TCPSocket|IO::Socket|fsockopen|net\.Dial|\bnet\.(?:connect|createConnection|Socket)\s*\(|require\(\s*["']net["']\s*\)|stream_socket_client|Net::Socket|TCPServer/;
/** Running a process or shell from code. */
const CODE_PROCESS = /popen|\bsystem\s*\(|\bexec[lv]?p?e?\s*\(|\bspawn\b|subprocess|\brun\s*\(|pty\.spawn|dup2|proc_open|shell_exec|passthru|child_process|Process\.Start|exec\.Command|syscall\.Exec|Runtime\.getRuntime|ProcessBuilder|\bos\.execute\b|\bexec\s+(?:\/bin\/)?(?:ba|da|z|k)?sh\b|["'`]\/bin\/(?:ba|da|z|k)?sh\b/;
/** Setting uid 0 from code, any language (`os.setuid(0)`, `POSIX::setuid(0)`, `posix_setuid(0)`; also read for interpreters' inline code in detect.ts). */
export const SETUID_ZERO = /\bset(?:e|re|res)?uid\s*\(\s*0\b|\bposix_setuid\(0\)/;
/** Starting a shell from code. */
const CODE_SHELL = /["'`(\s]\/bin\/(?:ba|da|z|k)?sh\b|["'](?:ba|da|z)?sh["']|\bexec\s*["']|\bsystem\s*\(|\bpcntl_exec\b|\bexec[lv]p?e?\s*\(/;

/** An argument that reads as program code: statements or lines, and a call with a literal argument, a call ending a statement or a Tcl `[command …]`. */
function looksLikeCode(a: string): boolean {
  return a.length >= 12 && (a.includes(";") || a.includes("\n")) && /[\w\]]\s*\(\s*["'`]|\)\s*;|\[\s*[a-z]+\s[^\]]{0,200}\]/.test(a);
}

/** Programs whose arguments are prose, patterns, queries or request bodies, not code they run here (a commit message may say "socket(" and "popen("). */
const TEXT_PROGRAMS = new Set(["curl", "wget", "http", "xh", "sqlite3", "mysql", "psql", "git", "gh", "glab", "hg", "svn", "echo", "printf", "grep", "egrep", "fgrep", "rg", "ag", "ack", "logger", "notify-send", "wall", "mail", "mailx", "sendmail", "jq", "yq", "sed", "tr", "cat", "less", "more", "man"]);
/** Options whose value is a message or title. */
const MESSAGE_FLAG = /^(?:-m|--message|--body|--title|--description|--comment|--note|--subject|-s)$/;

/**
 * Code handed to a program whose inline code is not otherwise read (`c.code` unset, not a shell):
 * an unknown interpreter's `-e`, a REPL's script argument. Only strong pairs count.
 */
export function codeArgumentRules(c: Cmd, hit: HitFn): void {
  if (c.code !== undefined || SHELLS.has(c.name) || TEXT_PROGRAMS.has(c.name)) return;
  for (let i = 0; i < c.args.length; i++) {
    const a = c.args[i]!;
    if (a.length > 64 * 1024 || !looksLikeCode(a) || MESSAGE_FLAG.test(c.args[i - 1] ?? "")) continue;
    if (CODE_SOCKET.test(a) && CODE_PROCESS.test(a)) hit(RULES.interpSocket, c, "code passed as an argument opens a socket and runs processes");
    if (SETUID_ZERO.test(a) && CODE_SHELL.test(a)) hit(RULES.keepPriv, c, "code passed as an argument sets uid 0 and starts a shell");
  }
}

/** An option that forwards `-p` (keep the effective uid) to the programs it starts: `--arg='-p'`. */
const FORWARDED_P = /^--?(?:arg|args|argv\d*|extra-args?)=-[a-z]{0,2}p[a-z]{0,2}$/;
/** A shell named as a name pattern (`'^sh$'`, `(bash)`). */
const SHELL_PATTERN = /^\^?\(?(?:ba|da)?sh\)?\$?$/;

/**
 * `run-parts --regex '^sh$' /bin --arg='-p'`, `cp /bin/sh d/; runner d/ --arg=-p`: a program told to
 * start a shell it finds, with `-p` handed on so a SUID owner's uid is kept.
 */
export function forwardsKeepPrivileges(c: Cmd, cmds: readonly Cmd[]): boolean {
  if (!c.args.some((a) => a.includes("=-") && FORWARDED_P.test(a))) return false;
  return cmds.some((o) => o.args.some((a) => SHELL_WORD.test(a) || SHELL_PATTERN.test(a)));
}
