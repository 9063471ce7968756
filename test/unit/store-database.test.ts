// Opening router.db: private files, the data directory lock, and the clear error for a
// database that cannot be used.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import Database from 'better-sqlite3';
import { RouterStore } from '../../router/src/store/store';
import { databaseFile } from '../../router/src/store/database';
import {
  DatabaseLockedError,
  DatabaseUnusableError,
  StoreOperatorError,
} from '../../router/src/store/errors';
import { currentSchemaVersion } from '../../router/src/store/migrations';
import { incoming, tempDataDir } from './store-kit';

function modeOf(file: string): number {
  return fs.statSync(file).mode & 0o777;
}

describe('store: database file', () => {
  let data: ReturnType<typeof tempDataDir>;

  beforeEach(() => {
    data = tempDataDir();
  });

  afterEach(() => data.remove());

  it('creates the directory 0700 and the database, -wal and -shm 0600', () => {
    const store = RouterStore.open({ dataDir: data.dir });
    try {
      store.takeIn('vc01', [incoming(1)]);
      assert.equal(modeOf(data.dir), 0o700);
      for (const suffix of ['', '-wal', '-shm']) {
        assert.equal(modeOf(databaseFile(data.dir) + suffix), 0o600, `router.db${suffix}`);
      }
      assert.equal(store.db.pragma('journal_mode', { simple: true }), 'wal');
      assert.equal(store.db.pragma('user_version', { simple: true }), currentSchemaVersion);
    } finally {
      store.close();
    }
  });

  it('makes an existing world-readable data directory private', () => {
    fs.mkdirSync(data.dir, { recursive: true, mode: 0o755 });
    fs.chmodSync(data.dir, 0o755);
    RouterStore.open({ dataDir: data.dir }).close();
    assert.equal(modeOf(data.dir), 0o700);
  });

  it('refuses a second router on the same data directory', () => {
    const store = RouterStore.open({ dataDir: data.dir });
    try {
      assert.throws(() => RouterStore.open({ dataDir: data.dir }), DatabaseLockedError);
    } finally {
      store.close();
    }
    RouterStore.open({ dataDir: data.dir }).close(); // released on close
  });

  it('takes over the lock of a router that was killed', () => {
    fs.mkdirSync(data.dir, { recursive: true });
    // A process that has exited: its pid is no longer alive.
    const gone = spawnSync(process.execPath, ['-e', 'console.log(process.pid)']);
    const pid = Number(gone.stdout.toString().trim());
    const lock = { pid, purpose: 'router', since: '2026-01-01T00:00:00.000Z' };
    fs.writeFileSync(path.join(data.dir, 'router.lock'), JSON.stringify(lock));

    RouterStore.open({ dataDir: data.dir }).close();
  });

  it('names the file and the way out when the database is corrupt', () => {
    fs.mkdirSync(data.dir, { recursive: true });
    fs.writeFileSync(databaseFile(data.dir), 'this is not an SQLite file'.repeat(200));

    assert.throws(
      () => RouterStore.open({ dataDir: data.dir }),
      (error: unknown) => {
        assert.ok(error instanceof DatabaseUnusableError);
        assert.ok(error instanceof StoreOperatorError);
        assert.match(error.message, new RegExp(databaseFile(data.dir).replace(/[/.]/g, '\\$&')));
        assert.match(error.message, /vmware-event-router restore/);
        assert.match(error.message, /move the file/);
        return true;
      },
    );
    // The lock is not left behind: the next attempt gets the same clear error, not "in use".
    assert.throws(() => RouterStore.open({ dataDir: data.dir }), DatabaseUnusableError);
  });

  it('finds damage inside a database whose header is intact', () => {
    const store = RouterStore.open({ dataDir: data.dir });
    const many = Array.from({ length: 300 }, (_, i) => incoming(i));
    for (const event of many) event.cloudEvent.data.padding = 'y'.repeat(500);
    store.takeIn('vc01', many);
    store.db.pragma('wal_checkpoint(TRUNCATE)');
    store.close();
    // Overwrite a page in the middle of the file with garbage.
    const fd = fs.openSync(databaseFile(data.dir), 'r+');
    fs.writeSync(fd, Buffer.alloc(4096, 0xa5), 0, 4096, 4096 * 5);
    fs.closeSync(fd);

    assert.throws(() => RouterStore.open({ dataDir: data.dir }), DatabaseUnusableError);
  });

  it('refuses an SQLite file that is not a router database', () => {
    fs.mkdirSync(data.dir, { recursive: true });
    const other = new Database(databaseFile(data.dir));
    other.exec('CREATE TABLE invoices (id INTEGER PRIMARY KEY)');
    other.close();

    assert.throws(() => RouterStore.open({ dataDir: data.dir }), /not a router database/);
  });

  it('refuses a database written by a newer router', () => {
    RouterStore.open({ dataDir: data.dir }).close();
    const db = new Database(databaseFile(data.dir));
    db.pragma(`user_version = ${currentSchemaVersion + 1}`);
    db.close();

    assert.throws(() => RouterStore.open({ dataDir: data.dir }), /written by a newer router/);
  });

  it('does not create a database for a command when none exists', () => {
    assert.throws(
      () => RouterStore.open({ dataDir: data.dir, mode: 'command' }),
      /no database at .*router has not run/,
    );
    assert.equal(fs.existsSync(databaseFile(data.dir)), false);
  });
});
