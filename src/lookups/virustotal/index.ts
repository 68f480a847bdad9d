// VirusTotal reputation lookups (FactProvider). See provider.ts.
export { createVirusTotalProvider, virusTotalStatus, vtCachePath, type VirusTotalDeps, type VirusTotalProvider, type VtLookupResult } from "./provider.ts";
export { canonicalizeUrl, vtUrlId, RateLimiter, type VtAnswer, type VtStats } from "./client.ts";
export { createMemoryVtCache, createSqliteVtCache, type VtCache } from "./cache.ts";
export { hashFileSafely } from "./files.ts";
