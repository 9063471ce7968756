// The operator's view of the store: per stream its checkpoint and how old it is, per processor
// what waits, what is retrying, how old the oldest is, and the dead letters. Used by `status`
// and by /stats and /metrics on every scrape, so the statements are prepared once and read
// index ranges only.
// Limitation: delivery counts walk each lane's rows (an index range, not the whole table); a
// backlog of a million deliveries makes a scrape take some tens of milliseconds.
import type Database from 'better-sqlite3';

export interface StreamStatus {
  stream: string;
  lastKey: number;
  /** The newest event's createdTime as vCenter sent it. */
  lastCreatedTime: string;
  /** When the checkpoint was last written. */
  updatedAt: string;
  /** Since the checkpoint was last written (an idle vCenter also makes this grow). */
  checkpointAgeMs: number;
}

export interface TargetStatus {
  target: string;
  /** Deliveries not done yet. */
  deliveries: number;
  /** Of those, the ones that failed at least once. */
  retrying: number;
  /** How long ago the lane's oldest event was taken in. */
  oldestAgeMs?: number;
  /** ISO time of the lane's earliest next attempt. */
  nextAttemptAt?: string;
}

export interface ProcessorStatus {
  processor: string;
  /** False for a processor that only has dead letters left (removed from the configuration). */
  configured: boolean;
  /** Events taken in that this processor has not routed yet. */
  notRouted: number;
  deliveries: number;
  retrying: number;
  oldestAgeMs?: number;
  deadLetters: number;
  targets: TargetStatus[];
}

export interface StoreStatus {
  bufferedEvents: number;
  streams: StreamStatus[];
  processors: ProcessorStatus[];
}

interface LaneRow {
  deliveries: number;
  retrying: number | null;
  oldestSeq: number | null;
  nextAttemptMs: number | null;
}

export class StoreStatusQueries {
  private readonly checkpoints: Database.Statement;
  private readonly processors: Database.Statement;
  private readonly notRouted: Database.Statement;
  private readonly targets: Database.Statement;
  private readonly lane: Database.Statement;
  private readonly takenInMs: Database.Statement;
  private readonly deadLetters: Database.Statement;
  private readonly countEvents: Database.Statement;

  constructor(db: Database.Database) {
    this.checkpoints = db.prepare(
      `SELECT stream, last_key AS lastKey, last_created_time AS lastCreatedTime,
         updated_at AS updatedAt FROM checkpoints ORDER BY stream`,
    );
    this.processors = db.prepare(
      `SELECT processor, cursor_seq AS cursorSeq FROM processor_cursors
       UNION ALL SELECT DISTINCT processor, NULL FROM dead_letters
         WHERE processor NOT IN (SELECT processor FROM processor_cursors)
       ORDER BY processor`,
    );
    this.notRouted = db.prepare('SELECT count(*) FROM events WHERE seq > ?').pluck();
    this.targets = db
      .prepare('SELECT target FROM targets WHERE processor = ? ORDER BY target')
      .pluck();
    this.lane = db.prepare(
      `SELECT count(*) AS deliveries, sum(attempts > 0) AS retrying, min(seq) AS oldestSeq,
         min(next_attempt_ms) AS nextAttemptMs
       FROM deliveries WHERE processor = ? AND target = ?`,
    );
    this.takenInMs = db.prepare('SELECT taken_in_ms FROM events WHERE seq = ?').pluck();
    this.deadLetters = db.prepare('SELECT count(*) FROM dead_letters WHERE processor = ?').pluck();
    this.countEvents = db.prepare('SELECT count(*) FROM events').pluck();
  }

  /** `bufferedEvents`: the router passes its kept count; commands leave it to a COUNT(*). */
  read(nowMs: number, bufferedEvents?: number): StoreStatus {
    const streams = (this.checkpoints.all() as Omit<StreamStatus, 'checkpointAgeMs'>[]).map(
      (row) => ({ ...row, checkpointAgeMs: nowMs - Date.parse(row.updatedAt) }),
    );
    const rows = this.processors.all() as { processor: string; cursorSeq: number | null }[];
    return {
      bufferedEvents: bufferedEvents ?? (this.countEvents.get() as number),
      streams,
      processors: rows.map((row) => this.processorStatus(row.processor, row.cursorSeq, nowMs)),
    };
  }

  private processorStatus(
    processor: string,
    cursorSeq: number | null,
    nowMs: number,
  ): ProcessorStatus {
    const targets = (this.targets.all(processor) as string[])
      .map((target) => this.targetStatus(processor, target, nowMs))
      .filter((target) => target.deliveries > 0);
    const ages = targets.flatMap((t) => (t.oldestAgeMs === undefined ? [] : [t.oldestAgeMs]));
    return {
      processor,
      configured: cursorSeq !== null,
      notRouted: cursorSeq === null ? 0 : (this.notRouted.get(cursorSeq) as number),
      deliveries: targets.reduce((sum, t) => sum + t.deliveries, 0),
      retrying: targets.reduce((sum, t) => sum + t.retrying, 0),
      oldestAgeMs: ages.length > 0 ? Math.max(...ages) : undefined,
      deadLetters: this.deadLetters.get(processor) as number,
      targets,
    };
  }

  private targetStatus(processor: string, target: string, nowMs: number): TargetStatus {
    const lane = this.lane.get(processor, target) as LaneRow;
    const takenInMs =
      lane.oldestSeq === null ? undefined : (this.takenInMs.get(lane.oldestSeq) as number);
    return {
      target,
      deliveries: lane.deliveries,
      retrying: lane.retrying ?? 0,
      oldestAgeMs: takenInMs === undefined ? undefined : nowMs - takenInMs,
      nextAttemptAt:
        lane.nextAttemptMs === null ? undefined : new Date(lane.nextAttemptMs).toISOString(),
    };
  }
}
