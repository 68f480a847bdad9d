// Path detector: paths given to file tools (own examples, not corpus rows).
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { test } from "node:test";
import { loadConfig } from "../../src/config/load.ts";
import { parseAction } from "../../src/engine/action.ts";
import { createEngine } from "../../src/index.ts";
import { accessOf, judgePath, patchPaths, PATH_RULE_LIST, type Access } from "../../src/detectors/path/detect.ts";
import { assertRuleMetadata } from "./rule-metadata.ts";

const rule = (p: string, access: Access): string | undefined => judgePath(p, access)?.id;

test("tools map to an access: OpenClaw's write/edit/apply_patch write, read reads, message sends, others are unknown", () => {
  for (const t of ["write", "edit", "apply_patch", "file_write", "str_replace_editor.create", "fs.delete"]) assert.equal(accessOf(t), "write", t);
  for (const t of ["read", "file_read", "view_file"]) assert.equal(accessOf(t), "read", t);
  for (const t of ["message", "sessions_send", "upload_file"]) assert.equal(accessOf(t), "send", t);
  for (const t of ["browser", "nodes", undefined]) assert.equal(accessOf(t), "unknown", String(t));
});

test("writes: the guard's config blocks, persistence blocks, rc files and system files review", () => {
  for (const p of ["clawshield.toml", "/srv/app/.clawshield/state.db", "/home/u/.openclaw/openclaw.json", "~/.openclaw/exec-approvals.json", "/opt/openclaw-rs.toml"]) assert.equal(rule(p, "write"), "file.evasion.guard-tamper", p);
  for (const p of ["/home/u/.ssh/authorized_keys", "/etc/cron.d/job", "/etc/sudoers.d/90-x", "~/.config/systemd/user/x.service", ".git/hooks/pre-commit", "/etc/ld.so.preload"]) assert.equal(rule(p, "write"), "file.persistence.sensitive-write", p);
  assert.equal(rule("/home/u/.bashrc", "write"), "file.persistence.shell-rc-write");
  assert.equal(rule("/etc/hosts", "write"), "file.persistence.system-file-write");
  for (const p of ["src/app.ts", "notes/todo.md", "/tmp/out.txt", "docs/clawshield.md", "README.bashrc.md"]) assert.equal(rule(p, "write"), undefined, p);
});

test("reads: secrets review whatever the tool; ordinary files and the guard's config are fine to read", () => {
  for (const p of ["/home/u/.ssh/id_ed25519", "~/.aws/credentials", ".env", "/etc/shadow", "/home/u/.openclaw/openclaw.json"]) assert.equal(rule(p, "read"), "file.credential.secret-access", p);
  for (const p of ["src/index.ts", "/home/u/.ssh/id_ed25519.pub", "clawshield.toml", "/etc/hosts"]) assert.equal(rule(p, "read"), undefined, p);
  assert.equal(rule("/home/u/.ssh/authorized_keys", "unknown"), "file.persistence.sensitive-path");
});

test("Windows paths (file tools on Windows hosts) are judged like their Unix twins", () => {
  for (const p of ["C:\\Users\\alice\\AppData\\Roaming\\Microsoft\\Windows\\Start Menu\\Programs\\Startup\\x.bat", "C:\\Users\\alice\\.ssh\\authorized_keys", "C:\\Windows\\System32\\Tasks\\upd"]) assert.equal(rule(p, "write"), "file.persistence.sensitive-write", p);
  for (const p of ["C:\\Windows\\System32\\drivers\\etc\\hosts", "C:\\Program Files\\App\\app.exe"]) assert.equal(rule(p, "write"), "file.persistence.system-file-write", p);
  for (const p of ["C:\\Users\\alice\\.ssh\\id_rsa", "C:\\Users\\alice\\.aws\\credentials", "C:\\Users\\alice\\AppData\\Local\\Google\\Chrome\\User Data\\Default\\Login Data"]) assert.equal(rule(p, "read"), "file.credential.secret-access", p);
  for (const p of ["C:\\Users\\alice\\src\\app\\README.md", "D:\\work\\notes.txt", "C:\\Users\\alice\\Documents\\Windows\\notes.txt"]) assert.equal(rule(p, "write"), undefined, p);
});

test("sends: a credential file or the Gateway's config as an attachment blocks; ordinary files do not", () => {
  for (const p of ["/home/u/.ssh/id_rsa", "~/.aws/credentials", ".env", "~/.openclaw/openclaw.json", "~/.openclaw", "clawshield.toml"]) assert.equal(rule(p, "send"), "file.exfil.secret-send", p);
  for (const p of ["report.pdf", "/tmp/chart.png", "/home/u/.ssh/id_ed25519.pub"]) assert.equal(rule(p, "send"), undefined, p);
  assert.equal(rule("/etc/cron.d/job", "send"), "file.persistence.sensitive-path");
});

test("apply_patch: every added, updated, deleted and moved-to path is judged", () => {
  const input = "*** Begin Patch\n*** Update File: src/a.ts\n@@\n-a\n+b\n*** Update File: src/b.ts\n*** Move to: /home/u/.ssh/authorized_keys\n*** Delete File: old.txt\n*** End Patch";
  assert.deepEqual(patchPaths(input), ["src/a.ts", "src/b.ts", "/home/u/.ssh/authorized_keys", "old.txt"]);
});

test("engine: file tools are decided by the path, exec's cwd is left to the command detector", async () => {
  const engine = await createEngine(loadConfig({ cwd: mkdtempSync(path.join(tmpdir(), "cs-path-")), env: {} }));
  const decide = async (a: unknown) => (await engine.evaluate(parseAction(a))).action;
  assert.equal(await decide({ tool: "write", params: { path: "/home/u/.ssh/authorized_keys", content: "ssh-ed25519 AAAA k" } }), "block");
  assert.equal(await decide({ tool: "edit", params: { file_path: "clawshield.toml", old_string: "65", new_string: "255" } }), "block");
  assert.equal(await decide({ tool: "apply_patch", params: { input: "*** Begin Patch\n*** Add File: /etc/cron.d/x\n+* * * * * root /tmp/b\n*** End Patch" } }), "block");
  assert.equal(await decide({ tool: "read", params: { path: "/home/u/.ssh/id_rsa" } }), "review");
  assert.equal(await decide({ tool: "write", params: { path: "src/app.ts", content: "export const x = 1;\n" } }), "allow");
  assert.equal(await decide({ tool: "read", params: { path: "README.md" } }), "allow");
  assert.equal(await decide({ tool: "exec", params: { command: "ls", cwd: "/etc" } }), "allow");
});

test("metadata: ids namespaced file.*, unique, with messages", () => {
  assertRuleMetadata(PATH_RULE_LIST, /^file\.[a-z-]+\.[a-z-]+$/, 30);
});
