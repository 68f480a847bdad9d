// Windows commands (cmd.exe and PowerShell). On Windows hosts and nodes OpenClaw's exec runs
// PowerShell 7 (its docs/tools/exec.md), so an agent's command line there is PowerShell, and the
// bash parser reads `C:\Users` as `C:Users` and knows none of Windows' own tools. These checks
// tokenize the line again with backslashes kept, statement by statement, including the strings
// handed to `powershell -Command`, `pwsh -c` and `cmd /c`, and map Windows tools onto the rules of
// their Unix counterparts, at the same scores: deleting C:\Windows is rm-root, a Run key is a
// persistence write, Defender or the firewall off is security-disable (review), clearing an event
// log is log-wipe (review), adding a user to Administrators is sudoers-grant at 40 (review). Three behaviours have no Unix twin and get rules of their own:
// deleting shadow copies or turning off recovery (what ransomware does first), dumping the OS
// credential stores (LSASS, SAM), and script hosts that run code straight from a URL (mshta,
// regsvr32 /i:, rundll32 javascript:).

import type { HitFn } from "./code-rules.ts";
import { RULES } from "./rules.ts";

/** Windows tool names and Windows-only syntax: the checks below only run when one occurs. */
export const WINDOWS_GATE = /\b(?:cmd|powershell|pwsh|reg|schtasks|vssadmin|wevtutil|bcdedit|netsh|net1?|rd|rmdir|del|erase|format|wbadmin|wmic|sc|mshta|regsvr32|rundll32|cscript|wscript|msiexec|procdump|ntdsutil|cmdkey|vaultcmd|remove-item|ri|format-volume|clear-disk|set-mppreference|add-mppreference|set-netfirewallprofile|clear-eventlog|remove-eventlog|clear-history|new-itemproperty|set-itemproperty|register-scheduledtask|new-service|add-localgroupmember|stop-service|get-wmiobject|gwmi|get-ciminstance)(?:\.exe)?\b|\b[a-z]:\\|\$env:|%\w+%|amsi|mimikatz|sekurlsa/i;

/** One statement: lower-cased program name (no path, no `.exe`) and its words, quotes removed, backslashes kept. */
interface Stmt {
  readonly name: string;
  readonly args: readonly string[];
  readonly lower: readonly string[];
  readonly text: string;
  /** The statement whose output is piped into this one (`gci C:\ | Remove-Item -Recurse`). */
  readonly from?: Stmt;
}

/** As far as the bash walker's fallback tokenizer reads (walk.ts MAX_FALLBACK_CHARS, MAX_CMDS): padding does not hide a statement. */
const MAX_SOURCE = 1024 * 1024;
const MAX_STATEMENTS = 4096;
/** Words read per statement, and characters of a string handed to powershell -c / cmd /c. */
const MAX_WORDS = 1024;
const MAX_NESTED = 64 * 1024;

/**
 * Splits on `;`, `&&`, `||`, `&`, `|` and newlines outside quotes; PowerShell's backtick escapes a
 * character. `piped[k]` says statement k reads statement k-1's output (a single `|`).
 */
function splitStatements(src: string, out: string[], piped: boolean[]): void {
  const s = src.length > MAX_SOURCE ? src.slice(0, MAX_SOURCE) : src;
  let start = 0;
  let pipe = false;
  let q = 0;
  const push = (end: number): void => {
    const part = s.slice(start, end);
    if (part.trim() !== "" && out.length < MAX_STATEMENTS) {
      out.push(part);
      piped.push(pipe);
    }
  };
  for (let i = 0; i < s.length && out.length < MAX_STATEMENTS; i++) {
    const ch = s.charCodeAt(i);
    if (q !== 0) {
      if (ch === q) q = 0;
    } else if (ch === 39 /* ' */ || ch === 34 /* " */) q = ch;
    else if (ch === 96 /* ` */) i++;
    else if (ch === 59 /* ; */ || ch === 10 /* \n */ || ch === 124 /* | */ || ch === 38 /* & */) {
      push(i);
      start = i + 1;
      pipe = ch === 124 && s.charCodeAt(i + 1) !== 124 && s.charCodeAt(i - 1) !== 124;
    }
  }
  push(s.length);
}

