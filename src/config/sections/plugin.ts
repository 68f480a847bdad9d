// [plugin] — In-process OpenClaw plugin behaviour (taint, hook budget).
import type { SectionSpec } from "../fields.ts";

export const pluginSection: SectionSpec = {};

export interface PluginConfig {}
