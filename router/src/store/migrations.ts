// The schema, as numbered migrations kept in code (the single-file binary carries no assets).
// PRAGMA user_version holds the number of the last migration applied; PRAGMA application_id
// marks the file as a router database, so restore can tell ours from any other SQLite file.
// A migration is never edited once released: a change is a new, higher number.
import type Database from 'better-sqlite3';

/** 'VERt' as a big-endian 32-bit integer. */
export const routerApplicationId = 0x56455274;

interface Migration {
  version: number;
  description: string;
  sql: string;
}

const migrations: Migration[] = [
  {
    version: 1,
    description: 'events, checkpoints, processor cursors, deliveries, dead letters',
    sql: `
      -- Where each stream resumes.
      CREATE TABLE checkpoints (
        stream TEXT PRIMARY KEY,
        last_key INTEGER NOT NULL,
        last_created_time TEXT NOT NULL,
        last_created_ms INTEGER NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;

      -- Every (key, createdTime) a stream took in, kept for max_replay_age so a re-read is
      -- recognised whatever the key looks like (keys wrap).
      CREATE TABLE taken_in (
        stream TEXT NOT NULL,
        key INTEGER NOT NULL,
        created_time TEXT NOT NULL,
        created_ms INTEGER NOT NULL,
        PRIMARY KEY (stream, key, created_time)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX taken_in_by_age ON taken_in (stream, created_ms);

      -- Events not yet done for every processor. AUTOINCREMENT: a seq is never reused, even
      -- after the table was empty, because processor cursors compare against it.
      CREATE TABLE events (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        stream TEXT NOT NULL,
        key INTEGER NOT NULL,
        created_time TEXT NOT NULL,
        cloud_event TEXT NOT NULL,
        taken_in_ms INTEGER NOT NULL
      ) STRICT;

      -- Per processor, the last event it took up (routed).
      CREATE TABLE processor_cursors (
        processor TEXT PRIMARY KEY,
        cursor_seq INTEGER NOT NULL,
        added_at TEXT NOT NULL
      ) STRICT;

      -- Targets a processor ever routed to, so lanes are known without scanning deliveries.
      CREATE TABLE targets (
        processor TEXT NOT NULL,
        target TEXT NOT NULL,
        PRIMARY KEY (processor, target)
      ) STRICT, WITHOUT ROWID;

      -- One row per (processor, target, event) not yet done; clustered by lane and order.
      CREATE TABLE deliveries (
        processor TEXT NOT NULL,
        target TEXT NOT NULL,
        seq INTEGER NOT NULL REFERENCES events (seq),
        attempts INTEGER NOT NULL DEFAULT 0,
        first_attempt_ms INTEGER,
        next_attempt_ms INTEGER NOT NULL,
        last_error TEXT,
        PRIMARY KEY (processor, target, seq)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX deliveries_by_event ON deliveries (seq);
      CREATE INDEX deliveries_by_due ON deliveries (processor, target, next_attempt_ms);

      -- Deliveries that will not be retried, with their own copy of the event (and its seq,
      -- so a replay puts it back in its place in the order).
      CREATE TABLE dead_letters (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        processor TEXT NOT NULL,
        target TEXT NOT NULL,
        seq INTEGER NOT NULL,
        stream TEXT NOT NULL,
        key INTEGER NOT NULL,
        created_time TEXT NOT NULL,
        event_id TEXT NOT NULL,
        subject TEXT NOT NULL,
        cloud_event TEXT NOT NULL,
        reason TEXT NOT NULL,
        attempts INTEGER NOT NULL,
        first_attempt_ms INTEGER,
        dead_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX dead_letters_by_processor ON dead_letters (processor, id);
    `,
  },
];

/** The schema version this build writes and reads. */
export const currentSchemaVersion = migrations[migrations.length - 1].version;

/** The tables a router database of the current version has; restore checks for them. */
export const requiredTables = [
  'checkpoints',
  'taken_in',
  'events',
  'processor_cursors',
  'targets',
  'deliveries',
  'dead_letters',
];

export function schemaVersionOf(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

export function applicationIdOf(db: Database.Database): number {
  return db.pragma('application_id', { simple: true }) as number;
}

/**
 * Applies the migrations the file lacks, each in its own transaction with its version bump.
 * Returns the versions applied. The caller has checked the file is not newer than this build.
 */
export function migrate(db: Database.Database): number[] {
  const applied: number[] = [];
  for (const migration of migrations) {
    if (migration.version <= schemaVersionOf(db)) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      db.pragma(`application_id = ${routerApplicationId}`);
      db.pragma(`user_version = ${migration.version}`);
    })();
    applied.push(migration.version);
  }
  return applied;
}
