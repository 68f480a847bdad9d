// Host integrity monitor (FactProvider). See monitor.ts.
export { createIntegrityMonitor, protectedTargets, baselinePathOf, isExecLike, type IntegrityMonitor, type IntegrityDeps, type DriftItem, type DriftKind, type DriftReport, type BaselineSummary, type Baseline, type ProtectedTarget } from "./monitor.ts";
export { resolveOpenClawPaths, type OpenClawPaths } from "./openclaw-paths.ts";
