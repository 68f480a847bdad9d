// Benchmark inputs: per class, and a realistic mix drawn from ../shared/corpora when present
// (a built-in generated mix otherwise). Inputs are Action JSON objects.

import { readCorpus } from "../lib.ts";

const words = "the agent should summarize the meeting notes and send the final report to the team before friday please check the attached file".split(" ");
function sentence(n: number, seed: number): string {
  let s = "";
  for (let i = 0; i < n; i++) s += `${words[(i * 7 + seed) % words.length]} `;
  return s.trim();
}

export function shortMessages(): Record<string, unknown>[] {
  return Array.from({ length: 200 }, (_, i) => ({ text: `${sentence(8 + (i % 20), i)}?`, channel: "discord" }));
}

export function longDocuments(bytes = 50 * 1024): Record<string, unknown>[] {
  return Array.from({ length: 8 }, (_, i) => {
    let s = "";
    let j = 0;
    while (s.length < bytes) s += `${sentence(14, i + j++)}. `;
    return { toolOutput: s.slice(0, bytes), tool: "web_fetch" };
  });
}

export function toolOutputs(): Record<string, unknown>[] {
  return Array.from({ length: 100 }, (_, i) => ({ toolOutput: `total ${i}\n${Array.from({ length: 20 }, (_, k) => `-rw-r--r-- 1 user user ${1000 + k * i} Nov 24 03:0${k % 10} file-${k}.txt`).join("\n")}`, tool: "exec" }));
}

export function shellCommands(): Record<string, unknown>[] {
  const cmds = ["git status", "ls -la src", "grep -rn TODO src | head -20", "npm test", "find . -name '*.ts' -mtime -1", "cat package.json | jq .version", "docker ps --format '{{.Names}}'", "tar czf backup.tgz ./docs", "curl -s https://api.example.com/v1/items | jq '.items[0]'", "python3 -m http.server 8000"];
  return cmds.map((command) => ({ tool: "exec", command }));
}

export function urls(): Record<string, unknown>[] {
  return ["https://docs.example.com/guide/install", "https://github.com/openclaw/openclaw/issues/1", "http://192.168.0.10:8080/admin", "https://en.wikipedia.org/wiki/Shell_(computing)"].map((url) => ({ url, tool: "web_fetch" }));
}

/** A realistic mix: corpus prompts, commands and URLs in the proportions an agent sees them. */
export function realisticMix(): { inputs: Record<string, unknown>[]; source: string } {
  const prompts = [...readCorpus("prompts/piguard_wildguard.jsonl"), ...readCorpus("prompts/deepset_prompt_injections.jsonl"), ...readCorpus("prompts/piguard_notinject.jsonl")].map((r) => ({ text: r.text }));
  const commands = [...readCorpus("commands/nl2bash.jsonl"), ...readCorpus("commands/tldr_examples.jsonl")].map((r) => ({ tool: "exec", command: r.command }));
  const links = readCorpus("urls/tldr_more_information.jsonl").map((r) => ({ url: r.url }));
  if (prompts.length === 0 || commands.length === 0) {
    return { inputs: [...shortMessages(), ...shellCommands(), ...toolOutputs().slice(0, 20), ...urls()], source: "built-in generated mix" };
  }
  // 50% messages, 40% commands, 10% URLs, deterministic sample.
  const pick = <T>(xs: T[], n: number): T[] => Array.from({ length: n }, (_, i) => xs[(i * 7919) % xs.length]!);
  return { inputs: [...pick(prompts, 2500), ...pick(commands, 2000), ...pick(links, 500)], source: "../shared/corpora (wildguard, deepset, notinject, nl2bash, tldr commands and URLs)" };
}
