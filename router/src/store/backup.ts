// Backup and restore of router.db. Backup uses SQLite's online backup in a single step, so the
// copy is one consistent snapshot even while the router writes (WAL lets the router go on
// writing during it). Restore swaps a validated copy in while no router holds the data
// directory, and keeps the database it replaces aside.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { databaseFile, hasTable, keepPrivate, openDatabase } from './database';
import { BackupInvalidError, StoreOperatorError, messageOf } from './errors';
import { acquireDataDirLock } from './lock';
import {
  applicationIdOf,
  currentSchemaVersion,
  requiredTables,
  routerApplicationId,
  schemaVersionOf,
} from './migrations';

export interface BackupResult {
  file: string;
  bytes: number;
}

/** Writes a consistent copy of the data directory's database to `outFile` (mode 0600). */
export async function backupDatabase(dataDir: string, outFile: string): Promise<BackupResult> {
  const out = path.resolve(outFile);
  const live = path.resolve(databaseFile(dataDir));
  if (out === live || out.startsWith(`${live}-`)) {
    throw new StoreOperatorError(`backup: --out ${out} is the live database; choose another file`);
  }
  const partial = `${out}.partial-${process.pid}`;
  const db = openDatabase({ dataDir, mode: 'command' });
  try {
    // Created private before SQLite writes a byte; its journal takes the same mode.
    fs.writeFileSync(partial, '', { mode: 0o600, flag: 'wx' });
    // One step for all pages: a step-by-step backup restarts whenever the router commits.
    await db.backup(partial, { progress: () => 0x7fffffff });
    toSingleFile(partial);
    validateRouterDatabase(partial);
    fsyncFile(partial);
    fs.renameSync(partial, out);
  } catch (error) {
    removeWithCompanions(partial);
    if (error instanceof StoreOperatorError) throw error;
    throw new StoreOperatorError(`backup to ${out} failed: ${messageOf(error)}`, {
      cause: error,
    });
  } finally {
    db.close();
  }
  return { file: out, bytes: fs.statSync(out).size };
}

/**
 * Throws BackupInvalidError (naming `shownAs`) unless `file` is a healthy router database this
 * build can use.
 */
export function validateRouterDatabase(file: string, shownAs = file): { schemaVersion: number } {
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
  } catch (error) {
    throw new BackupInvalidError(shownAs, `cannot be opened (${messageOf(error)})`, {
      cause: error,
    });
  }
  try {
    if (applicationIdOf(db) !== routerApplicationId) {
      throw new BackupInvalidError(shownAs, 'not a vmware-event-router database');
    }
    const schemaVersion = schemaVersionOf(db);
    if (schemaVersion < 1 || schemaVersion > currentSchemaVersion) {
      throw new BackupInvalidError(
        shownAs,
        `schema version ${schemaVersion} is not one this router knows (1..${currentSchemaVersion})`,
      );
    }
    const missing = requiredTables.filter((table) => !hasTable(db, table));
    if (missing.length > 0 && schemaVersion === currentSchemaVersion) {
      throw new BackupInvalidError(shownAs, `tables missing: ${missing.join(', ')}`);
    }
    const check = (db.pragma('integrity_check(5)') as { integrity_check: string }[])
      .map((row) => row.integrity_check)
      .filter((line) => line !== 'ok');
    if (check.length > 0) throw new BackupInvalidError(shownAs, `corrupt (${check.join('; ')})`);
    return { schemaVersion };
  } catch (error) {
    if (error instanceof BackupInvalidError) throw error;
    throw new BackupInvalidError(shownAs, `unreadable (${messageOf(error)})`, { cause: error });
  } finally {
    db.close();
  }
}

export interface RestoreResult {
  file: string;
  /** Where the replaced database went (its -wal and -shm beside it); absent if there was none. */
  keptAside?: string;
  schemaVersion: number;
}

/**
 * Replaces the data directory's database with the backup `fromFile`. Refuses (DatabaseLocked
 * Error) while a router holds the directory; validates the backup before touching anything.
 */
export function restoreDatabase(dataDir: string, fromFile: string, nowMs: number): RestoreResult {
  const from = path.resolve(fromFile);
  if (!fs.existsSync(from)) throw new BackupInvalidError(from, 'no such file');
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const lock = acquireDataDirLock(dataDir, 'restore');
  const file = databaseFile(dataDir);
  // Checked as a private copy inside the data directory, so the backup itself is never
  // touched (opening a WAL-mode file would create -shm beside it).
  const incoming = `${file}.restoring`;
  let keptAside: string | undefined;
  try {
    removeWithCompanions(incoming);
    fs.copyFileSync(from, incoming);
    fs.chmodSync(incoming, 0o600);
    const { schemaVersion } = validateRouterDatabase(incoming, from);
    toSingleFile(incoming);
    fsyncFile(incoming);

    keptAside = fs.existsSync(file)
      ? moveAside(file, `before-restore-${stamp(nowMs)}`)
      : undefined;
    fs.renameSync(incoming, file);
    keepPrivate(file);
    fsyncDir(dataDir);
    return { file, keptAside, schemaVersion };
  } catch (error) {
    removeWithCompanions(incoming);
    // Never leave the directory without a database: put the old one back.
    if (keptAside && !fs.existsSync(file)) moveBack(keptAside, file);
    if (error instanceof StoreOperatorError) throw error;
    throw new StoreOperatorError(
      `restore of ${from} failed: ${messageOf(error)}; the database was left as it was`,
      { cause: error },
    );
  } finally {
    lock.release();
  }
}

function stamp(nowMs: number): string {
  return new Date(nowMs).toISOString().replace(/[:.]/g, '-');
}

/** Renames router.db and its -wal and -shm together, so the old one still opens as it was. */
function moveAside(file: string, suffixName: string): string {
  const aside = `${file}.${suffixName}`;
  for (const suffix of ['-wal', '-shm', '']) {
    if (fs.existsSync(file + suffix)) fs.renameSync(file + suffix, aside + suffix);
  }
  return aside;
}

function moveBack(aside: string, file: string): void {
  for (const suffix of ['', '-wal', '-shm']) {
    if (fs.existsSync(aside + suffix)) fs.renameSync(aside + suffix, file + suffix);
  }
}

/** Folds a WAL into the file and leaves it in rollback mode: one self-contained file. */
function toSingleFile(file: string): void {
  const db = new Database(file, { fileMustExist: true });
  try {
    db.pragma('journal_mode = DELETE');
  } finally {
    db.close();
  }
  for (const suffix of ['-wal', '-shm']) fs.rmSync(file + suffix, { force: true });
}

function removeWithCompanions(file: string): void {
  for (const suffix of ['', '-wal', '-shm', '-journal']) fs.rmSync(file + suffix, { force: true });
}

function fsyncFile(file: string): void {
  const fd = fs.openSync(file, 'r+');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

function fsyncDir(dir: string): void {
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
