// What becomes of one delivery after an attempt: the processor's result turned into the store
// update. Retries are bounded by time (maxRetryAgeMs since the first attempt), not by count,
// because that is what an operator promises ("we retry for a day").
import type { RetryOptions } from '../config/types';
import type { DeliveryResult } from '../processors/processor';
import type { DeliveryUpdate, PendingDelivery } from '../store/deliveries';
import { formatElapsedMs, retryDelayMs } from './backoff';

export interface Attempt {
  delivery: Pick<PendingDelivery, 'seq' | 'attempts' | 'firstAttemptMs'>;
  result: DeliveryResult;
  /** When this attempt started. */
  startedMs: number;
}

export function decideUpdate(
  attempt: Attempt,
  retry: RetryOptions,
  nowMs: number,
  random: () => number = Math.random,
): DeliveryUpdate {
  const { delivery, result } = attempt;
  const seq = delivery.seq;
  if (result.outcome === 'done') return { outcome: 'done', seq };

  const attempts = delivery.attempts + 1;
  const firstAttemptMs = delivery.firstAttemptMs ?? attempt.startedMs;
  if (result.outcome === 'dead') {
    return { outcome: 'dead', seq, attempts, firstAttemptMs, reason: result.reason };
  }
  const triedForMs = nowMs - firstAttemptMs;
  if (triedForMs >= retry.maxRetryAgeMs) {
    const reason =
      `gave up after ${formatElapsedMs(triedForMs)} and ${attempts} attempts: ` + result.reason;
    return { outcome: 'dead', seq, attempts, firstAttemptMs, reason };
  }
  const nextAttemptMs = nowMs + retryDelayMs(attempts, retry, random);
  return {
    outcome: 'retry',
    seq,
    attempts,
    firstAttemptMs,
    nextAttemptMs,
    lastError: result.reason,
  };
}
