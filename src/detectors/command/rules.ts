// Built-in command-risk rules, as data (ids `cmd.*`, never reused). Fixtures:
// test/fixtures/rules/command.txt.

export interface CommandRule {
  readonly id: string;
  readonly category: string;
  readonly score: number;
  readonly pattern: RegExp;
  readonly message: string;
  readonly tag: string;
}

export const COMMAND_RULES: readonly CommandRule[] = [
  { id: "cmd.pipe-to-shell", category: "download-exec", score: 80, tag: "remote_pipe_exec", pattern: /\b(?:curl|wget|fetch)\b[^|;&\n]*\|\s*(?:sudo\s+)?(?:ba|z|da|k|fi)?sh\b/i, message: "downloads a script and pipes it straight into a shell" },
  { id: "cmd.rm-root-or-home", category: "destructive", score: 80, tag: "destructive_command", pattern: /\brm\s+(?:-[a-z]*r[a-z]*f[a-z]*|-[a-z]*f[a-z]*r[a-z]*|-r\s+-f|-f\s+-r|--recursive\s+--force|--force\s+--recursive)\s+(?:\/|~|\$HOME)(?:\s|\/?\*?$|\/\*)/i, message: "recursively force-deletes the root or home folder" },
  { id: "cmd.reverse-shell.dev-tcp", category: "reverse-shell", score: 90, tag: "reverse_shell", pattern: /\/dev\/(?:tcp|udp)\/[^\s/]+\/\d+/, message: "opens a network socket through /dev/tcp (reverse shell)" },
  { id: "cmd.reverse-shell.nc-exec", category: "reverse-shell", score: 90, tag: "reverse_shell", pattern: /\b(?:nc|ncat|netcat)\b[^|;&\n]*\s-[a-z]*[ec]\s/i, message: "netcat with -e/-c hands a shell to a remote host" },
  { id: "cmd.sudo", category: "privilege-escalation", score: 20, tag: "privilege_escalation", pattern: /(?:^|[;&|(]\s*|\s)(?:sudo|doas|pkexec)\s/, message: "runs a command with elevated privileges" },
];
