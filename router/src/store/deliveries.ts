// Deliveries: per processor and target (a lane), the events not yet done, in seq order, with
// their attempts, next attempt time and last error. The dispatcher decides what becomes of
// each attempt (delivery/); this module only reads lanes a page at a time and writes those
// decisions, each batch in one transaction.
import type Database from 'better-sqlite3';
import type { BufferedEvents } from './buffered-events';
import type { DeadLetters } from './dead-letters';

export interface PendingDelivery {
  seq: number;
  stream: string;
  cloudEventJson: string;
  attempts: number;
  firstAttemptMs: number | null;
  nextAttemptMs: number;
  lastError: string | null;
}

/** What the dispatcher decided for one delivery after an attempt. */
export type DeliveryUpdate =
  | { outcome: 'done'; seq: number }
  | {
      outcome: 'retry';
      seq: number;
      attempts: number;
      firstAttemptMs: number;
      nextAttemptMs: number;
      lastError: string;
    }
  | { outcome: 'dead'; seq: number; attempts: number; firstAttemptMs: number; reason: string };

const pendingColumns = `d.seq, e.stream, e.cloud_event AS cloudEventJson, d.attempts,
  d.first_attempt_ms AS firstAttemptMs, d.next_attempt_ms AS nextAttemptMs,
  d.last_error AS lastError`;

export class Deliveries {
  private readonly selectTargets: Database.Statement;
  private readonly selectHead: Database.Statement;
  private readonly selectDue: Database.Statement;
  private readonly selectNextAttempt: Database.Statement;
  private readonly deleteDelivery: Database.Statement;
  private readonly updateRetry: Database.Statement;
  private readonly forgetEmptyTargets: Database.Statement;

  constructor(
    private readonly db: Database.Database,
    private readonly events: BufferedEvents,
    private readonly deadLetters: DeadLetters,
  ) {
    this.selectTargets = db
      .prepare('SELECT target FROM targets WHERE processor = ? ORDER BY target')
      .pluck();
    this.selectHead = db.prepare(
      `SELECT ${pendingColumns} FROM deliveries d JOIN events e ON e.seq = d.seq
       WHERE d.processor = ? AND d.target = ? ORDER BY d.seq LIMIT ?`,
    );
    // Limitation: walks the lane in seq order past deliveries waiting for a later retry, so
    // with concurrency > 1 and a long-failing target the cost grows with its backlog.
    this.selectDue = db.prepare(
      `SELECT ${pendingColumns} FROM deliveries d JOIN events e ON e.seq = d.seq
       WHERE d.processor = ? AND d.target = ? AND d.next_attempt_ms <= ?
       ORDER BY d.seq LIMIT ?`,
    );
    this.selectNextAttempt = db
      .prepare(
        `SELECT min(next_attempt_ms) FROM deliveries
         WHERE processor = ? AND target = ? AND next_attempt_ms > ?`,
      )
      .pluck();
    this.deleteDelivery = db.prepare(
      'DELETE FROM deliveries WHERE processor = ? AND target = ? AND seq = ?',
    );
    this.updateRetry = db.prepare(
      `UPDATE deliveries SET attempts = ?, first_attempt_ms = ?, next_attempt_ms = ?,
         last_error = ?
       WHERE processor = ? AND target = ? AND seq = ?`,
    );
    this.forgetEmptyTargets = db.prepare(
      `DELETE FROM targets WHERE processor = ? AND NOT EXISTS (SELECT 1 FROM deliveries d
         WHERE d.processor = targets.processor AND d.target = targets.target)`,
    );
  }

  /** Targets this processor has routed to and that may have deliveries. */
  targets(processor: string): string[] {
    return this.selectTargets.all(processor) as string[];
  }

  /** Drops targets without deliveries (functions unsubscribed long ago); at start. */
  forgetIdleTargets(processor: string): void {
    this.forgetEmptyTargets.run(processor);
  }

  /** The first `limit` deliveries of a lane in order, due or not. */
  head(processor: string, target: string, limit: number): PendingDelivery[] {
    return this.selectHead.all(processor, target, limit) as PendingDelivery[];
  }

  /** The first `limit` deliveries of a lane that are due at `nowMs`, in order. */
  due(processor: string, target: string, nowMs: number, limit: number): PendingDelivery[] {
    return this.selectDue.all(processor, target, nowMs, limit) as PendingDelivery[];
  }

  /** The lane's earliest next attempt after `nowMs`; undefined when none is scheduled later
   * (everything left is due now, or the lane is empty). */
  nextAttemptAfter(processor: string, target: string, nowMs: number): number | undefined {
    const ms = this.selectNextAttempt.get(processor, target, nowMs) as number | null;
    return ms ?? undefined;
  }

  /** Writes one batch's decisions in one transaction and releases events nobody needs. */
  apply(processor: string, target: string, updates: DeliveryUpdate[], nowMs: number): void {
    let released = 0;
    this.db.transaction(() => {
      const finished: number[] = [];
      for (const update of updates) {
        if (update.outcome === 'retry') {
          const { attempts, firstAttemptMs, nextAttemptMs, lastError, seq } = update;
          this.updateRetry.run(
            attempts,
            firstAttemptMs,
            nextAttemptMs,
            lastError,
            processor,
            target,
            seq,
          );
          continue;
        }
        if (update.outcome === 'dead') {
          const delivery = { processor, target, seq: update.seq };
          this.deadLetters.add(
            delivery,
            update.reason,
            update.attempts,
            update.firstAttemptMs,
            nowMs,
          );
        }
        this.deleteDelivery.run(processor, target, update.seq);
        finished.push(update.seq);
      }
      released = this.events.releaseFinished(finished);
    })();
    this.events.committed(0, released);
  }
}
