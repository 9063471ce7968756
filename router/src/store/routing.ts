// Processor cursors and routing: a processor takes events up in seq order, once, and each
// routed event becomes one delivery row per target. The cursor and the delivery rows move in
// one transaction, so after a crash an event is routed again or not at all, never half.
//
// A processor registered while events are already buffered starts at the newest event: it gets
// the events taken in after it was added, not the backlog meant for the processors before it.
// A processor no longer configured is removed: its cursor goes, and its open deliveries become
// dead letters ("no longer configured"), so they neither hold events forever nor get lost.
import type Database from 'better-sqlite3';
import type { BufferedEvents, StoredEventRow } from './buffered-events';
import type { DeadLetters } from './dead-letters';
import { isFullError } from './errors';
import { StoreFullError } from './types';

export interface RoutePageResult {
  /** Events the cursor moved past. */
  routed: number;
  /** Routing stopped at an event route() could not decide yet. */
  waiting: boolean;
  /** A full page was routed: there may be more after it. */
  more: boolean;
  /** Targets that got new deliveries. */
  targets: Set<string>;
}

/** route() of a processor, for one stored event: targets, or undefined to ask again later. */
export type RouteFunction = (event: StoredEventRow) => string[] | undefined;

export class Routing {
  private readonly selectCursor: Database.Statement;
  private readonly selectProcessors: Database.Statement;
  private readonly insertCursor: Database.Statement;
  private readonly deleteCursor: Database.Statement;
  private readonly updateCursor: Database.Statement;
  private readonly insertDelivery: Database.Statement;
  private readonly insertTarget: Database.Statement;

  constructor(
    private readonly db: Database.Database,
    private readonly events: BufferedEvents,
    private readonly deadLetters: DeadLetters,
  ) {
    this.selectCursor = db
      .prepare('SELECT cursor_seq FROM processor_cursors WHERE processor = ?')
      .pluck();
    this.selectProcessors = db.prepare('SELECT processor FROM processor_cursors').pluck();
    this.insertCursor = db.prepare(
      'INSERT INTO processor_cursors (processor, cursor_seq, added_at) VALUES (?, ?, ?)',
    );
    this.deleteCursor = db.prepare('DELETE FROM processor_cursors WHERE processor = ?');
    this.updateCursor = db.prepare(
      'UPDATE processor_cursors SET cursor_seq = ? WHERE processor = ?',
    );
    this.insertDelivery = db.prepare(
      `INSERT OR IGNORE INTO deliveries (processor, target, seq, next_attempt_ms)
       VALUES (?, ?, ?, ?)`,
    );
    this.insertTarget = db.prepare(
      'INSERT OR IGNORE INTO targets (processor, target) VALUES (?, ?)',
    );
  }

  /**
   * Makes the registered processors the configured ones (see the top of this file). Returns
   * the names added and removed.
   */
  syncProcessors(names: string[], nowMs: number): { added: string[]; removed: string[] } {
    const known = new Set(this.selectProcessors.all() as string[]);
    const added = names.filter((name) => !known.has(name));
    const removed = [...known].filter((name) => !names.includes(name));
    this.db.transaction(() => {
      const newest = this.events.lastSeq();
      const addedAt = new Date(nowMs).toISOString();
      for (const name of added) this.insertCursor.run(name, newest, addedAt);
      for (const name of removed) {
        this.deadLetters.deadLetterAll(name, `processor ${name} is no longer configured`, nowMs);
        this.deleteCursor.run(name);
      }
    })();
    if (removed.length > 0 || added.length > 0) this.events.sweep();
    return { added, removed };
  }

  /** Registers one processor if it is not yet (starting at the newest event); leaves the
   * others alone. syncProcessors is what removes processors no longer configured. */
  register(processor: string, nowMs: number): void {
    if (this.cursor(processor) !== undefined) return;
    const addedAt = new Date(nowMs).toISOString();
    this.insertCursor.run(processor, this.events.lastSeq(), addedAt);
  }

  cursor(processor: string): number | undefined {
    return this.selectCursor.get(processor) as number | undefined;
  }

  /**
   * Routes up to `pageSize` events after the processor's cursor, in order, stopping before the
   * first event route() cannot decide yet. Throws StoreFullError when the disk is full.
   */
  routePage(
    processor: string,
    route: RouteFunction,
    pageSize: number,
    nowMs: number,
  ): RoutePageResult {
    const cursor = this.cursor(processor);
    if (cursor === undefined) throw new Error(`processor ${processor} is not registered`);
    const page = this.events.pageAfter(cursor, pageSize);

    const decided: { seq: number; targets: string[] }[] = [];
    let waiting = false;
    for (const event of page) {
      const targets = route(event);
      if (targets === undefined) {
        waiting = true;
        break;
      }
      decided.push({ seq: event.seq, targets: [...new Set(targets)] });
    }
    const result: RoutePageResult = {
      routed: decided.length,
      waiting,
      more: !waiting && page.length === pageSize,
      targets: new Set(decided.flatMap((d) => d.targets)),
    };
    if (decided.length === 0) return result;

    let released = 0;
    try {
      this.db.transaction(() => {
        for (const { seq, targets } of decided) {
          for (const target of targets) this.insertDelivery.run(processor, target, seq, nowMs);
        }
        for (const target of result.targets) this.insertTarget.run(processor, target);
        this.updateCursor.run(decided[decided.length - 1].seq, processor);
        released = this.events.releaseFinished(
          decided.filter((d) => d.targets.length === 0).map((d) => d.seq),
        );
      })();
    } catch (error) {
      if (isFullError(error)) {
        throw new StoreFullError(`processor ${processor}: disk full while routing`, {
          cause: error,
        });
      }
      throw error;
    }
    this.events.committed(0, released);
    return result;
  }
}
