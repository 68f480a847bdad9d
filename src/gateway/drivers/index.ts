// The driver registry: picks the driver for a channel id or alias; unknown channels use the
// generic driver (with their own channel id kept).

import { normalizeChannel } from "../../engine/session-key.ts";
import { discordDriver } from "./discord.ts";
import { genericDriver } from "./generic.ts";
import { googlechatDriver } from "./googlechat.ts";
import { imessageDriver } from "./imessage.ts";
import { ircDriver } from "./irc.ts";
import { matrixDriver } from "./matrix.ts";
import { msteamsDriver } from "./msteams.ts";
import { signalDriver } from "./signal.ts";
import { slackDriver } from "./slack.ts";
import { telegramDriver } from "./telegram.ts";
import type { ChannelDriver, DriverInput, NormalizedMessage } from "./types.ts";
import { whatsappDriver } from "./whatsapp.ts";

export type { Attachment, ChannelCapabilities, ChannelDriver, DriverInput, NormalizedMessage } from "./types.ts";

export const DRIVERS: readonly ChannelDriver[] = [
  discordDriver,
  telegramDriver,
  slackDriver,
  whatsappDriver,
  signalDriver,
  imessageDriver,
  googlechatDriver,
  msteamsDriver,
  matrixDriver,
  ircDriver,
  genericDriver,
];

const BY_ID = new Map<string, ChannelDriver>();
for (const d of DRIVERS) {
  BY_ID.set(d.id, d);
  for (const a of d.aliases) BY_ID.set(a, d);
}

/** The driver for a channel id or alias (generic when unknown). */
export function driverFor(channel: string | undefined): ChannelDriver {
  const c = normalizeChannel(channel);
  return (c && BY_ID.get(c)) || genericDriver;
}

/** Normalizes one inbound message with the channel's driver; unknown channels keep their id. */
export function normalizeMessage(channel: string | undefined, input: DriverInput): NormalizedMessage {
  const c = normalizeChannel(channel) ?? "unknown";
  const d = driverFor(c);
  const m = d.normalize(input);
  return d === genericDriver ? { ...m, channel: c } : m;
}
