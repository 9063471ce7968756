// The store as the router wires it: one better-sqlite3 connection to <data-dir>/router.db
// shared by the stream side (take in), the dispatchers (routing, deliveries, dead letters) and
// the operator views. better-sqlite3 is synchronous, so every statement runs to completion on
// the event loop and no two transactions of this process ever interleave.
import fs from 'node:fs';
import type Database from 'better-sqlite3';
import { BufferedEvents } from './buffered-events';
import { openDatabase, databaseFile } from './database';
import { DeadLetters } from './dead-letters';
import { Deliveries } from './deliveries';
import { acquireDataDirLock, type DataDirLock } from './lock';
import { Routing } from './routing';
import { StoreStatusQueries, type StoreStatus } from './status';
import { TakeIn } from './take-in';
import type { Checkpoint, IncomingEvent, StreamStore, TakeInResult } from './types';

/** Used when the caller does not say per stream (the config's default is the same). */
export const defaultMaxReplayAgeMs = 24 * 60 * 60 * 1000;

export interface OpenStoreOptions {
  dataDir: string;
  /** `router` (default) takes the data directory's lock, creates and migrates the database.
   * `command` opens an existing database of the current schema without the lock. */
  mode?: 'router' | 'command';
  maxReplayAgeMs?: (stream: string) => number;
  now?: () => number;
}

export class RouterStore implements StreamStore {
  readonly file: string;
  readonly events: BufferedEvents;
  readonly routing: Routing;
  readonly deliveries: Deliveries;
  readonly deadLetters: DeadLetters;
  readonly now: () => number;
  private readonly takeInPart: TakeIn;
  private readonly statusQueries: StoreStatusQueries;
  private readonly dataVersion: Database.Statement;
  private lastDataVersion: number;
  private generation = 0;
  private closed = false;

  private constructor(
    readonly db: Database.Database,
    private readonly lock: DataDirLock | undefined,
    options: OpenStoreOptions,
  ) {
    this.file = databaseFile(options.dataDir);
    this.now = options.now ?? Date.now;
    this.events = new BufferedEvents(db);
    this.deadLetters = new DeadLetters(db, this.events);
    this.routing = new Routing(db, this.events, this.deadLetters);
    this.deliveries = new Deliveries(db, this.events, this.deadLetters);
    this.takeInPart = new TakeIn(db, this.events, {
      maxReplayAgeMs: options.maxReplayAgeMs ?? (() => defaultMaxReplayAgeMs),
      now: this.now,
    });
    this.statusQueries = new StoreStatusQueries(db);
    this.dataVersion = db.prepare('PRAGMA data_version').pluck();
    this.lastDataVersion = this.dataVersion.get() as number;
  }

  /** Opens the store; throws a StoreOperatorError (DatabaseUnusableError, DatabaseLockedError)
   * an operator can act on. */
  static open(options: OpenStoreOptions): RouterStore {
    const mode = options.mode ?? 'router';
    const lock = mode === 'router' ? lockDataDir(options.dataDir) : undefined;
    try {
      const db = openDatabase({ dataDir: options.dataDir, mode });
      return new RouterStore(db, lock, options);
    } catch (error) {
      lock?.release();
      throw error;
    }
  }

  readCheckpoint(stream: string): Checkpoint | undefined {
    return this.takeInPart.readCheckpoint(stream);
  }

  takeIn(stream: string, events: IncomingEvent[]): TakeInResult {
    return this.takeInPart.takeIn(stream, events);
  }

  bufferedEventCount(): number {
    return this.events.count();
  }

  /** For /stats, /metrics and `status`; cheap enough for every scrape. */
  status(): StoreStatus {
    return this.statusQueries.read(this.now(), this.lock ? this.events.count() : undefined);
  }

  /**
   * A number that changes when another process (a `dead-letters replay`) has committed to the
   * database since the last call; dispatchers compare it to look at their lanes again.
   */
  externalWriteGeneration(): number {
    const version = this.dataVersion.get() as number;
    if (version !== this.lastDataVersion) {
      this.lastDataVersion = version;
      this.generation++;
      this.events.recount();
    }
    return this.generation;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
    this.lock?.release();
  }
}

function lockDataDir(dataDir: string): DataDirLock {
  // The lock file lives in the data directory; openDatabase makes it private afterwards.
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  return acquireDataDirLock(dataDir, 'router');
}
