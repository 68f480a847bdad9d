// Raw Gateway frames → Actions, for offline use (CLI eval/replay). A frame is recognised by its
// `type` (event/req/res); its payload (or params) is read as an Action JSON with the Gateway's
// field names. The sidecar's channel drivers build richer actions on top of this.

import { parseAction } from "../engine/action.ts";
import type { Action } from "../engine/types.ts";

/** True for objects shaped like a Gateway protocol frame. */
export function isGatewayFrame(v: unknown): v is { type: string; event?: string; method?: string; payload?: unknown; params?: unknown } {
  if (typeof v !== "object" || v === null) return false;
  const t = (v as { type?: unknown }).type;
  return (t === "event" || t === "req" || t === "res" || t === "resp") && ("payload" in v || "params" in v);
}

const first = (o: Record<string, unknown>, ...keys: string[]): unknown => {
  for (const k of keys) if (o[k] !== undefined && o[k] !== null) return o[k];
  return undefined;
};

/** Converts a frame's payload into an Action (throws CS_INPUT_INVALID when fields have bad types). */
export function actionFromFrame(frame: { type: string; event?: string; method?: string; payload?: unknown; params?: unknown }): Action {
  const root = (frame.payload ?? frame.params ?? {}) as Record<string, unknown>;
  const r = typeof root === "object" && root !== null && !Array.isArray(root) ? root : {};
  const req = (typeof r.request === "object" && r.request !== null ? r.request : {}) as Record<string, unknown>;
  const data = (typeof r.data === "object" && r.data !== null ? r.data : {}) as Record<string, unknown>;
  const source = frame.event ?? frame.method ?? "gateway";
  const input: Record<string, unknown> = {
    id: first(r, "id", "requestId", "request_id", "runId", "actionId", "action_id"),
    text: first(r, "text", "prompt", "message", "input", "content", "body"),
    command: first(r, "command", "shell", "bash", "exec") ?? first(req, "command"),
    url: first(r, "url", "artifact_url", "artifactUrl"),
    file: first(r, "file", "file_path", "filePath", "artifact_path", "artifactPath"),
    tool: first(r, "tool", "tool_name", "toolName") ?? first(data, "name") ?? first(req, "toolName"),
    params: first(r, "params", "args", "arguments") ?? first(data, "args"),
    channel: first(r, "channel", "channel_name", "channelName", "platform", "provider") ?? first(req, "turnSourceChannel"),
    sessionKey: first(r, "sessionKey", "session_key", "sessionId", "session_id") ?? first(req, "sessionKey"),
    chatType: first(r, "chatType", "chat_type"),
    sender: first(r, "sender", "senderId", "from"),
    wasMentioned: first(r, "wasMentioned", "WasMentioned", "mentioned"),
    source,
  };
  if (typeof input.text === "object") input.text = JSON.stringify(input.text);
  if (Array.isArray(input.params)) input.params = { args: input.params };
  const a = parseAction(input);
  return { ...a, raw: frame.payload ?? frame.params };
}
