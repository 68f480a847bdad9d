// Built-in command-risk rules, as data: id (`cmd.<family>.<name>`, stable, never reused),
// category (`command/<family>`), score, legacy tag and the operator-facing message (what, why,
// what to do). The logic that fires them lives in detect.ts and works on the parsed command
// (walk.ts). Fixtures: test/fixtures/rules/command.txt.
//
// Scoring: an exec tool call adds +20; >= 35 reviews, >= 65 blocks. A clearly malicious pattern
// scores >= 65 on its own; medium-risk signals (sudo, reading a private file, a shell spawned
// from another program) score 15..30 so they review together with the exec bonus; weak signals
// that ordinary commands produce stay below 15.

import { FIX_REVIEW, type DetectorRule } from "../common/rule.ts";

/** A command rule; its family is used without the `command/` prefix. */
export type CommandRule = DetectorRule;

const FIX_BLOCK = "Do not run it; if it is really intended, run it by hand or allow-list this exact command (security.allowed_commands).";

const R = (id: string, family: string, score: number, tag: string, what: string, fix = score >= 65 ? FIX_BLOCK : FIX_REVIEW): CommandRule => ({ id, family, score, tag, message: `${what}. ${fix}` });

export const RULES = {
  // download-then-execute
  pipeToShell: R("cmd.download-exec.pipe-to-shell", "download-exec", 85, "remote_pipe_exec", "downloads content and pipes it into a shell or interpreter, running remote code unseen"),
  substExec: R("cmd.download-exec.subst-exec", "download-exec", 85, "remote_pipe_exec", "runs downloaded content through `sh -c \"$(curl …)\"`, `eval`, `source` or process substitution"),
  downloadThenRun: R("cmd.download-exec.download-then-run", "download-exec", 80, "remote_pipe_exec", "downloads a file and then executes it in the same command line"),
  scriptHost: R("cmd.download-exec.script-host", "download-exec", 85, "remote_pipe_exec", "runs a script or installer straight from a URL through a Windows script host (mshta, regsvr32 /i:, rundll32 javascript:, cscript/wscript, msiexec /i of a URL)"),
  codeFetchEval: R("cmd.download-exec.code-fetch-eval", "download-exec", 85, "remote_pipe_exec", "interpreter code downloads code and runs it (exec/eval of a fetched response: urlopen, requests, fetch, LWP, open-uri, file_get_contents)"),
  remotePackage: R("cmd.download-exec.remote-package", "download-exec", 30, "remote_package", "installs a package straight from a URL or an ad-hoc index (pip/npm/npx/gem/go …); its install scripts run code from that host"),
  // reverse / bind shells
  devTcp: R("cmd.reverse-shell.dev-tcp", "reverse-shell", 90, "reverse_shell", "opens a network socket through /dev/tcp or /dev/udp (typical reverse shell or covert transfer)"),
  ncExec: R("cmd.reverse-shell.nc-exec", "reverse-shell", 90, "reverse_shell", "netcat/ncat with -e/-c/--exec hands a shell to a remote host"),
  socatExec: R("cmd.reverse-shell.socat-exec", "reverse-shell", 90, "reverse_shell", "socat connects a network socket to a program (exec:/system:) — a remote shell"),
  netPipeShell: R("cmd.reverse-shell.net-pipe-shell", "reverse-shell", 90, "reverse_shell", "pipes a network connection into a shell (or a shell into a network connection), e.g. via mkfifo/telnet/nc"),
  interpSocket: R("cmd.reverse-shell.interpreter-socket", "reverse-shell", 90, "reverse_shell", "interpreter code opens a socket and wires it to a shell or process (reverse/bind shell)"),
  xterm: R("cmd.reverse-shell.xterm-display", "reverse-shell", 80, "reverse_shell", "starts an xterm on a remote X display, giving that host a shell"),
  listener: R("cmd.reverse-shell.listener", "reverse-shell", 20, "network_listener", "starts a raw network listener (netcat/socat/openssl server), often the other end of a reverse shell"),
  msfvenom: R("cmd.reverse-shell.payload-generator", "reverse-shell", 80, "reverse_shell", "generates an exploit/reverse-shell payload (msfvenom)"),
  // credential access
  secretRead: R("cmd.credential.secret-file", "credential-access", 25, "credential_access", "touches a credential or private-key file (SSH keys, cloud credentials, .env, shadow, browser stores, OpenClaw secrets, macOS Messages/Mail/Safari history/contacts/notes)"),
  accountDb: R("cmd.credential.account-db", "credential-access", 5, "credential_access", "reads the local account database (/etc/passwd, /etc/group)"),
  secretSearch: R("cmd.credential.secret-search", "credential-access", 25, "credential_access", "searches the file system for private keys or credential files (find -name '*.pem', grep -r 'PRIVATE KEY'); sending what it finds out is cmd.exfil.secret-upload"),
  keychain: R("cmd.credential.keychain", "credential-access", 40, "credential_access", "reads passwords from the OS keychain/secret store"),
  osCredentialDump: R("cmd.credential.os-credential-dump", "credential-access", 80, "credential_access", "dumps the operating system's credential stores (LSASS memory, the SAM/SECURITY hives, NTDS.dit, mimikatz): every password hash and ticket on the host"),
  passwordPrompt: R("cmd.credential.password-prompt", "credential-access", 50, "credential_access", "shows the user a password dialog (osascript `display dialog … with hidden answer`, zenity/kdialog --password): an agent has no reason to ask for the login password, and macOS stealers phish it exactly this way"),
  // exfiltration
  pasteHost: R("cmd.exfil.paste-host", "exfiltration", 30, "exfiltration", "talks to a paste/webhook/tunnel host (pastebin, transfer.sh, webhook.site, ngrok, Discord webhooks …) often used to exfiltrate data"),
  pasteUpload: R("cmd.exfil.paste-upload", "exfiltration", 80, "exfiltration", "uploads data to a paste/webhook/tunnel host"),
  fileToSocket: R("cmd.exfil.file-to-socket", "exfiltration", 45, "exfiltration", "streams a local file into a raw network connection (nc/ncat/telnet/openssl s_client < file)"),
  upload: R("cmd.exfil.upload", "exfiltration", 15, "exfiltration", "uploads a local file or data to a remote host (curl -T/-F @/--data @file, wget --post-file, scp/rsync to host:, a file piped or redirected into nc/socat/ssh); scored higher when the destination is a public IP address"),
  httpServe: R("cmd.exfil.http-serve", "exfiltration", 15, "exfiltration", "serves local files over HTTP to the network"),
  secretUpload: R("cmd.exfil.secret-upload", "exfiltration", 80, "exfiltration", "sends a credential or private file to a remote host"),
  dnsExfil: R("cmd.exfil.dns-subst", "exfiltration", 45, "exfiltration", "puts a command's output into a host name it looks up or contacts (nslookup $(whoami).x.example): DNS exfiltration"),
  tunnel: R("cmd.exfil.tunnel", "exfiltration", 25, "exfiltration", "opens a tunnel that exposes this host or a local port to a remote host (ssh -R, ngrok, cloudflared, chisel, bore …)"),
  // persistence
  persistWrite: R("cmd.persistence.sensitive-write", "persistence", 75, "persistence", "writes to a persistence or system-auth location (authorized_keys, sudoers, cron, systemd units, ld.so.preload, launchd, /etc/passwd)"),
  systemExtract: R("cmd.persistence.system-dir-extract", "persistence", 45, "persistence", "extracts or applies files straight into / or a system folder (tar -C /, unzip -d /etc, git apply --directory /, cpio/patch rooted at /), overwriting system files"),
  rcWrite: R("cmd.persistence.shell-rc-write", "persistence", 30, "persistence", "modifies a shell start-up file (.bashrc, .profile, .zshrc …), which runs on every new shell"),
  persistMention: R("cmd.persistence.sensitive-path", "persistence", 20, "persistence", "opens a persistence or system-auth location with a program that can write it"),
  crontab: R("cmd.persistence.crontab", "persistence", 30, "persistence", "installs or edits a crontab (scheduled commands survive the session)"),
  cronPipe: R("cmd.persistence.crontab-pipe", "persistence", 30, "persistence", "pipes generated entries into `crontab -`, silently adding a scheduled job"),
  scheduledTask: R("cmd.persistence.scheduled-task", "persistence", 30, "persistence", "creates a Windows scheduled task or service (schtasks /create, Register-ScheduledTask, sc create, New-Service): it runs again later, at logon or at boot; scored higher when it runs a program from a world-writable folder"),
  serviceInstall: R("cmd.persistence.service-load", "persistence", 20, "persistence", "loads a launchd/systemd user service"),
  systemWrite: R("cmd.persistence.system-file-write", "persistence", 25, "persistence", "writes a system file (/etc, /usr, /bin, /boot …: hosts, resolver, programs)"),
  gitExec: R("cmd.persistence.git-exec-config", "persistence", 25, "persistence", "sets a git option that runs programs on later git commands (core.hooksPath, core.fsmonitor, an alias starting with !)"),
  // destructive
  rmRoot: R("cmd.destructive.rm-root", "destructive", 90, "destructive_command", "recursively deletes the root, home or a system folder"),
  rmRf: R("cmd.destructive.rm-recursive-force", "destructive", 10, "destructive_command", "recursively force-deletes files"),
  findDelete: R("cmd.destructive.find-delete-root", "destructive", 80, "destructive_command", "deletes files found under the root, home or a system folder"),
  mkfs: R("cmd.destructive.mkfs", "destructive", 70, "destructive_command", "formats or wipes a disk/partition (mkfs, wipefs, mkswap)"),
  diskWrite: R("cmd.destructive.raw-disk-write", "destructive", 80, "destructive_command", "writes raw data onto a disk device (dd of=/dev/…, redirect to /dev/sd*)"),
  shredDevice: R("cmd.destructive.shred-device", "destructive", 80, "destructive_command", "shreds a disk device or system path"),
  secureDelete: R("cmd.destructive.secure-delete", "destructive", 10, "destructive_command", "securely deletes files (shred/wipe/srm)"),
  miner: R("cmd.destructive.cryptominer", "destructive", 80, "destructive_command", "runs a cryptocurrency miner (xmrig, cpuminer … or a stratum+tcp:// mining pool): the host's CPU and power go to someone else's wallet"),
  forkBomb: R("cmd.destructive.fork-bomb", "destructive", 90, "destructive_command", "a fork bomb: a function that recursively spawns itself until the host stops"),
  chmodRoot: R("cmd.destructive.recursive-perm-system", "destructive", 80, "destructive_command", "recursively changes permissions/ownership of the root, home or a system folder"),
  partition: R("cmd.destructive.partition", "destructive", 20, "destructive_command", "changes a disk's partition table"),
  power: R("cmd.destructive.system-power", "destructive", 20, "destructive_command", "shuts down or reboots the host"),
  killAll: R("cmd.destructive.kill-all", "destructive", 45, "destructive_command", "kills every process of the user or of the host (kill -1, pkill/killall -u without a name, killall5)"),
  clobber: R("cmd.destructive.clobber-critical", "destructive", 80, "destructive_command", "moves the root, home or a system folder away or onto /dev/null"),
  inhibitRecovery: R("cmd.destructive.inhibit-recovery", "destructive", 80, "destructive_command", "deletes shadow copies or backups, or turns off Windows recovery (vssadmin delete shadows, wbadmin delete, bcdedit recoveryenabled no): what ransomware does before it encrypts"),
  secretDestroy: R("cmd.destructive.secret-destroy", "destructive", 30, "destructive_command", "destroys credential or key files (shred/wipe/srm/rm of ~/.ssh, ~/.aws, ~/.gnupg …), cutting off access"),
  // privilege escalation
  sudo: R("cmd.privesc.sudo", "privilege-escalation", 15, "privilege_escalation", "runs a command with elevated privileges (sudo/doas/pkexec/su)"),
  rootShell: R("cmd.privesc.root-shell", "privilege-escalation", 30, "privilege_escalation", "opens an interactive root shell (sudo -i/-s, sudo su, su)"),
  privTechnique: R("cmd.privesc.privileged-abuse", "privilege-escalation", 45, "privilege_escalation", "combines elevated privileges with a shell escape, secret read, sensitive write, download or library load (GTFOBins-style abuse of a sudo/SUID binary)"),
  keepPriv: R("cmd.privesc.keep-privileges", "privilege-escalation", 50, "privilege_escalation", "starts a shell or code that keeps/sets root privileges (`sh -p`, setuid(0), capsh --uid=0)"),
  privInstall: R("cmd.privesc.privileged-package-install", "privilege-escalation", 30, "privilege_escalation", "installs or loads a local package, kernel module or toolchain with elevated privileges (dpkg -i, rpm -i, yum localinstall, apt install ./x.deb, pip/npm/gem install of a local path, insmod); its install scripts and code run as root"),
  privWrite: R("cmd.privesc.privileged-file-write", "privilege-escalation", 30, "privilege_escalation", "writes, copies, moves or extracts files with elevated privileges (cp/mv/install/tee/dd of=/tar -x/an output option), which can overwrite any protected file"),
  privUntrusted: R("cmd.privesc.privileged-untrusted-input", "privilege-escalation", 30, "privilege_escalation", "gives a privileged command a file from a world-writable folder (/tmp, /var/tmp, /dev/shm) or another program to run (`-- /usr/bin/x`, `key=|/path`, `*_command=/path`), so staged content is read or run as root"),
  privUnvetted: R("cmd.privesc.privileged-unvetted-program", "privilege-escalation", 30, "privilege_escalation", "runs a program as root that is not a routine system-administration tool (package/service/user/disk/network managers and the like); an agent should not run arbitrary programs with elevated privileges, and most GTFOBins-style escalations abuse exactly such programs", "Run it by hand if it is intended; if running this program as root is routine here, allow-list the exact command (security.allowed_commands) or suppress the rule with security.disabled_rules: [\"cmd.privesc.privileged-unvetted-program\"]."),
  privCode: R("cmd.privesc.privileged-interpreter", "privilege-escalation", 30, "privilege_escalation", "runs an interpreter, REPL, debugger, script or `shell`/`console` subcommand with elevated privileges: arbitrary code as root"),
  suidBit: R("cmd.privesc.setuid-bit", "privilege-escalation", 40, "privilege_escalation", "sets the setuid/setgid bit or file capabilities, a classic way to keep root"),
  sudoersGrant: R("cmd.privesc.sudoers-grant", "privilege-escalation", 80, "privilege_escalation", "grants password-less sudo or adds a user to an admin group"),
  uid0: R("cmd.privesc.uid0-account", "privilege-escalation", 80, "privilege_escalation", "creates or changes an account to user id 0 (a second root), or deletes an account's password"),
  weakPerms: R("cmd.privesc.weaken-permissions", "privilege-escalation", 75, "privilege_escalation", "makes a system file world-writable (chmod o+w, 666, 777 on /etc/passwd, sudoers, authorized_keys, system programs), so any user can take over what runs it"),
  elevatedExec: R("cmd.privesc.elevated-exec", "privilege-escalation", 10, "privilege_escalation", "the exec call asks for OpenClaw's elevated mode (`elevated: true`): the command leaves the sandbox and runs on the Gateway or node host, so whatever else it does lands on the real machine", "Weak alone; it adds to the command's other findings. If elevated runs are routine here, suppress the rule with security.disabled_rules: [\"cmd.privesc.elevated-exec\"]."),
  containerEscape: R("cmd.privesc.container-escape", "privilege-escalation", 80, "privilege_escalation", "runs a container with the host's root filesystem, PID namespace or full privileges, or enters the host's namespaces (nsenter -t 1): root on the host"),
  // shell escape (GTFOBins "shell")
  shellEscape: R("cmd.shell-escape.spawn", "shell-escape", 25, "shell_escape", "spawns an interactive shell from another program (editor, pager, interpreter, find -exec …), escaping command restrictions"),
  codeCall: R("cmd.shell-escape.code-exec-arg", "shell-escape", 25, "shell_escape", "passes code that runs programs or reads files (Runtime.exec, ProcessBuilder, os.execute, File.ReadAllText, TeX \\write18/\\openout, sed `e`) as a program argument"),
  shellAlias: R("cmd.shell-escape.shell-alias", "shell-escape", 25, "shell_escape", "links or copies a shell binary under another name (ln -s /bin/sh x), so a program that runs `x` runs a shell"),
  shellOption: R("cmd.shell-escape.exec-option", "shell-escape", 25, "shell_escape", "passes a shell as a program option (--checkpoint-action=exec=, pager/editor=, `!sh`)"),
  libraryLoad: R("cmd.shell-escape.library-load", "shell-escape", 40, "library_load", "forces a shared library into a process (LD_PRELOAD, enable -f, dlopen)"),
  // defence evasion
  history: R("cmd.evasion.history-wipe", "defense-evasion", 40, "defense_evasion", "wipes or disables shell history, hiding what was run"),
  logWipe: R("cmd.evasion.log-wipe", "defense-evasion", 30, "defense_evasion", "deletes or truncates system logs"),
  approvals: R("cmd.evasion.openclaw-approvals", "defense-evasion", 85, "approval_bypass", "changes OpenClaw's exec approvals or config (tools.exec security/ask/mode), disabling the guard that reviews commands"),
  gatekeeperBypass: R("cmd.evasion.gatekeeper-bypass", "defense-evasion", 40, "defense_evasion", "removes macOS's download quarantine attribute (xattr -d com.apple.quarantine, xattr -c) in a command line that also downloads, so Gatekeeper never checks what was fetched"),
  proxyRedirect: R("cmd.evasion.proxy-redirect", "defense-evasion", 40, "defense_evasion", "points the system's web proxy at another host (networksetup -setwebproxy/-setsecurewebproxy/-setautoproxyurl/-setsocksfirewallproxy): every browser request then passes through that host"),
  securityOff: R("cmd.evasion.security-disable", "defense-evasion", 25, "defense_evasion", "disables a firewall, SELinux/AppArmor, auditing or another security control"),
  sandboxEscape: R("cmd.evasion.sandbox-escape", "defense-evasion", 50, "defense_evasion", "JavaScript that climbs out of its sandbox to the host process (constructor.constructor('return process'), process.binding, process.mainModule): in OpenClaw Code Mode's Node executor that is the whole machine"),
  openclawExposure: R("cmd.exposure.openclaw-open-access", "exposure", 50, "approval_bypass", "opens the OpenClaw Gateway or a channel to anyone (gateway auth off, a non-loopback bind, dmPolicy open, allowFrom \"*\"), so strangers can drive the agent"),
  unguardedAgent: R("cmd.evasion.unguarded-agent", "defense-evasion", 50, "approval_bypass", "starts a coding agent (Claude Code, Codex, Gemini CLI, …) with its own permission checks switched off; every command it then runs escapes OpenClaw's exec approvals and ClawShield"),
  guardTamper: R("cmd.evasion.guard-tamper", "defense-evasion", 85, "approval_bypass", "stops, kills, uninstalls or rewrites ClawShield or the OpenClaw Gateway that enforces it (process, service, plugin, config or state)"),
  hijack: R("cmd.evasion.command-hijack", "defense-evasion", 25, "defense_evasion", "redirects command lookup (PATH starting in a world-writable folder, an alias for sudo/su/ssh/passwd), so later commands run something else"),
  // obfuscation
  decodeExec: R("cmd.obfuscation.decode-exec", "obfuscation", 85, "obfuscated_exec", "decodes hidden content (base64/hex/rev/printf escapes/gzip) and runs it in a shell"),
  ifs: R("cmd.obfuscation.ifs", "obfuscation", 40, "obfuscation", "uses ${IFS} in place of spaces, a filter-evasion trick"),
  quoteSplit: R("cmd.obfuscation.split-name", "obfuscation", 45, "obfuscation", "writes a command name with quotes/backslashes inside it (c'u'r'l, \\c\\u\\r\\l) to dodge filters"),
  varIndirection: R("cmd.obfuscation.var-indirection", "obfuscation", 50, "obfuscation", "builds a command name from variables (a=cu;b=rl;$a$b) to hide it"),
  ansiC: R("cmd.obfuscation.ansi-c-name", "obfuscation", 50, "obfuscation", "hides a command name in an ANSI-C escape string ($'\\x63\\x75…')"),
  computedName: R("cmd.obfuscation.computed-name", "obfuscation", 50, "obfuscation", "computes the command name by decoding text ($(printf '\\x72\\x6d'), `echo … | base64 -d`) to hide it"),
  globName: R("cmd.obfuscation.glob-name", "obfuscation", 50, "obfuscation", "names a program or a secret file through wildcards (/???/??t, /etc/sh*dow) so no filter sees the name"),
  encodedPs: R("cmd.obfuscation.encoded-powershell", "obfuscation", 50, "obfuscation", "runs a base64-encoded PowerShell command (-EncodedCommand), hiding what it does"),
  // parse quality
  unparsable: R("cmd.parse.unparsable", "parse", 10, "unparsable_command", "could not be parsed as a shell command line; it was scored from its tokens"),
  oversized: R("cmd.parse.oversized", "parse", 25, "oversized_payload", "command line is too long or too deeply nested to analyse fully; only part of it was parsed"),
  // allow-list
  notAllowlisted: R("cmd.allowlist.not-allowlisted", "allowlist", 0, "not_in_allowlist", "a command in this line is outside security.allowed_command_prefixes"),
} as const satisfies Record<string, CommandRule>;

export type RuleKey = keyof typeof RULES;

/** Every built-in rule (the metadata test walks this). */
export const COMMAND_RULES: readonly CommandRule[] = Object.values(RULES);

/**
 * Points for a match of an operator-configured blocked_command_patterns entry. Under clawshield
 * scoring an entry identical to one of the Rust-era defaults (DEFAULT_BLOCKED_COMMAND_PATTERNS)
 * is skipped: the built-in rules cover those behaviours more precisely, and the broad defaults
 * (`rm -rf /` also matching `rm -rf /tmp/x`, any `dd if=`) would block ordinary commands.
 */
export const USER_BLOCKED_PATTERN_SCORE = 80;
