// Small statistics for noisy timings: medians across repeated runs and percentiles within one.

export function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Nearest-rank percentile (p from 0 to 100) of unsorted values. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1];
}

export interface LatencyFigures {
  count: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export function latencyFigures(latenciesMs: number[]): LatencyFigures {
  let maxMs = Number.NaN;
  for (const value of latenciesMs) if (!(value <= maxMs)) maxMs = value;
  return {
    count: latenciesMs.length,
    p50Ms: percentile(latenciesMs, 50),
    p99Ms: percentile(latenciesMs, 99),
    maxMs,
  };
}

/** The median of each numeric field across runs (the runs' shapes are the same). */
export function medianOfRuns<T extends object>(runs: T[]): T {
  const result: Record<string, number> = {};
  for (const key of Object.keys(runs[0] ?? {})) {
    result[key] = median(runs.map((run) => (run as Record<string, number>)[key]));
  }
  return result as T;
}

export function round(value: number, digits = 0): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

export const cpuSeconds = (cpu: { user: number; system: number }): number =>
  (cpu.user + cpu.system) / 1e6;
