// [virustotal] — VirusTotal reputation lookups (issue: host integrity and VirusTotal). Keys of the Rust [security] table (virustotal_api_key, virustotal_timeout_ms) stay there.
import type { SectionSpec } from "../fields.ts";

export const virustotalSection: SectionSpec = {};

export interface VirustotalConfig {}
