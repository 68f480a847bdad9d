// One interface for every channel: a driver turns a channel's payload fields and the session key
// into a NormalizedMessage (who said what, where, with which attachments and links).

import type { ChatType, ParsedSessionKey } from "../../engine/session-key.ts";

export interface Attachment {
  readonly kind: string; // image, file, audio, video, link, …
  readonly url?: string;
  readonly name?: string;
  readonly mime?: string;
}

export interface NormalizedMessage {
  /** Canonical channel id (telegram, discord, …; webchat for operator chat.send). */
  readonly channel: string;
  readonly chatType: ChatType;
  readonly sender?: string;
  readonly senderName?: string;
  /** Whether the bot/agent was mentioned; undefined when the payload does not say. */
  readonly mentioned?: boolean;
  readonly accountId?: string;
  /** Peer/group/channel id the message was said in. */
  readonly conversationId?: string;
  readonly threadId?: string;
  readonly topicId?: string;
  readonly messageId?: string;
  readonly text?: string;
  readonly attachments: readonly Attachment[];
  /** Every URL in the text and the attachments, de-duplicated. */
  readonly urls: readonly string[];
  readonly sessionKey?: string;
}

export interface ChannelCapabilities {
  readonly threads: boolean;
  readonly topics: boolean;
  readonly reactions: boolean;
  readonly edits: boolean;
  readonly media: boolean;
  readonly mentions: boolean;
}

/** What a driver reads: the session key (parsed) and a flattened view of the payload. */
export interface DriverInput {
  readonly sessionKey?: string;
  readonly key: ParsedSessionKey;
  /** Text of the message (already flattened from content parts). */
  readonly text?: string;
  /**
   * Field sources in priority order (payload, message, message.__openclaw, metadata, session row,
   * deliveryContext, origin). `pick` searches them for the first non-empty value.
   */
  readonly sources: readonly Readonly<Record<string, unknown>>[];
}

export interface ChannelDriver {
  readonly id: string;
  readonly aliases: readonly string[];
  readonly capabilities: ChannelCapabilities;
  normalize(input: DriverInput): NormalizedMessage;
}
