// Memory sampler: RSS and heap every runtime.memory_sample_secs into gauges
// (clawshield_memory_rss_bytes, clawshield_memory_heap_used_bytes, clawshield_memory_heap_total_bytes,
// clawshield_memory_external_bytes) and a debug log line. Portable (process.memoryUsage), unlike the
// Rust sampler that read /proc on Linux only. The timer is unref'd: it never keeps the process alive.

import { noTelemetry, silentLogger, type Logger, type Telemetry } from "../defender/types.ts";

export interface MemorySample {
  readonly rss: number;
  readonly heapUsed: number;
  readonly heapTotal: number;
  readonly external: number;
}

export interface MemorySampler {
  /** Takes one sample now (also reported). */
  sample(): MemorySample;
  stop(): void;
}

export function startMemorySampler(opts: { intervalSecs: number; telemetry?: Telemetry; logger?: Logger; read?: () => MemorySample }): MemorySampler {
  const telemetry = opts.telemetry ?? noTelemetry;
  const logger = opts.logger ?? silentLogger;
  const read = opts.read ?? ((): MemorySample => {
    const m = process.memoryUsage();
    return { rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external };
  });
  const sample = (): MemorySample => {
    const s = read();
    telemetry.gauge("memory_rss_bytes", s.rss);
    telemetry.gauge("memory_heap_used_bytes", s.heapUsed);
    telemetry.gauge("memory_heap_total_bytes", s.heapTotal);
    telemetry.gauge("memory_external_bytes", s.external);
    logger.debug({ rssKib: Math.round(s.rss / 1024), heapUsedKib: Math.round(s.heapUsed / 1024), heapTotalKib: Math.round(s.heapTotal / 1024) }, "memory sample");
    return s;
  };
  const safe = (): void => {
    try {
      sample();
    } catch (e) {
      logger.warn({ err: e }, "memory sample failed");
    }
  };
  safe();
  const timer = setInterval(safe, Math.max(1, opts.intervalSecs) * 1000);
  timer.unref();
  return { sample, stop: () => clearInterval(timer) };
}
