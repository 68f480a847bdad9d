// sd_notify without a native addon: systemd's own `systemd-notify` tool sends READY=1 and the
// watchdog pings (the unit sets NotifyAccess=all so a child may notify). A no-op outside systemd.

import { execFile } from "node:child_process";

export interface SdNotifier {
  readonly active: boolean;
  ready(): void;
  watchdog(): void;
  stopping(): void;
}

/** Returns a notifier; inactive unless NOTIFY_SOCKET is set (i.e. running under Type=notify). */
export function createSdNotifier(env: Readonly<Record<string, string | undefined>> = process.env): SdNotifier {
  if (!env.NOTIFY_SOCKET) return { active: false, ready() {}, watchdog() {}, stopping() {} };
  const send = (...args: string[]): void => {
    execFile("systemd-notify", [`--pid=${process.pid}`, ...args], { timeout: 5000 }, () => undefined);
  };
  return {
    active: true,
    ready: () => send("--ready", "STATUS=ClawShield running"),
    watchdog: () => send("WATCHDOG=1"),
    stopping: () => send("STOPPING=1"),
  };
}

/** Watchdog interval: half of WATCHDOG_USEC, or undefined when systemd set no watchdog. */
export function watchdogIntervalMs(env: Readonly<Record<string, string | undefined>> = process.env): number | undefined {
  const usec = Number(env.WATCHDOG_USEC);
  return Number.isFinite(usec) && usec > 0 ? Math.max(1000, Math.floor(usec / 2000)) : undefined;
}
