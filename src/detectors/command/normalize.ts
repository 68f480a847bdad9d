// Word and command-name normalization: what bash would see after quote removal, so that
// `c'u'r'l`, `\c\u\r\l`, `"/usr/bin/curl"`, `$'\x63\x75\x72\x6c'`, `${IFS}` and simple variable
// indirection (`a=cu;b=rl;$a$b`) all normalize to the same token. Linear in the word length.

/** Shells (basename) that run a script given with -c or on stdin. */
/** A shell named as a word or path (`sh`, `/bin/bash`, `/usr/local/bin/zsh`). */
export const SHELL_WORD = /^(?:\/(?:usr\/)?(?:local\/)?bin\/)?(?:ba|da|z|k|mk|a|c|tc|fi|y|r?ba)?sh$/;

export const SHELLS: ReadonlySet<string> = new Set(["sh", "bash", "dash", "zsh", "ksh", "mksh", "ash", "fish", "csh", "tcsh", "busybox-sh", "rbash", "yash", "posh", "pwsh", "powershell"]);

/** Interpreters whose inline code (-c/-e/-r/--eval) is inspected. */
export const INTERPRETERS: ReadonlySet<string> = new Set([
  "python", "python2", "python3", "pypy", "pypy3", "perl", "ruby", "irb", "node", "nodejs", "deno", "bun", "php", "lua", "luajit", "tclsh", "wish",
  "jrunscript", "jjs", "julia", "r", "rscript", "octave", "octave-cli", "awk", "gawk", "mawk", "nawk", "busybox-awk", "gdb", "expect", "osascript", "pwsh", "powershell",
]);

/**
 * Wrappers that run their argument as a command. `skip` says how the wrapper's own options are
 * shaped: "opts" = leading -x options (with a value when listed in `valued`), then the command.
 */
export interface Wrapper {
  readonly privileged?: boolean;
  /** Options of the wrapper that take a value in the next word. */
  readonly valued?: ReadonlySet<string>;
  /** Positional (non-option) words before the command (e.g. timeout's duration). */
  readonly positional?: number;
}
const V = (...s: string[]): ReadonlySet<string> => new Set(s);
export const WRAPPERS: ReadonlyMap<string, Wrapper> = new Map<string, Wrapper>([
  ["sudo", { privileged: true, valued: V("-u", "-g", "-h", "-p", "-c", "-r", "-t", "-U", "-C", "-D", "-R", "-T", "--user", "--group", "--host", "--prompt", "--chdir", "--chroot") }],
  ["doas", { privileged: true, valued: V("-u", "-C") }],
  ["pkexec", { privileged: true, valued: V("--user") }],
  ["run0", { privileged: true, valued: V("-u", "--user") }],
  ["env", { valued: V("-u", "-C", "-S", "--unset", "--chdir", "--split-string") }],
  ["command", {}],
  ["builtin", {}],
  ["exec", { valued: V("-a") }],
  ["nohup", {}],
  ["time", {}],
  ["setsid", {}],
  ["stdbuf", { valued: V("-i", "-o", "-e") }],
  ["nice", { valued: V("-n", "--adjustment") }],
  ["ionice", { valued: V("-c", "-n", "-p", "-t", "--class", "--classdata") }],
  ["timeout", { valued: V("-s", "-k", "--signal", "--kill-after"), positional: 1 }],
  ["xargs", { valued: V("-I", "-i", "-n", "-P", "-L", "-l", "-d", "-E", "-e", "-s", "-a", "--max-args", "--max-procs", "--delimiter", "--arg-file", "--replace") }],
  ["busybox", {}],
  ["chrt", { positional: 1 }],
  ["taskset", { positional: 1 }],
  ["unbuffer", {}],
  ["caffeinate", {}],
  ["strace", { valued: V("-o", "-e", "-p", "-s", "-u") }],
  ["ltrace", { valued: V("-o", "-e", "-p", "-s", "-u") }],
  ["flock", { positional: 1 }],
  ["chroot", { positional: 1 }],
  ["runuser", { privileged: true, valued: V("-u", "-g", "--user", "--group") }],
  ["torsocks", {}],
  ["proxychains", {}],
  ["proxychains4", {}],
  ["firejail", {}],
  ["sg", { positional: 1 }],
]);

const SIMPLE_ESC: Readonly<Record<string, string>> = { n: "\n", t: "\t", r: "\r", a: "\x07", b: "\b", e: "\x1b", E: "\x1b", f: "\f", v: "\v", "\\": "\\", "'": "'", '"': '"', "?": "?" };

