// Hashes a file named by an (untrusted) action for a VirusTotal lookup, safely: only regular files
// inside the configured roots (after resolving symlinks), opened non-blocking so a FIFO cannot
// hang us, checked with fstat on the opened descriptor (no stat/open race), size-capped and
// streamed, never read whole into memory.

import { createHash } from "node:crypto";
import { constants } from "node:fs";
import { open, realpath } from "node:fs/promises";
import path from "node:path";

export type HashResult =
  | { readonly status: "ok"; readonly sha256: string; readonly size: number; readonly realPath: string }
  | { readonly status: "missing" }
  | { readonly status: "directory" }
  | { readonly status: "refused"; readonly reason: "outside_roots" | "not_regular" | "too_large" | "unreadable"; readonly detail: string };

/** Resolves `p` (relative to the first root) and hashes it under the rules above. Never throws. */
export async function hashFileSafely(p: string, roots: readonly string[], maxBytes: number, signal: AbortSignal): Promise<HashResult> {
  const abs = path.resolve(roots[0] ?? process.cwd(), p);
  let real: string;
  try {
    real = await realpath(abs);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return { status: "missing" };
    return { status: "refused", reason: "unreadable", detail: `${code ?? "error"} resolving the path` };
  }
  const realRoots = await Promise.all(roots.map((r) => realpath(r).catch(() => path.resolve(r))));
  if (!realRoots.some((r) => real === r || real.startsWith(r.endsWith(path.sep) ? r : r + path.sep))) {
    return { status: "refused", reason: "outside_roots", detail: "the path is outside virustotal.file_roots" };
  }
  let fh;
  try {
    fh = await open(real, constants.O_RDONLY | constants.O_NONBLOCK | (constants.O_NOFOLLOW ?? 0));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return { status: "missing" };
    if (code === "EISDIR") return { status: "directory" };
    return { status: "refused", reason: "unreadable", detail: `${code ?? "error"} opening the file` };
  }
  try {
    const st = await fh.stat();
    if (st.isDirectory()) return { status: "directory" };
    if (!st.isFile()) {
      const kind = st.isFIFO() ? "a FIFO" : st.isCharacterDevice() ? "a character device" : st.isBlockDevice() ? "a block device" : st.isSocket() ? "a socket" : "not a regular file";
      return { status: "refused", reason: "not_regular", detail: `the path is ${kind}` };
    }
    if (st.size > maxBytes) return { status: "refused", reason: "too_large", detail: `${st.size} bytes exceeds virustotal.file_max_bytes (${maxBytes})` };
    const h = createHash("sha256");
    let total = 0;
    const buf = Buffer.allocUnsafe(1 << 16);
    for (;;) {
      if (signal.aborted) return { status: "refused", reason: "unreadable", detail: "the evaluation deadline passed while hashing" };
      const { bytesRead } = await fh.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      total += bytesRead;
      if (total > maxBytes) return { status: "refused", reason: "too_large", detail: `the file grew past virustotal.file_max_bytes (${maxBytes}) while hashing` };
      h.update(buf.subarray(0, bytesRead));
    }
    return { status: "ok", sha256: h.digest("hex"), size: total, realPath: real };
  } catch (e) {
    return { status: "refused", reason: "unreadable", detail: `${(e as NodeJS.ErrnoException).code ?? "error"} reading the file` };
  } finally {
    await fh.close().catch(() => undefined);
  }
}
