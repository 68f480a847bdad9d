// The slice of OpenClaw's plugin API (2026.9.6) the ClawShield plugin uses, typed locally so the
// package does not depend on openclaw at run time. Shapes verified against a real Gateway
// (openclaw-protocol.md §4, openclaw-e2e-recipe.md §7) and node_modules/openclaw/docs/plugins.

export interface PluginLogger {
  debug?: (message: string) => void;
  info: (message: string) => void;
  warn: (message: string) => void;
  error: (message: string) => void;
}

export interface HookOptions {
  readonly priority?: number;
  readonly matcher?: readonly string[];
  readonly timeoutMs?: number;
}

// Handlers are stored untyped by the host; each hook narrows its own event/ctx below.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyHookHandler = (event: any, ctx: any) => unknown;

export interface OpenClawPluginApiLike {
  readonly id?: string;
  readonly pluginConfig?: Record<string, unknown>;
  readonly logger?: PluginLogger;
  readonly registrationMode?: string;
  readonly rootDir?: string;
  on(hookName: string, handler: AnyHookHandler, opts?: HookOptions): void;
  /** Gateway RPC method (used for the hook-liveness contract); absent in some registration modes. */
  registerGatewayMethod?(method: string, handler: (opts: { params?: Record<string, unknown>; respond: (ok: boolean, payload?: unknown) => void }) => void | Promise<void>, opts?: { scope?: string; profileAccess?: "independent" | "required" }): void;
}

export interface Requester {
  readonly channel?: string;
  readonly accountId?: string;
  readonly senderId?: string;
  readonly senderIsOwner?: boolean;
  readonly roleIds?: readonly string[];
}

export interface BeforeToolCallEvent {
  readonly toolName: string;
  readonly params?: Record<string, unknown>;
  readonly toolKind?: string;
  readonly toolInputKind?: string;
  readonly runId?: string;
  readonly toolCallId?: string;
  readonly derivedPaths?: readonly string[];
}

export interface ToolContext {
  readonly toolName?: string;
  readonly agentId?: string;
  readonly sessionKey?: string;
  readonly sessionId?: string;
  readonly runId?: string;
  readonly toolCallId?: string;
  readonly channelId?: string;
  readonly requester?: Requester;
  readonly abortSignal?: AbortSignal;
}

export type ApprovalDecisionName = "allow-once" | "allow-always" | "deny";

export interface RequireApproval {
  title: string;
  description: string;
  severity?: "info" | "warning" | "critical";
  timeoutMs?: number;
  allowedDecisions?: ApprovalDecisionName[];
  onResolution?: (decision: ApprovalDecisionName | "timeout" | "cancelled") => void | Promise<void>;
}

export interface BeforeToolCallResult {
  block?: boolean;
  blockReason?: string;
  requireApproval?: RequireApproval;
}

export interface AfterToolCallEvent {
  readonly toolName: string;
  readonly params?: Record<string, unknown>;
  readonly runId?: string;
  readonly toolCallId?: string;
  readonly result?: unknown;
  readonly error?: string;
  readonly durationMs?: number;
}

export interface ToolResultPersistEvent {
  readonly toolName?: string;
  readonly toolCallId?: string;
  readonly message?: unknown;
  readonly isSynthetic?: boolean;
}

export interface ToolResultPersistContext {
  readonly agentId?: string;
  readonly sessionKey?: string;
  readonly toolName?: string;
  readonly toolCallId?: string;
}

export interface MessageReceivedEvent {
  readonly from?: string;
  readonly content?: string;
  readonly messageId?: string;
  readonly senderId?: string;
  readonly sessionKey?: string;
  readonly runId?: string;
  readonly threadId?: string | number;
  readonly metadata?: Record<string, unknown>;
}

/** OpenClaw's message_sending event: an outgoing reply or message-tool send, before delivery. */
export interface MessageSendingEvent {
  readonly to?: string;
  readonly content?: string;
  readonly replyToId?: string | number;
  readonly threadId?: string | number;
  /** Carries `channel`, `accountId` and the reply's `mediaUrls` (local paths or URLs). */
  readonly metadata?: Record<string, unknown>;
}

/** What message_sending may return: new content, or a terminal cancel. */
export interface MessageSendingResult {
  content?: string;
  cancel?: boolean;
  cancelReason?: string;
}

export interface MessageContext {
  readonly channelId?: string;
  readonly conversationId?: string;
  readonly sessionKey?: string;
  readonly messageId?: string;
  readonly senderId?: string;
  readonly runId?: string;
  readonly accountId?: string;
}

/** What the plugin module default-exports (the shape `definePluginEntry` returns). */
export interface PluginEntry {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  register(api: OpenClawPluginApiLike): void;
}