/** Decodes the body of a bash ANSI-C string `$'…'` (without the quotes). */
export function decodeAnsiC(body: string): string {
  let out = "";
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== "\\" || i + 1 >= body.length) {
      out += c;
      continue;
    }
    const n = body[i + 1]!;
    const simple = SIMPLE_ESC[n];
    if (simple !== undefined) {
      out += simple;
      i++;
    } else if (n === "x" || n === "u" || n === "U") {
      const max = n === "x" ? 2 : n === "u" ? 4 : 8;
      let j = i + 2;
      while (j < body.length && j < i + 2 + max && /[0-9a-fA-F]/.test(body[j]!)) j++;
      if (j > i + 2) {
        const cp = parseInt(body.slice(i + 2, j), 16);
        out += cp <= 0x10ffff ? String.fromCodePoint(cp) : "";
        i = j - 1;
      } else {
        out += n;
        i++;
      }
    } else if (n >= "0" && n <= "7") {
      let j = i + 1;
      while (j < body.length && j < i + 4 && body[j]! >= "0" && body[j]! <= "7") j++;
      out += String.fromCharCode(parseInt(body.slice(i + 1, j), 8) & 0xff);
      i = j - 1;
    } else {
      out += `\\${n}`;
      i++;
    }
  }
  return out;
}

/** Known shell variable values (from assignments earlier in the same line). */
export type Vars = ReadonlyMap<string, string>;
const EMPTY_VARS: Vars = new Map();

/**
 * Quote removal for one shell word: single/double quotes, backslash escapes, ANSI-C strings,
 * `${IFS}`/`$IFS` (a space), and `$name`/`${name}` replaced by a known value. Unknown
 * expansions are kept as written. Linear time.
 */
export function unquote(word: string, vars: Vars = EMPTY_VARS): string {
  // Fast path: nothing to remove.
  if (!/['"\\$]/.test(word)) return word;
  let out = "";
  let i = 0;
  const n = word.length;
  let dq = false;
  while (i < n) {
    const c = word[i]!;
    if (!dq && c === "'") {
      const j = word.indexOf("'", i + 1);
      if (j < 0) {
        out += word.slice(i + 1);
        break;
      }
      out += word.slice(i + 1, j);
      i = j + 1;
      continue;
    }
    if (c === '"') {
      dq = !dq;
      i++;
      continue;
    }
    if (c === "\\" && i + 1 < n) {
      const nx = word[i + 1]!;
      if (nx === "\n") {
        i += 2;
        continue;
      }
      // Inside double quotes only \ $ ` " and newline are escapes; outside every char is.
      if (!dq || nx === "\\" || nx === "$" || nx === "`" || nx === '"') {
        out += nx;
        i += 2;
        continue;
      }
      out += c;
      i++;
      continue;
    }
    if (c === "$" && i + 1 < n) {
      const nx = word[i + 1]!;
      if (!dq && nx === "'") {
        // ANSI-C string: find the closing quote, skipping escaped ones.
        let j = i + 2;
        while (j < n && word[j] !== "'") j += word[j] === "\\" ? 2 : 1;
        out += decodeAnsiC(word.slice(i + 2, Math.min(j, n)));
        i = j + 1;
        continue;
      }
      if (nx === "{") {
        const j = word.indexOf("}", i + 2);
        if (j > 0) {
          const inner = word.slice(i + 2, j);
          const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(inner)?.[0] ?? "";
          if (name === "IFS") out += " ";
          else if (name !== "" && vars.has(name) && name.length === inner.length) out += vars.get(name)!;
          else out += word.slice(i, j + 1);
          i = j + 1;
          continue;
        }
      }
      if (/[A-Za-z_]/.test(nx)) {
        let j = i + 1;
        while (j < n && /[A-Za-z0-9_]/.test(word[j]!)) j++;
        const name = word.slice(i + 1, j);
        if (name === "IFS") out += " ";
        else if (vars.has(name)) out += vars.get(name)!;
        else out += word.slice(i, j);
        i = j;
        continue;
      }
    }
    out += c;
    i++;
  }
  return out;
}

/** Basename of a normalized command word, lower-cased: "/usr/bin/Curl" → "curl". */
export function baseName(word: string): string {
  const w = word.trim();
  const slash = w.lastIndexOf("/");
  return (slash >= 0 ? w.slice(slash + 1) : w).toLowerCase();
}

/** "python3.11" → "python3"; "python3" stays; "perl5.36" → "perl5"; strips ".exe". */
export function canonicalName(base: string): string {
  let b = base.endsWith(".exe") ? base.slice(0, -4) : base;
  const m = /^(python|pypy|perl|ruby|php|lua|node|tclsh|wish)(\d*)(?:\.\d+)*$/.exec(b);
  if (m) b = `${m[1]}${m[2]}`;
  if (/^(python|pypy)\d*$/.test(b)) return b.startsWith("pypy") ? "pypy" : "python";
  if (/^(perl|ruby|php|lua|tclsh|wish)\d*$/.test(b)) return b.replace(/\d+$/, "");
  return b;
}
