// Dead letters: deliveries that will not be retried, each with its reason and its own copy of
// the event. Replay turns one back into a delivery: the event goes back into the events table
// under its original seq (every processor's cursor has passed that seq, so nobody routes it
// again) and the target gets it again in its original place in the order.
import type Database from 'better-sqlite3';
import type { BufferedEvents } from './buffered-events';

export interface DeadLetter {
  id: number;
  processor: string;
  target: string;
  stream: string;
  eventId: string;
  subject: string;
  reason: string;
  attempts: number;
  /** ISO time of the first attempt; absent when it was never attempted. */
  firstAttemptAt?: string;
  deadAt: string;
  cloudEvent: unknown;
}

export interface DeadLetterFilter {
  processor?: string;
  id?: number;
}

export interface ReplayResult {
  replayed: number;
  /** Dead letters of processors that are not configured (not registered in the store). */
  skipped: { processor: string; count: number }[];
}

interface DeadLetterRow {
  id: number;
  processor: string;
  target: string;
  seq: number;
  stream: string;
  key: number;
  createdTime: string;
  eventId: string;
  subject: string;
  cloudEventJson: string;
  reason: string;
  attempts: number;
  firstAttemptMs: number | null;
  deadAt: string;
}

const columns = `id, processor, target, seq, stream, key, created_time AS createdTime,
  event_id AS eventId, subject, cloud_event AS cloudEventJson, reason, attempts,
  first_attempt_ms AS firstAttemptMs, dead_at AS deadAt`;
const filter = '(:processor IS NULL OR processor = :processor) AND (:id IS NULL OR id = :id)';

export class DeadLetters {
  private readonly fromDelivery: Database.Statement;
  private readonly allOfProcessor: Database.Statement;
  private readonly deleteDeliveries: Database.Statement;
  private readonly page: Database.Statement;
  private readonly purgeStatement: Database.Statement;
  private readonly countStatement: Database.Statement;
  private readonly isRegistered: Database.Statement;
  private readonly restoreEvent: Database.Statement;
  private readonly insertDelivery: Database.Statement;
  private readonly insertTarget: Database.Statement;
  private readonly deleteOne: Database.Statement;

  constructor(
    private readonly db: Database.Database,
    private readonly events: BufferedEvents,
  ) {
    const copy = `INSERT INTO dead_letters (processor, target, seq, stream, key, created_time,
        event_id, subject, cloud_event, reason, attempts, first_attempt_ms, dead_at)
      SELECT d.processor, d.target, d.seq, e.stream, e.key, e.created_time,
        coalesce(json_extract(e.cloud_event, '$.id'), ''),
        coalesce(json_extract(e.cloud_event, '$.subject'), ''), e.cloud_event,
        :reason, :attempts, :firstAttemptMs, :deadAt
      FROM deliveries d JOIN events e ON e.seq = d.seq`;
    this.fromDelivery = db.prepare(
      `${copy} WHERE d.processor = :processor AND d.target = :target AND d.seq = :seq`,
    );
    this.allOfProcessor = db.prepare(
      copy
        .replace(':attempts', 'd.attempts')
        .replace(':firstAttemptMs', 'd.first_attempt_ms')
        .replace(
          ':reason',
          "CASE WHEN d.last_error IS NULL THEN :reason ELSE :reason || ' (last error: ' || " +
            "d.last_error || ')' END",
        ) + ' WHERE d.processor = :processor',
    );
    this.deleteDeliveries = db.prepare('DELETE FROM deliveries WHERE processor = ?');
    this.page = db.prepare(
      `SELECT ${columns} FROM dead_letters WHERE ${filter} AND id > :after ORDER BY id LIMIT 200`,
    );
    this.purgeStatement = db.prepare(`DELETE FROM dead_letters WHERE ${filter}`);
    this.countStatement = db
      .prepare('SELECT count(*) FROM dead_letters WHERE processor = ?')
      .pluck();
    this.isRegistered = db.prepare('SELECT 1 FROM processor_cursors WHERE processor = ?').pluck();
    this.restoreEvent = db.prepare(
      `INSERT OR IGNORE INTO events (seq, stream, key, created_time, cloud_event, taken_in_ms)
       VALUES (?, ?, ?, ?, ?, ?)`,
    );
    this.insertDelivery = db.prepare(
      `INSERT OR IGNORE INTO deliveries (processor, target, seq, next_attempt_ms)
       VALUES (?, ?, ?, ?)`,
    );
    this.insertTarget = db.prepare(
      'INSERT OR IGNORE INTO targets (processor, target) VALUES (?, ?)',
    );
    this.deleteOne = db.prepare('DELETE FROM dead_letters WHERE id = ?');
  }

