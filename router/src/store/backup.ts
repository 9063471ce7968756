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
  const partial = `${out}.partial-${process.pid}`;
  const db = openDatabase({ dataDir, mode: 'command' });
  try {
    // Created private before SQLite writes a byte; its journal takes the same mode.
    fs.writeFileSync(partial, '', { mode: 0o600, flag: 'wx' });
    // One step for all pages: a step-by-step backup restarts whenever the router commits.
    await db.backup(partial, { progress: () => 0x7fffffff });
    validateRouterDatabase(partial);
    fsyncFile(partial);
    fs.renameSync(partial, out);
  } catch (error) {
    fs.rmSync(partial, { force: true });
    fs.rmSync(`${partial}-journal`, { force: true });
    if (error instanceof StoreOperatorError) throw error;
    throw new StoreOperatorError(`backup to ${out} failed: ${messageOf(error)}`, {
      cause: error,
    });
  } finally {
    db.close();
  }
  return { file: out, bytes: fs.statSync(out).size };
}

/** Throws BackupInvalidError unless `file` is a healthy router database this build can use. */
export function validateRouterDatabase(file: string): { schemaVersion: number } {
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
  } catch (error) {
    throw new BackupInvalidError(file, `cannot be opened (${messageOf(error)})`, {
      cause: error,
    });
  }
  try {
    if (applicationIdOf(db) !== routerApplicationId) {
      throw new BackupInvalidError(file, 'not a vmware-event-router database');
    }
    const schemaVersion = schemaVersionOf(db);
    if (schemaVersion < 1 || schemaVersion > currentSchemaVersion) {
      throw new BackupInvalidError(
        file,
        `schema version ${schemaVersion} is not one this router knows (1..${currentSchemaVersion})`,
      );
    }
    const missing = requiredTables.filter((table) => !hasTable(db, table));
    if (missing.length > 0 && schemaVersion === currentSchemaVersion) {
      throw new BackupInvalidError(file, `tables missing: ${missing.join(', ')}`);
    }
    const check = (db.pragma('integrity_check(5)') as { integrity_check: string }[])
      .map((row) => row.integrity_check)
      .filter((line) => line !== 'ok');
    if (check.length > 0) throw new BackupInvalidError(file, `corrupt (${check.join('; ')})`);
    return { schemaVersion };
  } catch (error) {
    if (error instanceof BackupInvalidError) throw error;
    throw new BackupInvalidError(file, `unreadable (${messageOf(error)})`, { cause: error });
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
  const { schemaVersion } = validateRouterDatabase(from);
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const lock = acquireDataDirLock(dataDir, 'restore');
  try {
    const file = databaseFile(dataDir);
    const incoming = `${file}.restoring`;
    fs.rmSync(incoming, { force: true });
    fs.copyFileSync(from, incoming);
    fs.chmodSync(incoming, 0o600);
    fsyncFile(incoming);

    const keptAside = fs.existsSync(file) ? moveAside(file, nowMs) : undefined;
    fs.renameSync(incoming, file);
    keepPrivate(file);
    fsyncDir(dataDir);
    return { file, keptAside, schemaVersion };
  } finally {
    lock.release();
  }
}

/** Renames router.db and its -wal and -shm together, so the old one still opens as it was. */
function moveAside(file: string, nowMs: number): string {
  const stamp = new Date(nowMs).toISOString().replace(/[:.]/g, '-');
  const aside = `${file}.before-restore-${stamp}`;
  for (const suffix of ['-wal', '-shm', '']) {
    if (fs.existsSync(file + suffix)) fs.renameSync(file + suffix, aside + suffix);
  }
  return aside;
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
