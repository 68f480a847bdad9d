// Prometheus metrics (prom-client) behind the Telemetry interface every component reports to.
// Metrics are created on first use: counters as clawshield_<name>_total, histograms and gauges as
// clawshield_<name>. Label names are fixed by the first use of a metric; later calls with other
// label keys fill missing ones with "" and drop unknown ones (prom-client would throw). Label values
// are attacker-influenced (channel names), so each metric holds at most `maxSeriesPerMetric`
// label combinations; beyond that new combinations are folded into the value "_other".

import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { Telemetry } from "../defender/types.ts";

export const METRIC_PREFIX = "clawshield_";

/** Latency buckets (seconds) for histograms: 50 µs .. 10 s. */
export const LATENCY_BUCKETS: readonly number[] = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export interface MetricsOptions {
  /** Register Node's default process metrics (RSS, heap, event loop lag, GC); default true. */
  readonly defaultMetrics?: boolean;
  readonly maxSeriesPerMetric?: number;
  /** Histogram buckets per metric name (without prefix); default LATENCY_BUCKETS. */
  readonly buckets?: Readonly<Record<string, readonly number[]>>;
}

export interface Metrics extends Telemetry {
  readonly registry: Registry;
  /** The Prometheus text exposition. */
  render(): Promise<string>;
  readonly contentType: string;
  /** Registers a callback run before each scrape (e.g. copy Sidecar.status() into gauges). */
  onCollect(fn: () => void): void;
}

type Labels = Readonly<Record<string, string>>;

interface Entry<M> {
  readonly metric: M;
  readonly labelNames: readonly string[];
  readonly series: Set<string>;
}

/** Prometheus metric names allow [a-zA-Z_:][a-zA-Z0-9_:]*; anything else becomes "_". */
export function sanitizeMetricName(name: string): string {
  const s = name.replace(/[^a-zA-Z0-9_:]/g, "_");
  return /^[a-zA-Z_:]/.test(s) ? s : `_${s}`;
}

function sanitizeLabelName(name: string): string {
  const s = name.replace(/[^a-zA-Z0-9_]/g, "_");
  const t = /^[a-zA-Z_]/.test(s) ? s : `_${s}`;
  return t.startsWith("__") ? `l${t}` : t;
}

export function createMetrics(opts: MetricsOptions = {}): Metrics {
  const registry = new Registry();
  if (opts.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  const maxSeries = opts.maxSeriesPerMetric ?? 500;
  const counters = new Map<string, Entry<Counter>>();
  const histograms = new Map<string, Entry<Histogram>>();
  const gauges = new Map<string, Entry<Gauge>>();
  const collectors: (() => void)[] = [];
  // A name used as two metric types would collide in the registry; the second type gets a suffix.
  const taken = new Map<string, string>();

  const fullName = (kind: string, name: string): string => {
    const base = sanitizeMetricName(`${METRIC_PREFIX}${name}`);
    const n = kind === "counter" ? `${base}_total` : base;
    const owner = taken.get(n);
    if (owner === undefined) {
      taken.set(n, kind);
      return n;
    }
    return owner === kind ? n : `${n}_${kind}`;
  };

  const sanitizedNames = new Map<string, string>();
  const labelsFor = (entry: Entry<unknown>, labels: Labels | undefined): Record<string, string> => {
    const out: Record<string, string> = {};
    for (const ln of entry.labelNames) out[ln] = "";
    if (labels) {
      for (const k in labels) {
        let ln = sanitizedNames.get(k);
        if (ln === undefined) {
          ln = sanitizeLabelName(k);
          if (sanitizedNames.size < 1024) sanitizedNames.set(k, ln);
        }
        if (ln in out) {
          const v = String(labels[k]);
          out[ln] = v.length > 128 ? v.slice(0, 128) : v;
        }
      }
    }
    if (entry.labelNames.length === 0) return out;
    const key = entry.labelNames.map((l) => out[l]).join("\u0000");
    if (!entry.series.has(key)) {
      if (entry.series.size >= maxSeries) {
        for (const ln of entry.labelNames) out[ln] = "_other";
        entry.series.add(entry.labelNames.map(() => "_other").join("\u0000"));
        return out;
      }
      entry.series.add(key);
    }
    return out;
  };

  const names = (labels: Labels | undefined): string[] => Object.keys(labels ?? {}).map(sanitizeLabelName).sort();

  function counter(name: string, labels: Labels | undefined): Entry<Counter> {
    let e = counters.get(name);
    if (!e) {
      const labelNames = names(labels);
      const metric = new Counter({ name: fullName("counter", name), help: `ClawShield ${name.replace(/_/g, " ")} (count)`, labelNames, registers: [registry] });
      e = { metric, labelNames, series: new Set() };
      counters.set(name, e);
    }
    return e;
  }
  function histogram(name: string, labels: Labels | undefined): Entry<Histogram> {
    let e = histograms.get(name);
    if (!e) {
      const labelNames = names(labels);
      const metric = new Histogram({ name: fullName("histogram", name), help: `ClawShield ${name.replace(/_/g, " ")}`, labelNames, buckets: [...(opts.buckets?.[name] ?? LATENCY_BUCKETS)], registers: [registry] });
      e = { metric, labelNames, series: new Set() };
      histograms.set(name, e);
    }
    return e;
  }
  function gauge(name: string, labels: Labels | undefined): Entry<Gauge> {
    let e = gauges.get(name);
    if (!e) {
      const labelNames = names(labels);
      const metric = new Gauge({ name: fullName("gauge", name), help: `ClawShield ${name.replace(/_/g, " ")}`, labelNames, registers: [registry] });
      e = { metric, labelNames, series: new Set() };
      gauges.set(name, e);
    }
    return e;
  }

  return {
    registry,
    contentType: registry.contentType,
    count(name, labels, by = 1) {
      if (!Number.isFinite(by) || by < 0) return;
      const e = counter(name, labels);
      e.metric.inc(labelsFor(e, labels), by);
    },
    observe(name, value, labels) {
      if (!Number.isFinite(value)) return;
      const e = histogram(name, labels);
      e.metric.observe(labelsFor(e, labels), value);
    },
    gauge(name, value, labels) {
      if (!Number.isFinite(value)) return;
      const e = gauge(name, labels);
      e.metric.set(labelsFor(e, labels), value);
    },
    onCollect(fn) {
      collectors.push(fn);
    },
    async render() {
      for (const fn of collectors) {
        try {
          fn();
        } catch {
          // A failing collector must not break the scrape.
        }
      }
      return registry.metrics();
    },
  };
}
