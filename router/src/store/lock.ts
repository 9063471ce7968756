// The data directory's lock: `<data-dir>/router.lock`, created exclusively by the router (and by
// restore) and removed when it stops. It holds the owner's pid and, on Linux, the owner's start
// time from /proc, so a lock left by a killed process (or a pid reused after a reboot) is seen
// as stale and taken over: a crash never keeps the router from starting again.
// Readers (status, backup, dead-letters) do not take it; SQLite's own locking covers them.
import fs from 'node:fs';
import path from 'node:path';
import { DatabaseLockedError, StoreOperatorError } from './errors';

export const lockFileName = 'router.lock';

interface LockOwner {
  pid: number;
  /** Field 22 of /proc/<pid>/stat (clock ticks since boot); absent off Linux. */
  startTicks?: string;
  /** What holds it, for the operator: `router`, `restore`. */
  purpose: string;
  since: string;
}

export interface DataDirLock {
  readonly file: string;
  release(): void;
}

/** Takes the lock or throws DatabaseLockedError naming the live holder. */
export function acquireDataDirLock(dataDir: string, purpose: string): DataDirLock {
  const file = path.join(dataDir, lockFileName);
  const owner: LockOwner = {
    pid: process.pid,
    startTicks: startTicksOf(process.pid),
    purpose,
    since: new Date().toISOString(),
  };
  for (let attempt = 0; attempt < 3; attempt++) {
    if (tryCreate(file, owner)) return { file, release: () => releaseIfOurs(file) };
    const holder = readOwner(file);
    if (holder && isAlive(holder)) {
      throw new DatabaseLockedError(
        file,
        `${holder.purpose} (pid ${holder.pid}, since ${holder.since}); stop it first`,
      );
    }
    // Stale (its process is gone) or unreadable: take it over.
    fs.rmSync(file, { force: true });
  }
  throw new DatabaseLockedError(file, 'another process that keeps re-creating it');
}

/** The live holder of the lock, if any; for commands that must not run beside a router. */
export function lockHolder(dataDir: string): string | undefined {
  const holder = readOwner(path.join(dataDir, lockFileName));
  if (!holder || !isAlive(holder)) return undefined;
  return `${holder.purpose} (pid ${holder.pid}, since ${holder.since})`;
}

function tryCreate(file: string, owner: LockOwner): boolean {
  let fd: number;
  try {
    fd = fs.openSync(file, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw notWritable(file, error);
  }
  try {
    fs.writeSync(fd, JSON.stringify(owner) + '\n');
  } catch (error) {
    fs.closeSync(fd);
    fs.rmSync(file, { force: true });
    throw notWritable(file, error);
  }
  fs.closeSync(fd);
  return true;
}

/** The codes of a data directory the router cannot write: read-only, not ours, or full. */
const notWritableCodes = new Set(['EROFS', 'EACCES', 'EPERM', 'ENOSPC', 'EDQUOT']);

/** Worded for the operator (no stack trace, exit 78: systemd does not restart into it). */
function notWritable(file: string, error: unknown): unknown {
  const code = (error as NodeJS.ErrnoException).code ?? '';
  if (!notWritableCodes.has(code)) return error;
  const dir = path.dirname(file);
  const why = code === 'ENOSPC' || code === 'EDQUOT' ? 'full' : 'not writable';
  return new StoreOperatorError(
    `data directory ${dir} is ${why} (${code} creating ${path.basename(file)}); the router ` +
      'keeps its lock and database there: make it writable by the service user, with free ' +
      'space, and start again',
    { cause: error },
  );
}

function readOwner(file: string): LockOwner | undefined {
  try {
    const owner = JSON.parse(fs.readFileSync(file, 'utf8')) as LockOwner;
    return Number.isInteger(owner.pid) ? owner : undefined;
  } catch {
    // Missing, half-written by a process killed mid-write, or not ours: not a live holder.
    return undefined;
  }
}

function isAlive(owner: LockOwner): boolean {
  if (owner.pid === process.pid) return owner.startTicks === startTicksOf(process.pid);
  try {
    process.kill(owner.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  // Alive, but maybe a different process that got the same pid later.
  const ticks = startTicksOf(owner.pid);
  return owner.startTicks === undefined || ticks === undefined || ticks === owner.startTicks;
}

function startTicksOf(pid: number): string | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces and parentheses; count after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19];
  } catch {
    return undefined;
  }
}

function releaseIfOurs(file: string): void {
  const holder = readOwner(file);
  if (holder?.pid === process.pid) fs.rmSync(file, { force: true });
}
