// Abuse of the host's own controls, one simple command at a time: root accounts, world-writable
// system files, containers that reach the host, killing every process, stopping or rewriting the
// guard itself (ClawShield, the OpenClaw Gateway), tunnels that expose the host, command-lookup
// hijacks, packages installed from ad-hoc URLs, DNS exfiltration and writes to system files.
// Each check reads the parsed command (walk.ts); paths are judged by the vocabularies detect.ts
// passes in, so both files use one definition of "secret" or "system".

import { GUARD_FILE, INSECURE_PATH_HEAD, SYSTEM_FILE } from "../common/sensitive-paths.ts";
import type { HitFn } from "./code-rules.ts";
import { RULES } from "./rules.ts";
import type { Cmd } from "./walk.ts";

/** How detect.ts judges paths (one shared object, no per-command state). */
export interface PathView {
  isSecret(word: string): boolean;
  isPersistence(word: string): boolean;
  /** The root, the home folder or a top-level system folder (not `.`, `..` or `*`). */
  isCritical(path: string): boolean;
}

const SYSTEM_PATH = /^\/+(?:etc|usr|bin|sbin|lib(?:32|64|x32)?|boot|root|var\/+spool\/+cron)(?:\/|$)/;
const ACCOUNT_FILE = /^\/+etc\/+(?:passwd|shadow|group|gshadow|sudoers)(?:\.d)?(?:\/|$)/;
const SECRET_DIR = /(?:^|\/)\.(?:ssh|gnupg|aws|kube|password-store|docker)(?:\/|$)/;
/** ClawShield's and the Gateway's own processes, services, packages and plugin. */
const GUARD = /clawshield|openclaw/i;
/** OpenClaw's own config and exec approvals. */
const OPENCLAW_GUARD_FILE = /(?:^|\/)\.openclaw\/+(?:openclaw\.json|exec-approvals\.json)$|(?:^|\/)exec-approvals\.json$/;
/** The same names inside interpreter code (quoted, joined with other path parts). */
const GUARD_FILE_IN_CODE = /(?:^|[\s/'"(=,])(?:clawshield\.toml|openclaw-rs\.toml|\.clawshield)(?=[\s/'"),]|$)/i;
/** ssh's boolean flags, which may be clustered in front of -R. */
const SSH_REMOTE_FORWARD = /^-[1246AaCfGgKkMNnqsTtVvXxYy]*R/;
const TUNNEL_TOOLS = /^(?:ngrok|cloudflared|chisel|bore|frpc|zrok|pinggy|localtonet|tunnelto)$/;
/** Variables naming a file that bash, sh, Python or Node load before the command runs. */
const STARTUP_FILE_VAR = /^(?:BASH_ENV|ENV|PYTHONSTARTUP|NODE_OPTIONS)$/;
const PRIVILEGED_ALIAS = /^(?:sudo|su|doas|pkexec|ssh|scp|passwd|gpg)=/;
/** The container engine's API socket: whoever can write to it is root on the host. */
const ENGINE_SOCKET = /\/(?:var\/)?run\/(?:docker|containerd\/containerd|podman\/podman)\.sock/;
/** Clients that can speak HTTP to a Unix socket. */
const SOCKET_CLIENTS = new Set(["curl", "socat", "nc", "ncat", "wget"]);

/** `writes`: the paths the command writes (redirects, tee, cp/mv destination, -o …), as detect.ts found them. */
export function hostRules(c: Cmd, writes: readonly string[], v: PathView, hit: HitFn): void {
  const { name, args } = c;
  const positional = args.filter((a) => !a.startsWith("-"));

  // --- accounts: a second root, a deleted password ---
  if (/^(?:useradd|usermod|adduser|luseradd|lusermod)$/.test(name) && args.some((a, k) => ((/^-[a-zA-Z]*u$/.test(a) || a === "--uid") && /^0+$/.test(args[k + 1] ?? "")) || /^(?:--uid=|-[a-zA-Z]*u)0+$/.test(a))) hit(RULES.uid0, c);
  if (name === "passwd" && args.some((a) => a === "-d" || a === "--delete")) hit(RULES.uid0, c, "password deleted");

  // --- permissions: world-writable system files ---
  if (name === "chmod" && positional.length >= 2) {
    const mode = positional[0]!;
    if (/^[0-7]?[0-7]{2}[2367]$/.test(mode) || /(?:^|,)[ugoa]*[oa][ugoa]*[+=][rwxXst]*w/.test(mode)) {
      const targets = positional.slice(1);
      // Whoever can write to the container engine's socket is root on the host.
      if (targets.some((t) => ENGINE_SOCKET.test(t))) hit(RULES.containerEscape, c, "the container engine's socket made writable by every user");
      else if (targets.some((t) => ACCOUNT_FILE.test(t) || v.isPersistence(t) || v.isSecret(t))) hit(RULES.weakPerms, c);
      else if (targets.some((t) => SYSTEM_PATH.test(t))) hit(RULES.weakPerms, c, "system path", 30);
    }
  }

  // --- containers that reach the host ---
  if (/^(?:docker|podman|nerdctl)$/.test(name) && args.some((a) => a === "run" || a === "create" || a === "exec")) {
    const valueOf = (k: number): string => args[k + 1] ?? "";
    const hostRoot = args.some((a, k) => ((a === "-v" || a === "--volume") && /^\/+:/.test(valueOf(k))) || /^(?:--volume=|-v)\/+:/.test(a) || (a === "--mount" && /(?:src|source)=\/+(?:,|$)/.test(valueOf(k))) || (a.startsWith("--mount=") && /(?:src|source)=\/+(?:,|$)/.test(a)));
    const hostNs = args.some((a, k) => /^--(?:pid|ipc|uts|userns|cgroupns)=host$/.test(a) || (/^--(?:pid|ipc|uts|userns|cgroupns)$/.test(a) && valueOf(k) === "host"));
    const allCaps = args.some((a, k) => a === "--privileged" || /^--cap-add=(?:ALL|SYS_ADMIN|SYS_MODULE|SYS_PTRACE)$/i.test(a) || (a === "--cap-add" && /^(?:ALL|SYS_ADMIN|SYS_MODULE|SYS_PTRACE)$/i.test(valueOf(k))));
    const socket = args.some((a) => ENGINE_SOCKET.test(a));
    if (hostRoot || (allCaps && hostNs)) hit(RULES.containerEscape, c);
    else if (allCaps || hostNs || socket) hit(RULES.containerEscape, c, "partial host access (privileged, host namespace or the engine's socket)", 30);
  }
  // The engine's API driven directly with a container that mounts `/` or runs privileged: the same
  // host takeover as `docker run --privileged -v /:/host`.
  if (SOCKET_CLIENTS.has(name) && args.some((a) => ENGINE_SOCKET.test(a)) && /"Privileged"\s*:\s*true|"Binds"\s*:\s*\[\s*"\/+:|"PidMode"\s*:\s*"host"/.test(args.join(" "))) hit(RULES.containerEscape, c, "a container created through the engine's API");
  if (name === "nsenter" && args.some((a, k) => ((a === "-t" || a === "--target") && args[k + 1] === "1") || a === "--target=1" || a === "-t1")) hit(RULES.containerEscape, c);

  // --- every process at once ---
  // kill -9 -1, kill -s KILL -1, kill -- -1: pid -1 is every process the caller may signal.
  const dashDash = args.indexOf("--");
  if (name === "kill" && (args.slice(1).includes("-1") || (dashDash >= 0 && args[dashDash + 1] === "-1"))) hit(RULES.killAll, c);
  if (name === "killall5") hit(RULES.killAll, c);
  // kill -9 1: pid 1 is init; as root that halts the host.
  // (`kill -0 1` only checks that the process exists.)
  if (name === "kill" && !args.some((a, k) => a === "-0" || (a === "0" && /^-(?:s|n|-signal)$/.test(args[k - 1] ?? ""))) && args.some((a, k) => a === "1" && !/^-(?:s|n|-signal)$/.test(args[k - 1] ?? ""))) hit(RULES.killAll, c, "signals init (pid 1)");
  if ((name === "pkill" || name === "killall") && args.some((a) => /^-(?:u|U)$|^--user(?:=|$)|^-u\S/.test(a))) {
    let names = 0;
    for (let k = 0; k < args.length; k++) {
      const a = args[k]!;
      if (a.startsWith("-")) {
        if (/^-(?:u|U|g|G|P|s|t|F|o|y|n)$|^--(?:user|group|parent|session|terminal|pidfile|signal|older-than|younger-than)$/.test(a)) k++;
        continue;
      }
      names++;
    }
    if (names === 0) hit(RULES.killAll, c);
  }

  // --- the guard itself ---
  if (guardTampering(c, positional, writes)) hit(RULES.guardTamper, c);

  // --- tunnels ---
  if ((name === "ssh" || name === "autossh") && args.some((a) => SSH_REMOTE_FORWARD.test(a))) hit(RULES.tunnel, c, "ssh remote forward");
  else if (TUNNEL_TOOLS.test(name) && positional.length > 0 && (name !== "cloudflared" || positional.includes("tunnel"))) hit(RULES.tunnel, c);

  // --- command-lookup hijack ---
  const pathValues: string[] = [];
  for (const [k, val] of c.env) if (k === "PATH") pathValues.push(val);
  if (name === "export" || name === "declare" || name === "typeset" || name === "readonly") for (const a of args) if (a.startsWith("PATH=")) pathValues.push(a.slice(5));
  if (pathValues.some((p) => INSECURE_PATH_HEAD.test(p))) hit(RULES.hijack, c);
  // A start-up file the shell or interpreter reads before the command itself, from a world-writable folder.
  for (const [k, val] of c.env) if (STARTUP_FILE_VAR.test(k) && INSECURE_PATH_HEAD.test(val.replace(/^--require[= ]|^-r\s*/, ""))) hit(RULES.hijack, c, `\`${k}\` runs a file from a world-writable folder first`);
  if (name === "alias" && args.some((a) => PRIVILEGED_ALIAS.test(a))) hit(RULES.hijack, c);
  // cp /tmp/x ~/.local/bin/sudo: a program under a common command's name in a per-user folder that
  // comes early on PATH shadows the real one.
  const shadow = writes.find((w) => SHADOWING_WRITE.test(w));
  if (shadow !== undefined) hit(RULES.hijack, c, `\`${shadow.slice(0, 60)}\` shadows a system command`);

  // --- packages from ad-hoc sources ---
  // npx/bunx run the package's program at once: a download that executes.
  if (installsRemotePackage(name, args)) hit(RULES.remotePackage, c, name === "npx" || name === "bunx" ? "runs the package at once" : undefined, name === "npx" || name === "bunx" ? 45 : undefined);

  // --- DNS exfiltration: $(…) output as a host-name label ---
  if (/^(?:dig|nslookup|host|drill|ping6?|curl|wget|nc|ncat|traceroute|resolvectl|getent|delv|kdig)$/.test(name) && c.words.some((w) => /(?:\$\([^)]*\)|`[^`]*`)[\w-]*\.[a-z0-9-]+\.[a-z]{2,}/i.test(w))) hit(RULES.dnsExfil, c);
  // ping -p $(xxd -p file) host: a command's output as the ICMP padding pattern.
  else if (/^ping6?$/.test(name) && c.args.some((a, k) => a === "-p" && /\$\(|`/.test(c.args[k + 1] ?? ""))) hit(RULES.dnsExfil, c, "a command's output as the ping padding");

  // --- system files (privileged writes have their own rule) ---
  if (!c.privileged) {
    const sys = writes.find((w) => SYSTEM_FILE.test(w) && !v.isPersistence(w));
    if (sys !== undefined) hit(RULES.systemWrite, c, `\`${sys.slice(0, 60)}\``);
  }

  // --- git options that run programs ---
  if (name === "git" && args.includes("config") && !args.some((a) => /^--(?:unset|get|list|get-all|unset-all|remove-section)$|^-l$/.test(a))) {
    const k = args.findIndex((a) => /^(?:core\.hooksPath|core\.fsmonitor|alias\.\S+)$/i.test(a));
    const value = k >= 0 ? args[k + 1] : undefined;
    if (k >= 0 && value !== undefined && (!/^alias\./i.test(args[k]!) || value.startsWith("!")) && !/^(?:false|true)$/i.test(value)) hit(RULES.gitExec, c);
  }

  macOsHostRules(c, positional, hit);
  // zenity/kdialog password boxes: the Linux desktop's way to phish the login password.
  if ((name === "zenity" || name === "kdialog") && args.some((a) => a === "--password")) hit(RULES.passwordPrompt, c);

  // --- destroying the whole home/root by moving it, or credentials by shredding ---
  if (name === "mv" && positional.length >= 2 && positional.slice(0, -1).some((p) => v.isCritical(p.replace(/\/+$/, "/")) || ACCOUNT_FILE.test(p))) hit(RULES.clobber, c);
  if (/^(?:shred|wipe|srm)$/.test(name) && positional.some((t) => SECRET_DIR.test(t) || v.isSecret(t))) hit(RULES.secretDestroy, c);
  if (name === "rm" && positional.some((t) => v.isSecret(t) || (args.some((a) => /^-[a-zA-Z]*[rR]/.test(a)) && /(?:^|\/)\.(?:ssh|gnupg|aws|password-store)\/*$/.test(t)))) hit(RULES.secretDestroy, c);
}

/** A proxy host that is not this machine (local debugging proxies such as mitmproxy on 127.0.0.1 are routine). */
const LOCAL_HOST = /^(?:localhost|127(?:\.\d{1,3}){3}|\[?::1\]?|0\.0\.0\.0)(?::\d+)?$/i;

/** macOS's own controls, changed from the shell: accounts (dscl), login hooks, the firewall, the system proxy. */
function macOsHostRules(c: Cmd, positional: readonly string[], hit: HitFn): void {
  const { name, args } = c;
  if (name === "dscl") {
    // dscl . -create /Users/x UniqueID 0: a second root; dscl . -append /Groups/admin GroupMembership x: an admin.
    const k = args.findIndex((a) => /^-(?:create|append|merge)$/.test(a));
    const rec = k >= 0 ? args[k + 1] ?? "" : "";
    const key = k >= 0 ? args[k + 2] ?? "" : "";
    if (/^\/Users\//.test(rec) && /^(?:UniqueID|PrimaryGroupID)$/.test(key) && /^0+$/.test(args[k + 3] ?? "")) hit(RULES.uid0, c);
    if (/^\/Groups\/(?:admin|wheel)$/.test(rec) && /^(?:GroupMembership|GroupMembers)$/.test(key)) hit(RULES.sudoersGrant, c, "adds a user to the admin group", 40);
  }
  if (name === "dseditgroup" && args.some((a, k) => a === "-a" && args[k + 1] !== undefined) && /^(?:admin|wheel)$/.test(positional[positional.length - 1] ?? "") && args.some((a, k) => a === "-o" && args[k + 1] === "edit")) hit(RULES.sudoersGrant, c, "adds a user to the admin group", 40);
  // defaults write com.apple.loginwindow LoginHook /path: a script run as root at every login.
  if (name === "defaults" && positional[0] === "write" && positional.some((a) => /^(?:LoginHook|LogoutHook)$/.test(a))) hit(RULES.persistWrite, c, "a login or logout hook");
  // The application firewall off: socketfilterfw --setglobalstate off, defaults write …com.apple.alf globalstate 0.
  if ((name === "socketfilterfw" && args.some((a, k) => a === "--setglobalstate" && args[k + 1] === "off")) || (name === "defaults" && positional[0] === "write" && /com\.apple\.alf$/.test(positional[1] ?? "") && positional[2] === "globalstate" && args[args.length - 1] === "0")) hit(RULES.securityOff, c, "the macOS application firewall");
  // networksetup -setwebproxy Wi-Fi host port (also https, SOCKS, a PAC URL).
  if (name === "networksetup") {
    const k = args.findIndex((a) => /^-(?:setwebproxy|setsecurewebproxy|setsocksfirewallproxy|setftpproxy|setstreamingproxy|setgopherproxy|setautoproxyurl)$/i.test(a));
    const target = k >= 0 ? args[k + 2] : undefined;
    if (target !== undefined && !LOCAL_HOST.test(target.replace(/^[a-z]+:\/\//i, "").replace(/\/.*$/, ""))) hit(RULES.proxyRedirect, c);
  }
}

/** A per-user PATH folder (~/.local/bin, ~/bin) plus the name of a command people and agents type. */
const SHADOWING_WRITE = /^(?:~|\$\{?HOME\}?|\/home\/[^/]+|\/root|\/Users\/[^/]+)\/(?:\.local\/bin|bin)\/(?:sudo|su|doas|ssh|scp|ls|cat|cd|ps|id|git|passwd|curl|wget|python3?|node|npm|npx|bash|sh|zsh|openclaw|clawshield|gpg|ssh-add|login|top|kill)$/;

function guardTampering(c: Cmd, positional: readonly string[], writes: readonly string[]): boolean {
  const { name, args } = c;
  if ((name === "pkill" || name === "killall" || name === "kill") && args.some((a) => GUARD.test(a))) return true;
  // pgrep -f clawshield | xargs kill
  if (name === "kill" && c.upstream.some((u) => (u.name === "pgrep" || u.name === "pidof") && u.args.some((a) => GUARD.test(a)))) return true;
  if (/^(?:systemctl|service|rc-service|sv|launchctl)$/.test(name) && args.some((a) => /^(?:stop|disable|mask|kill|unload|bootout|remove)$/.test(a)) && positional.some((a) => GUARD.test(a))) return true;
  if (/^(?:docker|podman)$/.test(name) && /^(?:stop|kill|rm|pause)$/.test(positional[0] ?? "") && positional.slice(1).some((a) => GUARD.test(a))) return true;
  if (/^(?:docker|podman)$/.test(name) && positional[0] === "compose" && /^(?:down|stop|kill|rm|pause)$/.test(positional[1] ?? "") && positional.slice(2).some((a) => GUARD.test(a))) return true;
  if (name === "docker-compose" && /^(?:down|stop|kill|rm|pause)$/.test(positional[0] ?? "") && positional.slice(1).some((a) => GUARD.test(a))) return true;
  // find . -name clawshield.toml -delete
  if (name === "find" && args.some((a) => a === "-delete" || /^-exec(?:dir)?$/.test(a)) && args.some((a, k) => /^-i?(?:name|path|wholename)$/.test(args[k - 1] ?? "") && GUARD_FILE.test(a.replace(/^\*+|\*+$/g, "")))) return true;
  // os.remove('clawshield.toml'), fs.writeFileSync('.clawshield/…')
  if (c.code !== undefined && /\b(?:remove|unlink|unlinkSync|rmtree|rmSync|rmdir|truncate|writeFile(?:Sync)?|write_text|rename|replace)\b|open\([^)]*["'][wa]/.test(c.code) && GUARD_FILE_IN_CODE.test(c.code)) return true;
  if (name === "openclaw" && positional[0] === "plugins" && /^(?:disable|uninstall|remove|rm)$/.test(positional[1] ?? "") && positional.slice(2).some((a) => /clawshield/i.test(a))) return true;
  if (name === "openclaw" && positional[0] === "config" && /^(?:set|unset)$/.test(positional[1] ?? "") && /^plugins\.(?:entries\.clawshield|enabled|allow|deny|load)/.test(positional[2] ?? "")) return true;
  if (/^(?:npm|pnpm|yarn|bun)$/.test(name) && /^(?:uninstall|remove|rm|un|unlink|r)$/.test(positional[0] ?? "") && positional.slice(1).some((a) => /clawshield/i.test(a))) return true;
  if ((name === "rm" || name === "mv" || name === "shred" || name === "truncate" || name === "unlink") && positional.some((p) => GUARD_FILE.test(p))) return true;
  // rm ~/.openclaw/exec-approvals.json: the Gateway's approvals and config are the guard too.
  if ((name === "rm" || name === "shred" || name === "truncate" || name === "unlink" || (name === "mv" && positional.length >= 2)) && (name === "mv" ? positional.slice(0, -1) : positional).some((p) => OPENCLAW_GUARD_FILE.test(p))) return true;
  return writes.some((p) => GUARD_FILE.test(p));
}

const INDEX_OPTION = /^(?:-i|--index-url|--extra-index-url|--registry|--source|-s|--find-links|-f)$/;

/** pip/npm/npx/gem/go/cargo installing from a URL, a VCS URL or an index on an IP address or plain http. */
function installsRemotePackage(name: string, args: readonly string[]): boolean {
  let rest = args;
  let tool = name;
  if (name === "python" && args[0] === "-m" && args[1] !== undefined) {
    tool = args[1];
    rest = args.slice(2);
  }
  const sub = rest.find((a) => !a.startsWith("-"));
  const installing =
    (/^(?:pip\d*(?:\.\d+)?|pipx|uv)$/.test(tool) && rest.includes("install")) ||
    (/^(?:npm|pnpm|bun)$/.test(tool) && /^(?:i|install|add)$/.test(sub ?? "")) ||
    (tool === "yarn" && sub === "add") ||
    tool === "npx" || tool === "bunx" ||
    (tool === "gem" && sub === "install") ||
    ((tool === "go" || tool === "cargo") && sub === "install");
  // pip config set global.index-url http://…, npm config set registry http://…: every later install.
  if (/^(?:pip\d*(?:\.\d+)?|npm|pnpm|yarn)$/.test(tool) && rest[0] === "config" && rest[1] === "set") return rest.some((a) => /^(?:http:\/\/|(?:https?:\/\/)?(?:\d{1,3}\.){3}\d{1,3})/.test(a) || /=(?:http:\/\/|(?:https?:\/\/)?(?:\d{1,3}\.){3}\d{1,3})/.test(a));
  if (!installing) return false;
  return rest.some((a, k) => /^(?:https?|ftp|git\+[a-z]+):\/\//i.test(a) || (INDEX_OPTION.test(rest[k - 1] ?? "") && /^(?:http:\/\/|(?:https?:\/\/)?(?:\d{1,3}\.){3}\d{1,3})/.test(a)) || /^--(?:index-url|extra-index-url|registry|source)=(?:http:\/\/|(?:https?:\/\/)?(?:\d{1,3}\.){3}\d{1,3})/.test(a));
}
