// Take in: a page of vCenter events and the stream's checkpoint, written in one transaction.
// Duplicates are recognised by (key, createdTime) against the pairs kept in taken_in, never by
// comparing keys: vCenter's key is a 32-bit counter that can wrap to negative numbers.
import fs from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import type { BufferedEvents } from './buffered-events';
import { isFullError } from './errors';
import {
  StoreFullError,
  type Checkpoint,
  type IncomingEvent,
  type StreamStore,
  type TakeInResult,
} from './types';

export interface TakeInOptions {
  /** How far back (behind its checkpoint) a stream may re-read; older pairs are pruned. */
  maxReplayAgeMs(stream: string): number;
  now(): number;
}

/**
 * Room a take in leaves on the store's disk: routing inserts deliveries and recording their
 * results writes too (even a delete), and those writes are what frees room again. Were take in
 * allowed to fill the disk to the last byte, a full disk would stay full forever: deliveries
 * sent but never recorded as done, sent again every few seconds. A tenth of the disk, at least
 * 1 MiB and at most 64 MiB.
 */
export function reservedBytes(diskBytes: number): number {
  return Math.min(64 * 1024 * 1024, Math.max(1024 * 1024, Math.floor(diskBytes / 10)));
}

interface CheckpointRow {
  lastKey: number;
  lastCreatedTime: string;
  lastCreatedMs: number;
  updatedAt: string;
}

export class TakeIn implements StreamStore {
  private readonly selectCheckpoint: Database.Statement;
  private readonly upsertCheckpoint: Database.Statement;
  private readonly insertTakenIn: Database.Statement;
  private readonly pruneTakenIn: Database.Statement;

  constructor(
    private readonly db: Database.Database,
    private readonly events: BufferedEvents,
    private readonly options: TakeInOptions,
  ) {
    this.selectCheckpoint = db.prepare(
      `SELECT last_key AS lastKey, last_created_time AS lastCreatedTime,
              last_created_ms AS lastCreatedMs, updated_at AS updatedAt
       FROM checkpoints WHERE stream = ?`,
    );
    this.upsertCheckpoint = db.prepare(
      `INSERT INTO checkpoints (stream, last_key, last_created_time, last_created_ms, updated_at)
       VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (stream) DO UPDATE SET last_key = excluded.last_key,
         last_created_time = excluded.last_created_time,
         last_created_ms = excluded.last_created_ms, updated_at = excluded.updated_at`,
    );
    this.insertTakenIn = db.prepare(
      `INSERT OR IGNORE INTO taken_in (stream, key, created_time, created_ms)
       VALUES (?, ?, ?, ?)`,
    );
    this.pruneTakenIn = db.prepare('DELETE FROM taken_in WHERE stream = ? AND created_ms < ?');
  }

  readCheckpoint(stream: string): Checkpoint | undefined {
    const row = this.selectCheckpoint.get(stream) as CheckpointRow | undefined;
    return row && toCheckpoint(row);
  }

  /** See StreamStore.takeIn. An empty page changes nothing and returns the checkpoint; an
   * empty page before any checkpoint exists is a caller error (there is nothing to return). */
  takeIn(stream: string, events: IncomingEvent[]): TakeInResult {
    const createdMs = events.map((event) => validate(stream, event));
    const current = this.selectCheckpoint.get(stream) as CheckpointRow | undefined;
    if (events.length === 0) {
      if (!current) throw new TypeError(`stream ${stream}: takeIn of an empty page`);
      return { takenIn: 0, duplicates: 0, checkpoint: toCheckpoint(current) };
    }
    // Serialised once: checkRoom sizes the page by it, and it is what gets stored.
    const jsons = events.map((event) => JSON.stringify(event.cloudEvent));
    this.checkRoom(stream, events, jsons);
    const nowMs = this.options.now();
    const newest = newestIndex(createdMs);

    let takenIn = 0;
    let checkpoint = current && toCheckpoint(current);
    const write = this.db.transaction(() => {
      takenIn = 0;
      events.forEach((event, i) => {
        const pair = this.insertTakenIn.run(stream, event.key, event.createdTime, createdMs[i]);
        if (pair.changes === 0) return;
        this.events.insert(stream, event.key, event.createdTime, jsons[i], nowMs);
        takenIn++;
      });
      // A re-read of older events never moves the checkpoint back.
      if (!current || createdMs[newest] >= current.lastCreatedMs) {
        const event = events[newest];
        const updatedAt = new Date(nowMs).toISOString();
        this.upsertCheckpoint.run(
          stream,
          event.key,
          event.createdTime,
          createdMs[newest],
          updatedAt,
        );
        checkpoint = {
          lastKey: event.key,
          lastCreatedTime: event.createdTime,
          updatedAt,
        };
      }
      const resumeMs = Math.max(createdMs[newest], current?.lastCreatedMs ?? -Infinity);
      this.pruneTakenIn.run(stream, resumeMs - this.options.maxReplayAgeMs(stream));
    });

    try {
      write();
    } catch (error) {
      if (isFullError(error)) {
        throw new StoreFullError(
          `stream ${stream}: the disk holding the store is full; ${events.length} events ` +
            `(keys ${events[0].key}..${events[events.length - 1].key}) were not taken in`,
          { cause: error },
        );
      }
      throw error;
    }
    this.events.committed(takenIn, 0);
    return { takenIn, duplicates: events.length - takenIn, checkpoint: checkpoint! };
  }

