// The events table: events taken in and not yet finished by every processor. An event is
// finished when every processor's cursor has passed it and no delivery needs it; dead letters
// keep their own copy, so they never hold an event here.
// Holds one piece of state besides the statements: the number of buffered events, counted once
// at open and kept by the writes that go through here, so the stream side can ask for it after
// every page without a COUNT(*) over a large table.
import type Database from 'better-sqlite3';

export interface StoredEventRow {
  seq: number;
  stream: string;
  cloudEventJson: string;
  takenInMs: number;
}

export class BufferedEvents {
  private buffered: number;
  private readonly insertEvent: Database.Statement;
  private readonly deleteIfFinished: Database.Statement;
  private readonly finishedPage: Database.Statement;
  private readonly countAll: Database.Statement;
  private readonly readAfter: Database.Statement;
  private readonly lastSeqStatement: Database.Statement;

  constructor(private readonly db: Database.Database) {
    this.insertEvent = db.prepare(
      `INSERT INTO events (stream, key, created_time, cloud_event, taken_in_ms)
       VALUES (?, ?, ?, ?, ?)`,
    );
    // With no processor registered at all, nothing will ever take an event up (one added
    // later starts at the newest event), so only deliveries keep it.
    const finished = `seq <= coalesce((SELECT min(cursor_seq) FROM processor_cursors), seq)
       AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.seq = events.seq)`;
    this.deleteIfFinished = db.prepare(`DELETE FROM events WHERE seq = ? AND ${finished}`);
    this.finishedPage = db.prepare(
      `SELECT seq FROM events WHERE seq > ? AND ${finished} ORDER BY seq LIMIT ?`,
    );
    this.countAll = db.prepare('SELECT count(*) FROM events').pluck();
    this.readAfter = db.prepare(
      `SELECT seq, stream, cloud_event AS cloudEventJson, taken_in_ms AS takenInMs
       FROM events WHERE seq > ? ORDER BY seq LIMIT ?`,
    );
    // The last seq ever handed out, even when the table is empty now.
    this.lastSeqStatement = db
      .prepare("SELECT coalesce(max(seq), 0) FROM sqlite_sequence WHERE name = 'events'")
      .pluck();
    this.buffered = this.countAll.get() as number;
  }

  /** Inside the caller's transaction; call committed() after it commits. */
  insert(stream: string, key: number, createdTime: string, json: string, nowMs: number): number {
    const info = this.insertEvent.run(stream, key, createdTime, json, nowMs);
    return Number(info.lastInsertRowid);
  }

  /** Deletes those of `seqs` that are finished; inside the caller's transaction. */
  releaseFinished(seqs: Iterable<number>): number {
    let deleted = 0;
    for (const seq of seqs) deleted += this.deleteIfFinished.run(seq).changes;
    return deleted;
  }

  /** Keeps the count in step once a transaction that inserted or released events committed. */
  committed(inserted: number, deleted: number): void {
    this.buffered += inserted - deleted;
  }

  /** Releases every finished event, a page per transaction (after a processor was removed or
   * added, or at open after a crash). */
  sweep(pageSize = 500): number {
    let total = 0;
    let after = 0;
    for (;;) {
      const seqs = this.finishedPage.all(after, pageSize) as { seq: number }[];
      if (seqs.length === 0) break;
      const deleted = this.db.transaction(() => this.releaseFinished(seqs.map((r) => r.seq)))();
      this.committed(0, deleted);
      total += deleted;
      after = seqs[seqs.length - 1].seq;
    }
    return total;
  }

  /** Events after `seq`, oldest first, at most `limit`. */
  pageAfter(seq: number, limit: number): StoredEventRow[] {
    return this.readAfter.all(seq, limit) as StoredEventRow[];
  }

  lastSeq(): number {
    return this.lastSeqStatement.get() as number;
  }

  count(): number {
    return this.buffered;
  }

  /** Counts again after another process (a dead-letter replay) changed the table. */
  recount(): void {
    this.buffered = this.countAll.get() as number;
  }
}
