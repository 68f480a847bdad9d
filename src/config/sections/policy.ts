// [policy] — Signed policy bundles, tamper-evident logs and self-attestation.
import type { SectionSpec } from "../fields.ts";

export const policySection: SectionSpec = {};

export interface PolicyConfig {}
