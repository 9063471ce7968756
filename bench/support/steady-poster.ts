// Posts events into vcsim at a fixed rate, in small bursts on a fixed schedule (ticks counted
// from the start, so a slow burst is caught up by the next ones instead of lowering the rate).
import { setTimeout as sleep } from 'node:timers/promises';

import type { Vcsim } from '../../test/support/vcsim';

const tickMs = 50;

export interface PostedRange {
  posted: number;
  firstKey: number;
  lastKey: number;
}

/** Posts `ratePerSec` events a second until `done()` says stop; `seed` varies the mix. */
export async function postAtRate(
  vcsim: Vcsim,
  ratePerSec: number,
  done: () => boolean,
  seed = 7,
): Promise<PostedRange> {
  const startMs = Date.now();
  let posted = 0;
  let firstKey: number | undefined;
  let lastKey = 0;
  let tick = 0;
  while (!done()) {
    tick++;
    const due = Math.floor((ratePerSec * tick * tickMs) / 1000) - posted;
    if (due > 0) {
      const burst = await vcsim.burst(due, seed + tick);
      firstKey ??= burst.firstKey;
      lastKey = burst.lastKey;
      posted += due;
    }
    const waitMs = startMs + tick * tickMs - Date.now();
    if (waitMs > 0) await sleep(waitMs);
  }
  if (firstKey === undefined) throw new Error('postAtRate: stopped before posting anything');
  return { posted, firstKey, lastKey };
}

/** Polls until the condition holds; returns the time it did (ms epoch). */
export async function waitUntil(
  condition: () => boolean,
  what: string,
  timeoutMs: number,
  pollMs = 20,
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what} (${timeoutMs} ms)`);
    await sleep(pollMs);
  }
  return Date.now();
}
