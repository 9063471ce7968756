// Exponential backoff with jitter, for reconnecting to vCenter and for retrying a page the
// store could not take. Jitter spreads reconnects of many routers after a vCenter restart.

export interface BackoffPolicy {
  initialMs: number;
  maxMs: number;
}

/** The wait before attempt `failures + 1`: doubling from initialMs, capped, 50-100% of it. */
export function backoffDelayMs(
  policy: BackoffPolicy,
  failures: number,
  random = Math.random,
): number {
  const exponent = Math.min(Math.max(failures - 1, 0), 30);
  const ceiling = Math.min(policy.maxMs, policy.initialMs * 2 ** exponent);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
