// When a failed delivery is tried again: exponential backoff from initialBackoffMs, capped at
// maxBackoffMs, with "equal jitter" (a random point in the upper half of the step), so many
// deliveries failing together do not all come back at the same moment, and the wait still
// grows with every attempt.
import type { RetryOptions } from '../config/types';

/** The wait after the `attempts`-th failed attempt (1 for the first), never above the cap. */
export function retryDelayMs(
  attempts: number,
  retry: Pick<RetryOptions, 'initialBackoffMs' | 'maxBackoffMs'>,
  random: () => number = Math.random,
): number {
  // 2 ** 40 already exceeds any sensible cap; stop doubling there to stay finite.
  const exponent = Math.min(Math.max(attempts - 1, 0), 40);
  const step = Math.min(retry.maxBackoffMs, retry.initialBackoffMs * 2 ** exponent);
  return Math.round(step / 2 + (random() * step) / 2);
}

/** `1h 2m`, `3m 4s`, `5s`, `250ms`: for "gave up after …" reasons. */
export function formatElapsedMs(ms: number): string {
  if (ms < 1_000) return `${Math.round(ms)}ms`;
  const seconds = Math.floor(ms / 1_000);
  const units: [number, string][] = [
    [Math.floor(seconds / 86_400), 'd'],
    [Math.floor(seconds / 3_600) % 24, 'h'],
    [Math.floor(seconds / 60) % 60, 'm'],
    [seconds % 60, 's'],
  ];
  const first = units.findIndex(([value]) => value > 0);
  return units
    .slice(first, first + 2)
    .filter(([value]) => value > 0)
    .map(([value, unit]) => `${value}${unit}`)
    .join(' ');
}
