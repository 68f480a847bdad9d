// Behaviours that stay inside inline interpreter code (python -c, node -e, perl -e, ruby -e,
// php -r, PowerShell -Command): fetching code and evaluating it, decoding hidden text and running
// it, deleting a whole tree under the home folder or the root. Shell strings such code hands to
// system()/subprocess are walked as commands of their own (walk.ts); these checks cover what
// never becomes a shell command.

import type { CommandRule } from "./rules.ts";
import { RULES } from "./rules.ts";
import type { Cmd } from "./walk.ts";

export type HitFn = (rule: CommandRule, cmd?: Cmd, note?: string, score?: number) => void;

/** An HTTP/FTP client call or a download API. */
const FETCH = /urlopen|urllib\.request|urlretrieve|requests\.(?:get|post|request)|httpx\.|http\.client|\bfetch\s*\(|\bhttps?\.(?:get|request)\s*\(|require\(\s*["']https?["']\s*\)|\baxios\b|LWP::|\bget\s*\(\s*["'](?:https?|ftp):|HTTP::Tiny|open-uri|URI\.open|Net::HTTP|file_get_contents\s*\(\s*["'](?:https?|ftp):|curl_exec|Invoke-WebRequest|Invoke-RestMethod|\biwr\b|\birm\b|DownloadString|DownloadData|WebClient|wget\.download|(?:data|string)WithContentsOfURL|NSURLSession/i;
/** Evaluating a string as code. */
const EVALUATE = /\b(?:exec|eval)\b|new\s+Function\b|runIn(?:This|New)Context|\bvm\.run|instance_eval|module_eval|class_eval|Invoke-Expression|\biex\b|pickle\.loads?\b|marshal\.loads\b|\[(?:System\.)?Reflection\.Assembly\]::Load/i;
/** Decoding base64/hex/compressed/reversed text. */
const DECODE = /b64decode|base64\.(?:decode|b64|standard_b64|urlsafe_b64)|\batob\s*\(|Buffer\.from\([^)]*["'](?:base64|hex)["']|\.decode\(\s*["'](?:hex|base64|rot13|rot_13)["']|fromhex|unhexlify|codecs\.decode|zlib\.decompress|gzip\.decompress|MIME::Base64|decode_base64|FromBase64String|base64_decode|gzinflate|gzuncompress|str_rot13|unpack\(\s*["']m|pack\(\s*["']H|\[::-1\]|\.reverse\(\)\.join/i;
/** Running a string: as code or as a program. */
const RUN = /\b(?:exec|eval|system|popen|spawn|execSync|spawnSync|execFile|execFileSync|passthru|shell_exec|proc_open)\b|subprocess|os\.system|child_process|Invoke-Expression|\biex\b|Start-Process/i;
/** Writing a file (binary or text) from code. */
const SAVE = /open\s*\([^)]*["'][wa]b?\+?["']|writeFileSync|createWriteStream|file_put_contents|File\.(?:write|binwrite|open\([^)]*["']w)|IO\.(?:write|binwrite)|urlretrieve|wget\.download|-OutFile|DownloadFile|copyfileobj/i;
/** Recursive delete APIs. */
const DELETE_TREE = /shutil\.rmtree|\brmtree\b|\brmSync\b|\brmdirSync\b|\bfs\.(?:promises\.)?rm\s*\(|FileUtils\.(?:rm_rf|rm_r|remove_dir|remove_entry)|File::Path|remove_tree|Remove-Item\b[^\n]*-Recurse|\bdeltree\b/i;
/** A home-folder or root (or system folder) path expressed in code. */
const TREE_ROOT = /expanduser\(\s*["']~\/?["']\s*\)|homedir\(\)|Path\.home\(\)|ENV\[["']HOME["']\]|\$ENV\{HOME\}|getenv\(\s*["']HOME["']\s*\)|environ\[["']HOME["']\]|\$HOME\b|\$env:USERPROFILE|["'](?:~|\/|[A-Z]:\\\\?|\/(?:home|root|etc|usr|var|bin|boot|lib|opt|Users)\/?)["']/;

/** Reaching the host process from sandboxed JavaScript (node:vm, QuickJS bridges). */
const SANDBOX_ESCAPE = /\bconstructor\s*\.\s*constructor\s*\(\s*["'`]\s*return\s+(?:process|this|globalThis)\b|\bprocess\s*\.\s*binding\s*\(|\bprocess\s*\.\s*mainModule\b|\bprocess\s*\.\s*dlopen\s*\(/;

/** Code-level findings for one command with inline code (`c.code`). */
export function codeRules(c: Cmd, code: string, hit: HitFn): void {
  if (FETCH.test(code)) {
    if (EVALUATE.test(code)) hit(RULES.codeFetchEval, c);
    // A dropper in one line: download, save to a file, run a program (`open(p,'wb').write(urlopen(u).read()); os.system('sh p')`).
    else if (SAVE.test(code) && RUN.test(code)) hit(RULES.downloadThenRun, c, "inside interpreter code");
  }
  if (DECODE.test(code) && RUN.test(code)) hit(RULES.decodeExec, c, "decoded inside interpreter code");
  if (DELETE_TREE.test(code) && TREE_ROOT.test(code)) hit(RULES.rmRoot, c, "in interpreter code");
  if (c.name === "node" && SANDBOX_ESCAPE.test(code)) hit(RULES.sandboxEscape, c);
  if (c.name === "osascript") appleScriptRules(c, code, hit);
}

/** A fake password dialog: a text field whose answer is hidden (AppleScript, or JXA's hiddenAnswer). */
const PASSWORD_DIALOG = /\bdisplay\s+dialog\b[^\n]{0,400}?\bhidden\s+answer\b|\bdisplayDialog\s*\([^\n]{0,400}?\bhiddenAnswer\s*:\s*true/i;
/** A login item added through System Events: it starts at every login. */
const LOGIN_ITEM = /\bmake\s+(?:new\s+)?login\s+item\b|\bloginItems\.push\b/i;

/** osascript's own behaviours (the shell strings it runs are walked as commands, walk.ts). */
function appleScriptRules(c: Cmd, code: string, hit: HitFn): void {
  if (PASSWORD_DIALOG.test(code)) hit(RULES.passwordPrompt, c);
  if (LOGIN_ITEM.test(code)) hit(RULES.persistWrite, c, "adds a login item (runs at every login)");
}
