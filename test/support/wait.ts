// Waiting for something a test has set in motion: poll, and give up after a bound that only
// keeps a broken test from hanging (it is not a timing assertion).
import { setTimeout as sleep } from 'node:timers/promises';

export async function waitFor(
  condition: () => boolean,
  what: string,
  boundMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + boundMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await sleep(25);
  }
}
