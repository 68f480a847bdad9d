// Short units repeated to a given size: shell and prompt syntax, separators, host-like and
// encoded runs, look-alike characters and rule words. A regex that rescans a run from every
// position (`[a-z0-9-]+(?:\.[a-z0-9-]+)*\.com` on `a.a.a…`, `\s*!` on a run of newlines) is
// quadratic on one of these; the scaling suite times every unit in every input kind.

export const REPEATED_UNITS: readonly string[] = [
  // blanks and separators
  " ", "\t", "\n", "\r\n", "\u00a0", "a ", "a\\ ", "\\\n", ";", "|", "||", "&", "&&", ";;", ",", ":", "::", "=", "==", "-", "--",
  // brackets, quotes and shell syntax
  "(", ")", "((", "$((", "[[", "]]", "[a ", "{", "}", "${", "$(", "<(", ">(", "`", "'", "\"", "\\", "'\"", "\\'", "\\\"", "a'b", "a\"b",
  "<", ">", "<<", "<a", "</", "|/", "$a", "$a$b", "\"$(", "a=", "a=b ", "a=$(", "-a ", "--a=", "-e ", "-p ", "-c ", "x -e ", "if ", "fi ",
  "for ", "do ", "done ", "case ", "esac ", "function ", "() {",
  // words, hosts, paths and numbers
  "a", "aa", "aA", "A", "AAAA", "a.", "a-", "a@", "a/", "/", ".", "a,", "a;", "a|", "a:b@c ", "a:1 ", "1.2.3.4 ", "1.2.3.4:", "0", "1.",
  "0x", "http://", "https://a.", "%", "%2", "%69", "&#", "\\x", "\\u", "_", "~", "*", "**", "!", "!a", "?", "#", "##", "@",
  // commands and rule words
  "sh ", "sudo ", "curl ", "wget |", "nc ", "/bin/sh ", "| sh", "echo ", "base64 ", "send ", "ignore ", "IGNORE ", "Ignore", "ignore previous ",
  "i g n o r e ", "1gn0r3 ", "you are ", "system: ", "### ", "<|im_start|>", "<|", "![a](", "](http://", "<img ", "src=",
  // Windows syntax (windows-rules.ts re-tokenizes such lines)
  "C:\\", "%a%", "$env:a ", "powershell -c ", "cmd /c ", "rd /s ",
  // encodings and look-alike characters
  "aWdub3Jl", "ab+/", "==\n", "69676e6f7265", "\u200b", "\u202e", "ａ", "İ", "ß", "ﬁ", "e\u0301", "🙂",
];
