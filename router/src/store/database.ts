// Opening `<data-dir>/router.db`: the directory and files private to the router, the pragmas,
// the health check and the migrations. Everything that can make a database unusable is turned
// into a DatabaseUnusableError here, before any other part of the router touches it.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import {
  DatabaseUnusableError,
  StoreOperatorError,
  isCorruptionError,
  messageOf,
  sqliteCode,
} from './errors';
import {
  applicationIdOf,
  currentSchemaVersion,
  migrate,
  requiredTables,
  routerApplicationId,
  schemaVersionOf,
} from './migrations';

export const defaultDataDir = '/var/lib/vmware-event-router';
export const databaseFileName = 'router.db';

export interface OpenDatabaseOptions {
  dataDir: string;
  /** The router's start: create the file when missing, migrate, check integrity. Commands open
   * an existing database of the current schema only. */
  mode: 'router' | 'command';
  /** How long a statement waits for another process's lock before failing. */
  busyTimeoutMs?: number;
}

export function databaseFile(dataDir: string): string {
  return path.join(dataDir, databaseFileName);
}

/** Opens (and for the router, creates and migrates) the database, or throws an operator error. */
export function openDatabase(options: OpenDatabaseOptions): Database.Database {
  const file = databaseFile(options.dataDir);
  if (options.mode === 'router') {
    preparePrivateDir(options.dataDir);
  } else if (!fs.existsSync(file)) {
    throw new StoreOperatorError(
      `no database at ${file}: the router has not run with this data directory (--data-dir)`,
    );
  }
  const existed = fs.existsSync(file);
  if (!existed) fs.closeSync(fs.openSync(file, 'wx', 0o600));

  let db: Database.Database | undefined;
  try {
    db = new Database(file, { fileMustExist: true, timeout: options.busyTimeoutMs ?? 5_000 });
    configure(db);
    checkSchema(db, file, options.mode, existed);
    if (options.mode === 'router') {
      checkIntegrity(db, file);
      migrate(db);
    }
    keepPrivate(file);
    return db;
  } catch (error) {
    db?.close();
    if (error instanceof StoreOperatorError) throw error;
    throw unusable(file, error);
  }
}

function preparePrivateDir(dataDir: string): void {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  // An existing directory (created by a package or by hand) is made private too: it holds
  // every buffered event, and events carry user names and VM names.
  if ((fs.statSync(dataDir).mode & 0o077) !== 0) fs.chmodSync(dataDir, 0o700);
}

function configure(db: Database.Database): void {
  db.pragma('journal_mode = WAL');
  // NORMAL in WAL mode: a commit is in the WAL file (the OS holds it) before takeIn returns,
  // so a killed router (kill -9, OOM) loses nothing. A power loss can roll back the last
  // transactions since the WAL was last synced; take in and checkpoint roll back together,
  // so the stream re-reads those events from vCenter, and a delivery marked done may be sent
  // again: duplicates, never a loss (at least once). FULL would fsync every commit, which on
  // the appliance's disk costs more than re-reading a few seconds of events.
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  // Deleted events leave free pages for new ones instead of growing the file forever.
  db.pragma('journal_size_limit = 67108864');
}

function checkSchema(
  db: Database.Database,
  file: string,
  mode: OpenDatabaseOptions['mode'],
  existed: boolean,
): void {
  const version = schemaVersionOf(db);
  const applicationId = applicationIdOf(db);
  if (version === 0 && applicationId === 0 && mode === 'router') {
    if (existed && tableCount(db) > 0) {
      throw new DatabaseUnusableError(file, 'this SQLite file is not a router database');
    }
    return; // a new file: migrations create everything
  }
  if (applicationId !== routerApplicationId) {
    throw new DatabaseUnusableError(file, 'this SQLite file is not a router database');
  }
  if (version > currentSchemaVersion) {
    throw new DatabaseUnusableError(
      file,
      `schema version ${version} was written by a newer router (this one knows up to ` +
        `${currentSchemaVersion}); run that version`,
    );
  }
  if (mode === 'command' && version < currentSchemaVersion) {
    throw new StoreOperatorError(
      `database ${file} has schema version ${version}; start the router once to upgrade it ` +
        `to ${currentSchemaVersion}`,
    );
  }
  if (mode === 'command') {
    const missing = requiredTables.filter((table) => !hasTable(db, table));
    if (missing.length > 0) {
      throw new DatabaseUnusableError(file, `tables missing: ${missing.join(', ')}`);
    }
  }
}

function checkIntegrity(db: Database.Database, file: string): void {
  const rows = db.pragma('quick_check(5)') as { quick_check: string }[];
  // SQLite heads its first finding with `*** in database main ***` and a newline; the message
  // must stay one line (one log entry per line, and journald shows the first line only).
  const problems = rows
    .map((row) => row.quick_check.replace(/^\*\*\* in database \w+ \*\*\*\s*/, ''))
    .map((line) => line.replace(/\s*\n\s*/g, '; '))
    .filter((line) => line !== 'ok');
  if (problems.length > 0) {
    throw new DatabaseUnusableError(file, `corrupt (${problems.join('; ')})`);
  }
}

function tableCount(db: Database.Database): number {
  const row = db.prepare("SELECT count(*) AS n FROM sqlite_schema WHERE type = 'table'").get();
  return (row as { n: number }).n;
}

export function hasTable(db: Database.Database, table: string): boolean {
  const row = db
    .prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?")
    .get(table);
  return row !== undefined;
}

/**
 * The database and the WAL and shared-memory files SQLite creates next to it: 0600. Run as
 * root (an operator's command, a restore), files are also given to the data directory's owner,
 * the router's service user, who could not open a root-owned -shm or a restored router.db.
 */
export function keepPrivate(file: string): void {
  const owner = process.getuid?.() === 0 ? fs.statSync(path.dirname(file)) : undefined;
  for (const suffix of ['', '-wal', '-shm']) {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(file + suffix);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw error;
    }
    if ((stat.mode & 0o077) !== 0) fs.chmodSync(file + suffix, 0o600);
    if (owner && (stat.uid !== owner.uid || stat.gid !== owner.gid)) {
      fs.chownSync(file + suffix, owner.uid, owner.gid);
    }
  }
}

function unusable(file: string, error: unknown): StoreOperatorError {
  if (isCorruptionError(error)) {
    return new DatabaseUnusableError(file, `corrupt or not a database (${messageOf(error)})`, {
      cause: error,
    });
  }
  const code = (error as NodeJS.ErrnoException).code ?? sqliteCode(error);
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new StoreOperatorError(
      `database ${file} is locked by another process (${messageOf(error)}); try again`,
      { cause: error },
    );
  }
  if (code === 'EACCES' || code === 'EPERM' || code.startsWith('SQLITE_CANTOPEN')) {
    return new DatabaseUnusableError(file, `cannot be opened (${messageOf(error)})`, {
      cause: error,
    });
  }
  return new DatabaseUnusableError(file, `cannot be used (${messageOf(error)})`, {
    cause: error,
  });
}
