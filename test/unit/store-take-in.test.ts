// Take in and checkpoints against a real SQLite file in a temporary directory.
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { RouterStore } from '../../router/src/store/store';
import { databaseFile } from '../../router/src/store/database';
import { StoreFullError } from '../../router/src/store/types';
import { incoming, tempDataDir } from './store-kit';

describe('store: take in', () => {
  let data: ReturnType<typeof tempDataDir>;
  let store: RouterStore;

  beforeEach(() => {
    data = tempDataDir();
    store = RouterStore.open({ dataDir: data.dir });
    store.routing.syncProcessors(['p1'], Date.now());
  });

  afterEach(() => {
    store.close();
    data.remove();
  });

  it('stores the page and moves the checkpoint to its newest event', () => {
    const result = store.takeIn('vc01', [incoming(1), incoming(2), incoming(3)]);

    assert.equal(result.takenIn, 3);
    assert.equal(result.duplicates, 0);
    assert.equal(result.checkpoint.lastKey, 3);
    assert.equal(result.checkpoint.lastCreatedTime, incoming(3).createdTime);
    assert.deepEqual(store.readCheckpoint('vc01'), result.checkpoint);
    assert.equal(store.bufferedEventCount(), 3);
  });

  it('writes events and checkpoint at once: a failed checkpoint keeps the events out', () => {
    store.db.exec(
      `CREATE TEMP TRIGGER checkpoint_fails BEFORE INSERT ON checkpoints
       BEGIN SELECT RAISE(ABORT, 'checkpoint write failed'); END`,
    );
    assert.throws(() => store.takeIn('vc01', [incoming(1), incoming(2)]), /checkpoint write/);

    assert.equal(store.bufferedEventCount(), 0);
    assert.equal(store.db.prepare('SELECT count(*) FROM events').pluck().get(), 0);
    store.db.exec('DROP TRIGGER checkpoint_fails');
    assert.equal(store.takeIn('vc01', [incoming(1), incoming(2)]).takenIn, 2);
  });

  it('keeps createdTime exactly as vCenter sent it', () => {
    const event = { ...incoming(7), createdTime: '2026-12-03T11:00:00.654321+01:00' };
    store.takeIn('vc01', [event]);
    assert.equal(
      store.readCheckpoint('vc01')?.lastCreatedTime,
      '2026-12-03T11:00:00.654321+01:00',
    );
  });

  it('skips events already taken in, by key and createdTime', () => {
    store.takeIn('vc01', [incoming(1), incoming(2)]);
    const again = store.takeIn('vc01', [incoming(2), incoming(3)]);

    assert.equal(again.takenIn, 1);
    assert.equal(again.duplicates, 1);
    assert.equal(store.bufferedEventCount(), 3);
  });

  it('takes in keys that wrap to negative numbers, and still spots their duplicates', () => {
    const page = [incoming(2147483646, 1), incoming(2147483647, 2), incoming(-2147483648, 3)];
    store.takeIn('vc01', page);
    const resumed = store.takeIn('vc01', [incoming(-2147483648, 3), incoming(-2147483647, 4)]);

    assert.equal(resumed.takenIn, 1);
    assert.equal(resumed.duplicates, 1);
    assert.equal(resumed.checkpoint.lastKey, -2147483647);
    assert.equal(store.bufferedEventCount(), 4);
  });

  it('takes in a reused key with a new createdTime as a new event', () => {
    store.takeIn('vc01', [incoming(5, 1)]);
    const reused = store.takeIn('vc01', [incoming(5, 100)]);
    assert.equal(reused.takenIn, 1);
  });

  it('keeps streams apart: the same key and time in two vCenters are two events', () => {
    store.takeIn('vc01', [incoming(1)]);
    const other = store.takeIn('vc02', [incoming(1)]);
    assert.equal(other.takenIn, 1);
    assert.equal(store.readCheckpoint('vc02')?.lastKey, 1);
  });

  it('never moves the checkpoint back on a re-read of older events', () => {
    store.takeIn('vc01', [incoming(10, 10)]);
    const reread = store.takeIn('vc01', [incoming(4, 4), incoming(5, 5)]);
    assert.equal(reread.checkpoint.lastKey, 10);
    assert.equal(store.readCheckpoint('vc01')?.lastKey, 10);
  });

  it('rejects an event with an unusable createdTime, naming it, and stores nothing', () => {
    const bad = { ...incoming(2), createdTime: 'yesterday' };
    assert.throws(
      () => store.takeIn('vc01', [incoming(1), bad]),
      /stream vc01: event key 2: createdTime "yesterday"/,
    );
    assert.equal(store.readCheckpoint('vc01'), undefined);
    assert.equal(store.bufferedEventCount(), 0);
  });

  it('forgets taken-in pairs older than max_replay_age behind the checkpoint', () => {
    store.close();
    store = RouterStore.open({ dataDir: data.dir, maxReplayAgeMs: () => 60_000 });
    store.takeIn('vc01', [incoming(1, 0)]);
    store.takeIn('vc01', [incoming(2, 120)]);

    const pairs = store.db.prepare('SELECT key FROM taken_in ORDER BY key').pluck().all();
    assert.deepEqual(pairs, [2]);
  });

  it('keeps buffered events and the checkpoint across closing and reopening', () => {
    store.takeIn('vc01', [incoming(1), incoming(2)]);
    store.close();

    store = RouterStore.open({ dataDir: data.dir });
    assert.equal(store.bufferedEventCount(), 2);
    assert.equal(store.readCheckpoint('vc01')?.lastKey, 2);
    assert.equal(store.takeIn('vc01', [incoming(2)]).duplicates, 1);
  });

  it('turns a full disk into StoreFullError with nothing of the page written', () => {
    store.takeIn('vc01', [incoming(1)]);
    const pageCount = store.db.pragma('page_count', { simple: true }) as number;
    store.db.pragma(`max_page_count = ${pageCount}`);
    const big = Array.from({ length: 200 }, (_, i) => incoming(100 + i));
    for (const event of big) event.cloudEvent.data.padding = 'x'.repeat(2_000);

    assert.throws(() => store.takeIn('vc01', big), StoreFullError);

    assert.equal(store.bufferedEventCount(), 1);
    assert.equal(store.readCheckpoint('vc01')?.lastKey, 1);
    const rows = new Database(databaseFile(data.dir), { readonly: true });
    try {
      assert.equal(rows.prepare('SELECT count(*) FROM events').pluck().get(), 1);
      assert.equal(rows.prepare('SELECT count(*) FROM taken_in').pluck().get(), 1);
    } finally {
      rows.close();
    }
  });
});
