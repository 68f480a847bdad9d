// Opens the session state store chosen by runtime.session_state_path's extension: .db / .sqlite /
// .sqlite3 → node:sqlite (WAL); .json → atomically written JSON. Anything else is an error.

import { ClawShieldError, ErrorCode } from "../../errors.ts";
import { openJsonStateStore } from "./json.ts";
import { openSqliteStateStore } from "./sqlite.ts";
import type { StateStore, StateStoreOptions } from "./types.ts";

export type { DecisionIndexRow, SessionState, StateStore, StateStoreOptions } from "./types.ts";
export { STATE_DEFAULTS } from "./types.ts";

export function stateBackendFor(file: string): "sqlite" | "json" | undefined {
  if (file === ":memory:") return "sqlite";
  const lower = file.toLowerCase();
  if (/\.(?:db|sqlite|sqlite3)$/.test(lower)) return "sqlite";
  if (lower.endsWith(".json")) return "json";
  return undefined;
}

export function openStateStore(file: string, opts: StateStoreOptions = {}): StateStore {
  const backend = stateBackendFor(file);
  if (backend === "sqlite") return openSqliteStateStore(file, opts);
  if (backend === "json") return openJsonStateStore(file, opts);
  throw new ClawShieldError(ErrorCode.STORE_UNAVAILABLE, `runtime.session_state_path ${file} has no known extension. Fix: end it in .db, .sqlite or .sqlite3 (SQLite, WAL) or .json (JSON file).`, { path: file });
}