/** Words of a statement (the first MAX_WORDS), quotes removed, backslashes kept. */
function words(stmt: string): string[] {
  const out: string[] = [];
  let cur = "";
  let has = false;
  let i = 0;
  const n = stmt.length;
  while (i < n && out.length < MAX_WORDS) {
    const ch = stmt.charCodeAt(i);
    if (ch === 39 || ch === 34) {
      const close = stmt.indexOf(ch === 39 ? "'" : '"', i + 1);
      const end = close < 0 ? n : close;
      cur += stmt.slice(i + 1, end);
      has = true;
      i = end + 1;
    } else if (ch === 32 || ch === 9 || ch === 13 || ch === 10) {
      if (has || cur !== "") out.push(cur);
      cur = "";
      has = false;
      i++;
    } else {
      let j = i + 1;
      while (j < n) {
        const c = stmt.charCodeAt(j);
        if (c === 39 || c === 34 || c === 32 || c === 9 || c === 13 || c === 10) break;
        j++;
      }
      cur += stmt.slice(i, j);
      i = j;
    }
  }
  if (has || cur !== "") out.push(cur);
  return out;
}

function programName(w: string): string {
  const b = w.slice(Math.max(w.lastIndexOf("\\"), w.lastIndexOf("/")) + 1).toLowerCase();
  return b.endsWith(".exe") ? b.slice(0, -4) : b;
}

/** Statements of the line and of the command strings it hands to PowerShell or cmd (three levels). */
function statementsOf(text: string): Stmt[] {
  const out: Stmt[] = [];
  const queue: [string, number][] = [[text, 0]];
  while (queue.length > 0 && out.length < MAX_STATEMENTS) {
    const [src, depth] = queue.shift()!;
    const parts: string[] = [];
    const piped: boolean[] = [];
    splitStatements(src, parts, piped);
    let prev: Stmt | undefined;
    for (let j = 0; j < parts.length; j++) {
      const p = parts[j]!;
      const w = words(p.trim());
      // PowerShell's call operator and cmd's `start`/`call` run what follows.
      while (w.length > 1 && (w[0] === "&" || w[0] === "." || /^(?:call|start)$/i.test(w[0]!))) w.shift();
      if (w.length === 0) continue;
      const name = programName(w[0]!);
      const args = w.slice(1);
      const lower = args.map((a) => a.toLowerCase());
      const stmt: Stmt = { name, args, lower, text: p, ...(piped[j] === true && prev !== undefined ? { from: prev } : {}) };
      out.push(stmt);
      prev = stmt;
      if (depth >= 3) continue;
      // powershell -Command "…" / -c …, pwsh -c …, cmd /c "…" / /k …: the rest is a command line of its own.
      const k = (name === "powershell" || name === "pwsh") ? lower.findIndex((a) => /^[-/]c(?:o(?:m(?:m(?:a(?:n(?:d)?)?)?)?)?)?$/.test(a)) : name === "cmd" ? lower.findIndex((a) => a === "/c" || a === "/k" || a === "/r") : -1;
      if (k >= 0 && k + 1 < args.length) queue.push([args.slice(k + 1).join(" ").slice(0, MAX_NESTED), depth + 1]);
    }
  }
  return out;
}