  /** Copies one delivery (and its event) into dead_letters; inside the caller's transaction,
   * which also deletes the delivery. */
  add(
    delivery: { processor: string; target: string; seq: number },
    reason: string,
    attempts: number,
    firstAttemptMs: number | null,
    nowMs: number,
  ): void {
    const copied = this.fromDelivery.run({
      ...delivery,
      reason,
      attempts,
      firstAttemptMs,
      deadAt: new Date(nowMs).toISOString(),
    }).changes;
    // The foreign key keeps a delivery's event in place; should it be missing anyway, fail the
    // transaction rather than delete a delivery that left no dead letter behind.
    if (copied !== 1) {
      throw new Error(
        `processor ${delivery.processor}: delivery of event ${delivery.seq} to ` +
          `${delivery.target} has no stored event to keep as a dead letter`,
      );
    }
  }

  /** Every open delivery of a processor becomes a dead letter; inside the caller's
   * transaction. The events they held are released by the caller's sweep. */
  deadLetterAll(processor: string, reason: string, nowMs: number): void {
    this.allOfProcessor.run({ processor, reason, deadAt: new Date(nowMs).toISOString() });
    this.deleteDeliveries.run(processor);
  }

  /** Dead letters, oldest first, read a page at a time. */
  *list(which: DeadLetterFilter = {}): Generator<DeadLetter> {
    let after = 0;
    for (;;) {
      const rows = this.readPage(which, after);
      if (rows.length === 0) return;
      for (const row of rows) yield toDeadLetter(row);
      after = rows[rows.length - 1].id;
    }
  }

  count(processor: string): number {
    return this.countStatement.get(processor) as number;
  }

  /** Turns dead letters back into deliveries, due now, with a fresh attempt count. */
  replay(which: DeadLetterFilter, nowMs: number): ReplayResult {
    const skipped = new Map<string, number>();
    let replayed = 0;
    let after = 0;
    for (;;) {
      const rows = this.readPage(which, after);
      if (rows.length === 0) break;
      let inserted = 0;
      this.db.transaction(() => {
        for (const row of rows) {
          if (this.isRegistered.get(row.processor) === undefined) {
            skipped.set(row.processor, (skipped.get(row.processor) ?? 0) + 1);
            continue;
          }
          inserted += this.restoreEvent.run(
            row.seq,
            row.stream,
            row.key,
            row.createdTime,
            row.cloudEventJson,
            nowMs,
          ).changes;
          this.insertDelivery.run(row.processor, row.target, row.seq, nowMs);
          this.insertTarget.run(row.processor, row.target);
          this.deleteOne.run(row.id);
          replayed++;
        }
      })();
      this.events.committed(inserted, 0);
      after = rows[rows.length - 1].id;
    }
    const skippedList = [...skipped].map(([processor, count]) => ({ processor, count }));
    return { replayed, skipped: skippedList };
  }

  /** Deletes dead letters for good; returns how many. */
  purge(which: DeadLetterFilter): number {
    return this.purgeStatement.run(params(which)).changes;
  }

  private readPage(which: DeadLetterFilter, after: number): DeadLetterRow[] {
    return this.page.all({ ...params(which), after }) as DeadLetterRow[];
  }
}

function params(which: DeadLetterFilter): { processor: string | null; id: number | null } {
  return { processor: which.processor ?? null, id: which.id ?? null };
}

function toDeadLetter(row: DeadLetterRow): DeadLetter {
  return {
    id: row.id,
    processor: row.processor,
    target: row.target,
    stream: row.stream,
    eventId: row.eventId,
    subject: row.subject,
    reason: row.reason,
    attempts: row.attempts,
    firstAttemptAt:
      row.firstAttemptMs === null ? undefined : new Date(row.firstAttemptMs).toISOString(),
    deadAt: row.deadAt,
    cloudEvent: JSON.parse(row.cloudEventJson),
  };
}