  bufferedEventCount(): number {
    return this.events.count();
  }

  /** Refuses a page (StoreFullError) that would eat into the reserve; see reservedBytes. */
  private checkRoom(stream: string, events: IncomingEvent[], jsons: string[]): void {
    const disk = this.diskSpace();
    if (disk === undefined) return;
    // Room is what the disk has left once the database file holds every page written so far
    // (page_count counts pages still only in the WAL) and the WAL file has grown to about
    // wal_autocheckpoint pages, the size at which checkpoints let SQLite reuse it. Pages
    // SQLite freed (delivered events) are room too: the file does not shrink.
    const pragma = (name: string) => this.db.pragma(name, { simple: true }) as number;
    const pageSize = pragma('page_size');
    const databaseBytes = fileSize(this.db.name);
    const walBytes = fileSize(`${this.db.name}-wal`);
    const databaseGrowth = Math.max(0, pragma('page_count') * pageSize - databaseBytes);
    const walGrowth = Math.max(0, 1.25 * pragma('wal_autocheckpoint') * pageSize - walBytes);
    const room =
      disk.availableBytes + pragma('freelist_count') * pageSize - databaseGrowth - walGrowth;
    // Stored JSON plus its row and index entries: twice the JSON is a safe guess.
    const wanted = 2 * jsons.reduce((sum, json) => sum + json.length, 0);
    // Each buffered event may still want a delivery row per target, with its index entries,
    // written once through the WAL and once into the file: half a KiB each, on top.
    const reserve = reservedBytes(disk.totalBytes) + this.events.count() * 512;
    if (room >= reserve + wanted) return;
    const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
    throw new StoreFullError(
      `stream ${stream}: the disk holding the store is nearly full (${mib(room)} MiB free, ` +
        `${mib(reserve)} MiB kept for deliveries); ${events.length} events ` +
        `(keys ${events[0].key}..${events[events.length - 1].key}) were not taken in`,
    );
  }

  // Limitation: a reader that keeps a transaction open (a long backup) stops checkpoints, and
  // the WAL then grows past what is kept here; SQLITE_FULL is the last line of defence.
  private diskSpace(): { availableBytes: number; totalBytes: number } | undefined {
    if (this.db.memory) return undefined;
    try {
      const stats = fs.statfsSync(path.dirname(this.db.name));
      return {
        availableBytes: stats.bavail * stats.bsize,
        totalBytes: stats.blocks * stats.bsize,
      };
    } catch {
      return undefined; // no statfs here: SQLITE_FULL is then the only sign
    }
  }
}

function fileSize(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}

/** The page's newest event: the latest createdTime, the last one of the page among equals. */
function newestIndex(createdMs: number[]): number {
  let newest = 0;
  createdMs.forEach((ms, i) => {
    if (ms >= createdMs[newest]) newest = i;
  });
  return newest;
}

function validate(stream: string, event: IncomingEvent): number {
  const where = `stream ${stream}: event key ${String(event?.key)}`;
  if (!Number.isSafeInteger(event?.key)) {
    throw new TypeError(`${where}: key is not an integer`);
  }
  const ms = typeof event.createdTime === 'string' ? Date.parse(event.createdTime) : NaN;
  if (Number.isNaN(ms)) {
    throw new TypeError(
      `${where}: createdTime ${JSON.stringify(event.createdTime)} is not a time`,
    );
  }
  if (typeof event.cloudEvent?.id !== 'string' || event.cloudEvent.id === '') {
    throw new TypeError(`${where}: cloudEvent has no id`);
  }
  return ms;
}

function toCheckpoint(row: CheckpointRow): Checkpoint {
  return { lastKey: row.lastKey, lastCreatedTime: row.lastCreatedTime, updatedAt: row.updatedAt };
}
