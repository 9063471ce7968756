// Splits entries into PutEvents calls: at most 10 entries and 256 KB (the sum of the entry
// sizes as EventBridge counts them) per call, keeping their order.
// https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html
import { maxEntryBytes } from './entry';

export const maxEntriesPerCall = 10;
export const maxCallBytes = maxEntryBytes;

export interface Sized {
  sizeBytes: number;
}

/** Every item must already fit alone (sizeBytes <= maxCallBytes); order is kept. */
export function splitIntoCalls<T extends Sized>(items: T[]): T[][] {
  const calls: T[][] = [];
  let current: T[] = [];
  let currentBytes = 0;
  for (const item of items) {
    const full =
      current.length === maxEntriesPerCall || currentBytes + item.sizeBytes > maxCallBytes;
    if (full && current.length > 0) {
      calls.push(current);
      current = [];
      currentBytes = 0;
    }
    current.push(item);
    currentBytes += item.sizeBytes;
  }
  if (current.length > 0) calls.push(current);
  return calls;
}
