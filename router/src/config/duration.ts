// Durations as the original (Go) router wrote them: "500ms", "5s", "1m30s", "24h", "1.5h".
// A bare number, native or in a string, counts seconds, the way old files wrote timeouts.

const msPerUnit: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3, // U+00B5 micro sign, as Go accepts
  μs: 1e-3, // U+03BC Greek mu, as Go accepts
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
};

/** A Go duration: number-unit pairs, or a lone "0". No sign: ours are never negative. */
export const goDurationPattern = '^(0|(([0-9]+(\\.[0-9]*)?|\\.[0-9]+)(ns|us|µs|μs|ms|s|m|h))+)$';

/** Seconds written as a number in a string: "30", "0.5". */
export const secondsPattern = '^([0-9]+(\\.[0-9]*)?|\\.[0-9]+)$';

const goDuration = new RegExp(goDurationPattern);
const seconds = new RegExp(secondsPattern);
const durationPart = /([0-9]+(?:\.[0-9]*)?|\.[0-9]+)(ns|us|µs|μs|ms|s|m|h)/g;

/**
 * Milliseconds for a Go duration string or a number of seconds (native or as a string),
 * rounded to whole milliseconds; undefined when `value` is neither.
 */
export function parseDurationMs(value: unknown): number | undefined {
  if (typeof value === 'number') {
    return Number.isFinite(value) && value >= 0 ? Math.round(value * 1_000) : undefined;
  }
  if (typeof value !== 'string') return undefined;
  if (seconds.test(value)) return Math.round(Number(value) * 1_000);
  if (!goDuration.test(value)) return undefined;
  let totalMs = 0;
  for (const [, amount, unit] of value.matchAll(durationPart)) {
    totalMs += Number(amount) * msPerUnit[unit];
  }
  return Math.round(totalMs);
}

/** The shortest exact Go form of `ms`, for messages: 100ms, 15s, 5m, 24h, 90s. */
export function formatDurationMs(ms: number): string {
  if (ms === 0) return '0s';
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1_000 === 0) return `${ms / 1_000}s`;
  return `${ms}ms`;
}
