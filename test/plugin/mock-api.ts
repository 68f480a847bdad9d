// A mock OpenClaw plugin api: records api.on registrations and calls handlers with the event/ctx
// shapes verified on a real Gateway 2026.9.6 (openclaw-protocol.md §4.3/§4.4).

import type { AnyHookHandler, HookOptions, OpenClawPluginApiLike } from "../../src/plugin/types.ts";

export interface Registration {
  readonly hook: string;
  readonly handler: AnyHookHandler;
  readonly opts?: HookOptions;
}

export interface MockApi extends OpenClawPluginApiLike {
  readonly registrations: Registration[];
  readonly logs: { level: string; message: string }[];
  call(hook: string, event: unknown, ctx?: unknown): Promise<unknown>;
  callSync(hook: string, event: unknown, ctx?: unknown): unknown;
}

export function mockApi(pluginConfig?: Record<string, unknown>, registrationMode = "full"): MockApi {
  const registrations: Registration[] = [];
  const logs: { level: string; message: string }[] = [];
  const handlers = (hook: string): Registration[] => registrations.filter((r) => r.hook === hook);
  return {
    id: "clawshield",
    registrationMode,
    ...(pluginConfig ? { pluginConfig } : {}),
    logger: {
      debug: (m) => logs.push({ level: "debug", message: m }),
      info: (m) => logs.push({ level: "info", message: m }),
      warn: (m) => logs.push({ level: "warn", message: m }),
      error: (m) => logs.push({ level: "error", message: m }),
    },
    registrations,
    logs,
    on(hook, handler, opts) {
      registrations.push({ hook, handler, ...(opts ? { opts } : {}) });
    },
    async call(hook, event, ctx) {
      let last: unknown;
      for (const r of handlers(hook)) last = await r.handler(event, ctx);
      return last;
    },
    callSync(hook, event, ctx) {
      let last: unknown;
      for (const r of handlers(hook)) last = r.handler(event, ctx);
      return last;
    },
  };
}

let seq = 0;
/** before_tool_call event + ctx as a webchat run delivers them. */
export function toolCall(toolName: string, params: Record<string, unknown>, sessionKey = "agent:main:t1"): [unknown, unknown] {
  seq++;
  const runId = `run-${seq}`;
  const toolCallId = `call_${seq}`;
  return [
    { toolName, params, runId, toolCallId },
    {
      toolName,
      agentId: "main",
      sessionKey,
      sessionId: `sess-${seq}`,
      runId,
      toolCallId,
      channelId: sessionKey,
      requester: { channel: "webchat", senderId: "gateway-client", senderIsOwner: true },
    },
  ];
}

/** after_tool_call event + ctx for a tool result with text content. */
export function toolResult(toolName: string, text: string, sessionKey = "agent:main:t1"): [unknown, unknown] {
  seq++;
  return [
    { toolName, params: {}, runId: `run-${seq}`, toolCallId: `call_r${seq}`, result: { content: [{ type: "text", text }], details: { status: "completed" } }, durationMs: 3 },
    { toolName, agentId: "main", sessionKey, sessionId: `sess-${seq}`, runId: `run-${seq}`, toolCallId: `call_r${seq}` },
  ];
}

/** message_received event + ctx for a chat.send message. */
export function inbound(content: string, sessionKey = "agent:main:t1"): [unknown, unknown] {
  seq++;
  return [
    { from: "", content, messageId: `m-${seq}`, senderId: "gateway-client", sessionKey, metadata: { provider: "webchat", surface: "webchat", originatingChannel: "webchat", originatingTo: sessionKey } },
    { channelId: "webchat", conversationId: sessionKey, sessionKey, messageId: `m-${seq}`, senderId: "gateway-client" },
  ];
}
