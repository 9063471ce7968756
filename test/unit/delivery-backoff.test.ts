// Backoff and the decision after an attempt: pure functions, no store.
import assert from 'node:assert/strict';
import { formatElapsedMs, retryDelayMs } from '../../router/src/delivery/backoff';
import { decideUpdate } from '../../router/src/delivery/outcome';

const retry = { initialBackoffMs: 1_000, maxBackoffMs: 60_000, maxRetryAgeMs: 3_600_000 };

describe('delivery: backoff', () => {
  it('doubles from initialBackoffMs, jittered within the upper half of each step', () => {
    assert.equal(
      retryDelayMs(1, retry, () => 0),
      500,
    );
    assert.equal(
      retryDelayMs(1, retry, () => 1),
      1_000,
    );
    assert.equal(
      retryDelayMs(2, retry, () => 1),
      2_000,
    );
    assert.equal(
      retryDelayMs(3, retry, () => 0.5),
      3_000,
    );
  });

  it('never waits longer than maxBackoffMs, however many attempts', () => {
    for (const attempts of [7, 10, 50, 1_000, Number.MAX_SAFE_INTEGER]) {
      const delay = retryDelayMs(attempts, retry, () => 1);
      assert.equal(delay, 60_000, `after ${attempts} attempts`);
      assert.ok(retryDelayMs(attempts, retry, () => 0) >= 30_000);
    }
  });

  it('says durations the way an operator reads them', () => {
    assert.equal(formatElapsedMs(250), '250ms');
    assert.equal(formatElapsedMs(5_000), '5s');
    assert.equal(formatElapsedMs(185_000), '3m 5s');
    assert.equal(formatElapsedMs(86_400_000 + 7_200_000), '1d 2h');
  });
});

describe('delivery: outcome of an attempt', () => {
  const fresh = { seq: 7, attempts: 0, firstAttemptMs: null };

  it('schedules a retry with the attempt counted and the reason kept', () => {
    const update = decideUpdate(
      {
        delivery: fresh,
        result: { outcome: 'retry', reason: '429 Too Many Requests' },
        startedMs: 1_000,
      },
      retry,
      1_100,
      () => 1,
    );
    assert.deepEqual(update, {
      outcome: 'retry',
      seq: 7,
      attempts: 1,
      firstAttemptMs: 1_000,
      nextAttemptMs: 2_100,
      lastError: '429 Too Many Requests',
    });
  });

  it('gives up once maxRetryAgeMs has passed since the first attempt', () => {
    const old = { seq: 7, attempts: 12, firstAttemptMs: 0 };
    const update = decideUpdate(
      { delivery: old, result: { outcome: 'retry', reason: 'ETIMEDOUT' }, startedMs: 3_599_000 },
      retry,
      3_600_000,
    );
    assert.deepEqual(update, {
      outcome: 'dead',
      seq: 7,
      attempts: 13,
      firstAttemptMs: 0,
      reason: 'gave up after 1h and 13 attempts: ETIMEDOUT',
    });
  });

  it('keeps retrying just before the limit', () => {
    const old = { seq: 7, attempts: 12, firstAttemptMs: 0 };
    const update = decideUpdate(
      { delivery: old, result: { outcome: 'retry', reason: 'ETIMEDOUT' }, startedMs: 3_500_000 },
      retry,
      3_599_999,
    );
    assert.equal(update.outcome, 'retry');
  });

  it('makes a dead result a dead letter at once, with its reason', () => {
    const update = decideUpdate(
      {
        delivery: fresh,
        result: { outcome: 'dead', reason: '404 function not found' },
        startedMs: 5,
      },
      retry,
      6,
    );
    assert.deepEqual(update, {
      outcome: 'dead',
      seq: 7,
      attempts: 1,
      firstAttemptMs: 5,
      reason: '404 function not found',
    });
  });
});
