// [integrity] — Host integrity monitor (baseline of protected files, drift policy).
import type { SectionSpec } from "../fields.ts";

export const integritySection: SectionSpec = {};

export interface IntegrityConfig {}