/** Environment references to the canonical folder they name (lower case). */
function expandWindowsPath(a: string): string {
  let p = a.toLowerCase().replace(/\//g, "\\");
  p = p.replace(/^(?:%systemdrive%|\$env:systemdrive)/, "c:");
  p = p.replace(/^(?:%systemroot%|%windir%|\$env:systemroot|\$env:windir)/, "c:\\windows");
  p = p.replace(/^(?:%programfiles%|\$env:programfiles|\$\{env:programfiles\})/, "c:\\program files");
  p = p.replace(/^(?:%programdata%|\$env:programdata)/, "c:\\programdata");
  p = p.replace(/^(?:%userprofile%|\$env:userprofile|\$home|~)(?=\\|$)/, "<home>");
  p = p.replace(/^c:\\users\\[^\\*?]+(?=\\|$)/, "<home>");
  // `C:\Windows\*`, `C:\*.*`, a trailing backslash: the folder itself.
  return p.replace(/\\\*(?:\.\*)?$/, "").replace(/\\+$/, "");
}

/** The root of a drive, a system folder, the users folder, a home folder or one of its main folders (as on macOS: not Downloads). */
const CRITICAL_WINDOWS = /^(?:[a-z]:|c:\\(?:windows(?:\\system32|\\syswow64)?|users|program files(?: \(x86\))?|programdata|boot)|<home>(?:\\(?:documents|desktop|pictures|videos|music|appdata))?)$/;

const FLAG = /^[-/]/;
const RECURSE = /^-r(?:e(?:c(?:u(?:r(?:s(?:e)?)?)?)?)?)?$/;
/** A world-writable place from which a task or service should not run a program. */
const STAGING = /\\users\\public\\|\\temp\\|%temp%|\$env:te?mp|\\appdata\\local\\temp|\\programdata\\|\\windows\\tasks\\/i;
/** Autostart keys: anything written there runs at logon or boot. */
const RUN_KEY = /\\currentversion\\(?:run|runonce|runonceex|runservices|runservicesonce|policies\\explorer\\run)\b|\\session manager\\(?:appcertdlls|bootexecute)\b/i;
/** Keys where only some values start programs (Winlogon's Shell, a debugger for a program, a service's binary). */
const VALUE_KEYS: readonly [RegExp, RegExp][] = [
  [/\\windows nt\\currentversion\\winlogon\b/i, /\b(?:shell|userinit|taskman|appsetup)\b/],
  [/\\image file execution options\\/i, /\b(?:debugger|globalflag)\b/],
  [/\\windows nt\\currentversion\\windows\b/i, /\b(?:appinit_dlls|load|run)\b/],
  [/\\currentcontrolset\\services\\/i, /\b(?:imagepath|servicedll)\b/],
];
function autostartKey(key: string, joined: string): boolean {
  return RUN_KEY.test(key) || VALUE_KEYS.some(([k, v]) => k.test(key) && v.test(joined));
}
const STARTUP_FOLDER = /\\start menu\\programs\\startup\b|shell:(?:common )?startup/i;
const WRITERS = new Set(["copy", "copy-item", "cp", "cpi", "move", "move-item", "mv", "mi", "xcopy", "robocopy", "out-file", "set-content", "add-content", "sc", "ac", "new-item", "ni", "mklink", "invoke-webrequest", "iwr", "curl", "wget", "start-bitstransfer", "echo", "write-output"]);

/** Windows behaviours of every statement of the line. */
export function windowsRules(text: string, hit: HitFn): void {
  const stmts = statementsOf(text);
  let shadowQuery = false;
  for (const s of stmts) {
    const { name, args, lower } = s;
    const joined = lower.join(" ");
    const positional = args.filter((a) => !FLAG.test(a) && !/^\$(?:true|false)$/i.test(a));

    // --- destructive ---
    const recursive = ((name === "rd" || name === "rmdir") && lower.includes("/s")) || ((name === "del" || name === "erase") && (lower.includes("/s") || positional.some((a) => /\*/.test(a)))) || ((name === "remove-item" || name === "ri" || name === "rm" || name === "del" || name === "erase" || name === "rmdir" || name === "rd") && lower.some((a) => RECURSE.test(a)));
    if (recursive) {
      // Without a path of its own, Remove-Item deletes what is piped in: `gci C:\ | Remove-Item -Recurse`.
      const from = positional.length === 0 && s.from !== undefined && /^(?:get-childitem|gci|ls|dir|get-item|gi)$/.test(s.from.name) ? s.from.args.filter((a) => !FLAG.test(a)) : positional;
      const target = from.find((a) => /[\\:%$~]/.test(a) && CRITICAL_WINDOWS.test(expandWindowsPath(a)));
      if (target !== undefined) hit(RULES.rmRoot, undefined, `deletes \`${target.slice(0, 60)}\``);
    }
    if ((name === "format" && positional.some((a) => /^[a-z]:\\?$/i.test(a))) || name === "format-volume" || name === "clear-disk" || (name === "diskpart" && /\bclean\b/i.test(text))) hit(RULES.mkfs, undefined, "Windows disk format/wipe");
    if ((name === "vssadmin" && ((lower[0] === "delete" && lower.includes("shadows")) || (lower[0] === "resize" && lower.includes("shadowstorage")))) ||
      (name === "wmic" && /\bshadowcopy\s+delete\b/.test(joined)) ||
      (name === "wbadmin" && lower[0] === "delete") ||
      (name === "bcdedit" && /\brecoveryenabled\s+no\b|\bbootstatuspolicy\s+ignoreallfailures\b/.test(joined))) hit(RULES.inhibitRecovery, undefined, `\`${s.text.trim().slice(0, 60)}\``);
    if ((name === "get-wmiobject" || name === "gwmi" || name === "get-ciminstance") && joined.includes("win32_shadowcopy")) shadowQuery = true;
    if (shadowQuery && (name === "remove-wmiobject" || name === "remove-ciminstance" || /\$_\.delete\(\)/i.test(s.text))) hit(RULES.inhibitRecovery, undefined, "shadow copies removed through WMI");

    // --- persistence ---
    if ((name === "reg" && lower[0] === "add" && autostartKey(args[1] ?? "", joined)) || ((name === "new-itemproperty" || name === "set-itemproperty" || name === "sp" || name === "new-item") && args.some((a) => autostartKey(a, joined)))) hit(RULES.persistWrite, undefined, "a Windows autostart registry key (Run, Winlogon, Image File Execution Options, services)");
    if (args.some((a) => STARTUP_FOLDER.test(a)) && (WRITERS.has(name) || />/.test(s.text))) hit(RULES.persistWrite, undefined, "the Windows Startup folder");
    if (/__eventfilter|commandlineeventconsumer|__filtertoconsumerbinding/i.test(s.text)) hit(RULES.persistWrite, undefined, "a WMI event subscription");
    if ((name === "schtasks" && lower.includes("/create")) || name === "register-scheduledtask" || name === "new-service" || (name === "sc" && lower[0] === "create")) {
      const staged = STAGING.test(s.text);
      hit(RULES.scheduledTask, undefined, staged ? "runs a program from a world-writable folder" : undefined, staged ? 50 : undefined);
    }

    // --- defence evasion ---
    if (((name === "set-mppreference") && lower.some((a) => /^-disable\w+$|^-exclusion(?:path|process|extension)$/.test(a))) || (name === "add-mppreference" && lower.some((a) => /^-exclusion/.test(a)))) hit(RULES.securityOff, undefined, "Microsoft Defender protection off or an exclusion added");
    if ((name === "netsh" && /\b(?:advfirewall\s+set\s+\w+\s+state\s+off|firewall\s+set\s+opmode\s+(?:mode=)?disable)\b/.test(joined)) || (name === "set-netfirewallprofile" && /-enabled\s+(?:false|\$false|0)\b/.test(joined))) hit(RULES.securityOff, undefined, "Windows firewall off");
    if (((name === "sc" && (lower[0] === "stop" || lower[0] === "config" || lower[0] === "delete")) || name === "stop-service" || name === "set-service") && /\b(?:windefend|wdnissvc|sense|mpssvc|eventlog)\b/.test(joined)) hit(RULES.securityOff, undefined, "a Windows security service stopped");
    if (name === "reg" && lower[0] === "add" && (/\\windows defender\b/i.test(args[1] ?? "") && /\bdisable\w*\b/.test(joined) || (/\\policies\\system\b/i.test(args[1] ?? "") && /\benablelua\b/.test(joined)))) hit(RULES.securityOff, undefined, "Defender or UAC off in the registry");
    if (/amsiutils|amsiinitfailed|amsiscanbuffer/i.test(s.text)) hit(RULES.securityOff, undefined, "PowerShell's malware scan interface (AMSI) bypassed", 50);
    if ((name === "wevtutil" && (lower[0] === "cl" || lower[0] === "clear-log" || ((lower[0] === "sl" || lower[0] === "set-log") && lower.some((a) => /^\/e(?:nabled)?:false$/.test(a))))) || name === "clear-eventlog" || name === "remove-eventlog") {
      // 15, as detect.ts scores `wevtutil cl`, `journalctl --vacuum` and `auditctl -D`: a person decides.
      hit(RULES.logWipe, undefined, "a Windows event log", 15);
    }
    if (name === "clear-history" || (name === "set-psreadlineoption" && /-historysavestyle\s+savenothing/.test(joined)) || (/\bhistorysavepath\b/i.test(s.text) && /remove-item|\bri\b|\bdel\b|clear-content/i.test(s.text))) hit(RULES.history, undefined, "PowerShell history");

    // --- accounts and credentials ---
    if (((name === "net" || name === "net1") && lower[0] === "localgroup" && /^(?:administrators|administratoren|administrateurs|administradores|remote desktop users)$/.test(lower[1] ?? "") && lower.includes("/add")) || (name === "add-localgroupmember" && /-group\s+(?:administrators|"administrators")/.test(joined))) hit(RULES.sudoersGrant, undefined, "Windows Administrators group", 40);
    if ((name === "reg" && lower[0] === "save" && /^hklm\\(?:sam|security|system)$/.test(lower[1] ?? "")) ||
      (name === "rundll32" && /comsvcs(?:\.dll)?\s*,?\s*#?(?:minidump|24)\b/.test(joined)) ||
      (name === "procdump" && /\blsass\b/.test(joined)) ||
      (name === "ntdsutil" && /\bifm\b|\bac(?:tivate)?\s+i(?:nstance)?\s+ntds\b/.test(joined)) ||
      /\bmimikatz\b|\bsekurlsa::|\blsadump::|invoke-mimikatz/i.test(s.text) ||
      (WRITERS.has(name) && /\\ntds\\ntds\.dit\b|\\system32\\config\\(?:sam|security)\b/i.test(s.text))) hit(RULES.osCredentialDump, undefined, `\`${s.text.trim().slice(0, 60)}\``);
    if ((name === "cmdkey" && lower.includes("/list")) || (name === "vaultcmd" && lower.some((a) => a.startsWith("/listcreds"))) || (name === "netsh" && /\bwlan\s+show\s+profiles?\b.*\bkey=clear\b/.test(joined))) hit(RULES.keychain, undefined, "Windows credential store or Wi-Fi keys");

    // --- script hosts that run code from a URL ---
    const url = args.find((a) => /^(?:https?|ftp):\/\//i.test(a) || /[/:](?:https?):\/\//i.test(a));
    if ((name === "mshta" && (url !== undefined || lower.some((a) => /^(?:javascript|vbscript):/.test(a)))) ||
      (name === "regsvr32" && lower.some((a) => /^[/-]i:\s*(?:https?|ftp):\/\//.test(a))) ||
      (name === "rundll32" && (/javascript:|vbscript:/.test(joined) || (/url\.dll\s*,\s*(?:fileprotocolhandler|openurl)|shell32\.dll\s*,\s*shellexec_rundll/.test(joined) && url !== undefined))) ||
      ((name === "cscript" || name === "wscript") && url !== undefined) ||
      (name === "msiexec" && lower.some((a) => /^[/-](?:i|package)$/.test(a)) && url !== undefined)) hit(RULES.scriptHost, undefined, `\`${name}\``);
  }
}
