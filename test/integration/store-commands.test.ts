// The operator commands (status, dead-letters, backup, restore) against real database files,
// next to a router store that is open and writing, as on the appliance.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import type { Command } from 'commander';
import Database from 'better-sqlite3';
import { backupCommand } from '../../router/src/cli/backup';
import { deadLettersCommand } from '../../router/src/cli/dead-letters';
import { restoreCommand } from '../../router/src/cli/restore';
import { statusCommand } from '../../router/src/cli/status';
import { Dispatcher } from '../../router/src/delivery/dispatcher';
import { silentLogger } from '../../router/src/log';
import { noCounters } from '../../router/src/metrics/counters';
import { databaseFile } from '../../router/src/store/database';
import type { OperatorOutput } from '../../router/src/store/errors';
import { RouterStore } from '../../router/src/store/store';
import { TestProcessor, eventually, incoming, tempDataDir } from '../unit/store-kit';

interface Ran {
  stdout: string;
  stderr: string;
  exitCode: number;
}

async function run(factory: (output: OperatorOutput) => Command, args: string[]): Promise<Ran> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  process.exitCode = 0;
  await factory({ stdout, stderr }).parseAsync(args, { from: 'user' });
  const exitCode = Number(process.exitCode ?? 0);
  process.exitCode = 0;
  return { stdout: out, stderr: err, exitCode };
}

/** A router store with one processor `p1`: keys 1..5 taken in, 2 delivered, 3 retrying, 4 and
 * 5 dead letters (to fn-a and fn-b). */
function seed(store: RouterStore): void {
  const now = Date.now();
  store.routing.syncProcessors(['p1'], now);
  store.takeIn(
    'vc01',
    [1, 2, 3, 4, 5].map((key) => incoming(key)),
  );
  store.routing.routePage('p1', (e) => (e.seq === 5 ? ['fn-b'] : ['fn-a']), 100, now);
  store.deliveries.apply('p1', 'fn-a', [{ outcome: 'done', seq: 2 }], now);
  store.deliveries.apply(
    'p1',
    'fn-a',
    [
      {
        outcome: 'retry',
        seq: 3,
        attempts: 1,
        firstAttemptMs: now,
        nextAttemptMs: now + 60_000,
        lastError: '503 Service Unavailable',
      },
      { outcome: 'dead', seq: 4, attempts: 1, firstAttemptMs: now, reason: '400 Bad Request' },
    ],
    now,
  );
  store.deliveries.apply(
    'p1',
    'fn-b',
    [{ outcome: 'dead', seq: 5, attempts: 2, firstAttemptMs: now, reason: '404 Not Found' }],
    now,
  );
}

describe('store commands', () => {
  let data: ReturnType<typeof tempDataDir>;
  let router: RouterStore | undefined;

  beforeEach(() => {
    data = tempDataDir();
    router = RouterStore.open({ dataDir: data.dir });
    seed(router);
  });

  afterEach(() => {
    router?.close();
    data.remove();
    process.exitCode = 0;
  });

  describe('status', () => {
    it('reports checkpoints, deliveries, retries and dead letters as JSON', async () => {
      const ran = await run(statusCommand, ['--data-dir', data.dir, '--json']);

      assert.equal(ran.exitCode, 0);
      const status = JSON.parse(ran.stdout);
      assert.equal(status.database, databaseFile(data.dir));
      assert.equal(status.bufferedEvents, 2); // 1 and 3 still wait for fn-a
      assert.equal(status.streams[0].stream, 'vc01');
      assert.equal(status.streams[0].lastKey, 5);
      const [p1] = status.processors;
      assert.equal(p1.processor, 'p1');
      assert.equal(p1.deliveries, 2);
      assert.equal(p1.retrying, 1);
      assert.equal(p1.deadLetters, 2);
      assert.equal(p1.notRouted, 0);
      assert.equal(p1.targets[0].target, 'fn-a');
    });

    it('counts events a processor has not routed yet', async () => {
      router!.takeIn('vc01', [incoming(6), incoming(7)]);
      const status = JSON.parse((await run(statusCommand, ['-d', data.dir, '--json'])).stdout);
      assert.equal(status.processors[0].notRouted, 2);
    });

    it('prints a line per stream, processor and target', async () => {
      const ran = await run(statusCommand, ['--data-dir', data.dir]);
      assert.match(ran.stdout, /2 events buffered/);
      assert.match(ran.stdout, new RegExp(`in use by: router \\(pid ${process.pid}`));
      assert.match(ran.stdout, /vc01: checkpoint key 5/);
      assert.match(
        ran.stdout,
        /p1: 0 not routed yet, 2 deliveries \(1 retrying\).*2 dead letters/,
      );
      assert.match(ran.stdout, /fn-a: 2 deliveries \(1 retrying\), next attempt/);
    });

    it('gives one clear line and exit 78 for a corrupt database, no stack trace', async () => {
      router!.close();
      router = undefined;
      for (const suffix of ['-wal', '-shm'])
        fs.rmSync(databaseFile(data.dir) + suffix, { force: true });
      fs.writeFileSync(databaseFile(data.dir), 'not a database at all '.repeat(300));

      const ran = await run(statusCommand, ['--data-dir', data.dir]);

      assert.equal(ran.exitCode, 78);
      assert.equal(ran.stderr.trim().split('\n').length, 1);
      assert.match(ran.stderr, /router\.db: .*restore --data-dir/);
      assert.doesNotMatch(ran.stderr, /\n\s+at /);
    });
  });

  describe('dead-letters', () => {
    it('lists them, oldest first, with reason, target and event id', async () => {
      const ran = await run(deadLettersCommand, ['list', '--data-dir', data.dir]);
      const lines = ran.stdout.trim().split('\n');
      assert.equal(lines.length, 2);
      assert.match(
        lines[0],
        /^#1 p1 -> fn-a: VmPoweredOnEvent .* after 1 attempts: 400 Bad Request$/,
      );
      assert.ok(lines[0].includes(incoming(4).cloudEvent.id));
      assert.match(lines[1], /^#2 p1 -> fn-b: .*404 Not Found$/);

      const json = JSON.parse(
        (await run(deadLettersCommand, ['list', '-d', data.dir, '--json'])).stdout,
      );
      assert.deepEqual(json[1].cloudEvent, incoming(5).cloudEvent);
    });

    it('replays them into a running router, which delivers them with the same id', async () => {
      const processor = new TestProcessor('p1');
      const dispatcher = new Dispatcher({
        processor,
        store: router!,
        retry: { initialBackoffMs: 60_000, maxBackoffMs: 60_000, maxRetryAgeMs: 3_600_000 },
        concurrency: 1,
        counters: noCounters,
        logger: silentLogger(),
        externalCheckMs: 10,
      });
      dispatcher.start();
      try {
        await eventually(() => processor.keysSentTo('fn-a').includes(1), 'first delivery');

        const ran = await run(deadLettersCommand, ['replay', '-d', data.dir, '--id', '2']);
        assert.equal(ran.stdout, 'replayed 1 dead letters\n');

        await eventually(() => processor.keysSentTo('fn-b').length === 1, 'replayed delivery');
        const call = processor.calls.find((c) => c.target === 'fn-b')!;
        assert.deepEqual(call.ids, [incoming(5).cloudEvent.id]);
        const left = JSON.parse(
          (await run(deadLettersCommand, ['list', '-d', data.dir, '--json'])).stdout,
        );
        assert.deepEqual(
          left.map((l: { id: number }) => l.id),
          [1],
        );
      } finally {
        await dispatcher.stop();
      }
    });

    it('puts a replayed event back in its place in the target order', async () => {
      const ran = await run(deadLettersCommand, ['replay', '-d', data.dir, '--processor', 'p1']);
      assert.equal(ran.stdout, 'replayed 2 dead letters\n');
      const lane = router!.deliveries.head('p1', 'fn-a', 10).map((d) => d.seq);
      assert.deepEqual(lane, [1, 3, 4]);
      assert.equal(router!.deliveries.head('p1', 'fn-b', 10)[0].attempts, 0);
    });

    it('purges only the chosen processor', async () => {
      router!.routing.syncProcessors(['p1', 'p2'], Date.now());
      router!.takeIn('vc01', [incoming(8)]);
      router!.routing.routePage('p2', () => ['fn-c'], 10, Date.now());
      router!.deliveries.apply(
        'p2',
        'fn-c',
        [{ outcome: 'dead', seq: 6, attempts: 1, firstAttemptMs: 0, reason: 'rejected' }],
        Date.now(),
      );

      const ran = await run(deadLettersCommand, ['purge', '-d', data.dir, '-p', 'p1']);

      assert.equal(ran.stdout, 'purged 2 dead letters\n');
      const left = [...router!.deadLetters.list()];
      assert.deepEqual(
        left.map((l) => l.processor),
        ['p2'],
      );
    });

    it('rejects an --id that is not a number, naming it', async () => {
      const ran = await run(deadLettersCommand, ['purge', '-d', data.dir, '--id', 'all']);
      assert.equal(ran.exitCode, 78);
      assert.match(ran.stderr, /--id all: not a dead letter id/);
      assert.equal([...router!.deadLetters.list()].length, 2);
    });
  });

  describe('backup and restore', () => {
    it('round-trips events, checkpoints, deliveries and dead letters', async () => {
      const out = path.join(path.dirname(data.dir), 'router-backup.db');
      // The router keeps writing during the backup.
      const backingUp = run(backupCommand, ['--data-dir', data.dir, '--out', out]);
      router!.takeIn('vc01', [incoming(9)]);
      const ran = await backingUp;
      assert.equal(ran.exitCode, 0, ran.stderr);
      assert.match(ran.stdout, /backup written to .*router-backup\.db/);
      assert.equal(fs.statSync(out).mode & 0o777, 0o600);
      const beside = fs
        .readdirSync(path.dirname(out))
        .filter((f) => f.startsWith('router-backup'));
      assert.deepEqual(beside, ['router-backup.db'], 'one self-contained file');

      const target = path.join(path.dirname(data.dir), 'restored');
      const restored = await run(restoreCommand, ['--data-dir', target, '--from', out]);
      assert.equal(restored.exitCode, 0, restored.stderr);

      const copy = RouterStore.open({ dataDir: target });
      try {
        assert.equal(
          copy.readCheckpoint('vc01')?.lastKey,
          router!.readCheckpoint('vc01')?.lastKey,
        );
        const before = router!.status();
        const after = copy.status();
        assert.deepEqual(
          after.processors.map((p) => [p.deliveries, p.retrying, p.deadLetters]),
          before.processors.map((p) => [p.deliveries, p.retrying, p.deadLetters]),
        );
        assert.equal(copy.takeIn('vc01', [incoming(3)]).duplicates, 1);
        assert.equal(fs.statSync(databaseFile(target)).mode & 0o777, 0o600);
      } finally {
        copy.close();
      }
    });

    it('refuses to restore while a router holds the data directory', async () => {
      const out = path.join(path.dirname(data.dir), 'b.db');
      await run(backupCommand, ['-d', data.dir, '-o', out]);

      const ran = await run(restoreCommand, ['-d', data.dir, '-f', out]);

      assert.equal(ran.exitCode, 78);
      assert.match(ran.stderr, /data directory is in use: .*router\.lock is held by router \(pid/);
      assert.equal(router!.readCheckpoint('vc01')?.lastKey, 5);
    });

    it('restores over a stopped router and keeps the replaced database aside', async () => {
      const out = path.join(path.dirname(data.dir), 'b.db');
      await run(backupCommand, ['-d', data.dir, '-o', out]);
      router!.takeIn('vc01', [incoming(10)]);
      router!.close();
      router = undefined;

      const ran = await run(restoreCommand, ['-d', data.dir, '-f', out]);

      assert.equal(ran.exitCode, 0, ran.stderr);
      const aside = /kept at (\S+)/.exec(ran.stdout)![1];
      const old = new Database(aside, { readonly: true });
      try {
        assert.equal(old.prepare('SELECT last_key FROM checkpoints').pluck().get(), 10);
      } finally {
        old.close();
      }
      assert.deepEqual(
        fs.readdirSync(data.dir).filter((f) => f.includes('restoring')),
        [],
        'no leftovers of the restore',
      );
      router = RouterStore.open({ dataDir: data.dir });
      assert.equal(router.readCheckpoint('vc01')?.lastKey, 5);
    });

    it('gives a database restored by root to the data directory owner', async function () {
      if (process.getuid?.() !== 0) this.skip();
      const out = path.join(path.dirname(data.dir), 'b.db');
      await run(backupCommand, ['-d', data.dir, '-o', out]);
      const target = path.join(path.dirname(data.dir), 'service-owned');
      fs.mkdirSync(target, { mode: 0o700 });
      fs.chownSync(target, 65534, 65534); // the directory systemd made for the service user

      const ran = await run(restoreCommand, ['-d', target, '-f', out]);

      assert.equal(ran.exitCode, 0, ran.stderr);
      const stat = fs.statSync(databaseFile(target));
      assert.deepEqual([stat.uid, stat.gid, stat.mode & 0o777], [65534, 65534, 0o600]);
    });

    it('refuses to write a backup over the live database', async () => {
      const ran = await run(backupCommand, ['-d', data.dir, '-o', databaseFile(data.dir)]);
      assert.equal(ran.exitCode, 78);
      assert.match(ran.stderr, /is the live database/);
      assert.equal(router!.readCheckpoint('vc01')?.lastKey, 5);
    });

    it('refuses a file that is not a router database, changing nothing', async () => {
      router!.close();
      router = undefined;
      const other = path.join(path.dirname(data.dir), 'other.db');
      const db = new Database(other);
      db.exec('CREATE TABLE t (x)');
      db.close();
      const garbage = path.join(path.dirname(data.dir), 'garbage.db');
      fs.writeFileSync(garbage, 'garbage '.repeat(1000));

      for (const file of [other, garbage]) {
        const ran = await run(restoreCommand, ['-d', data.dir, '-f', file]);
        assert.equal(ran.exitCode, 78);
        assert.match(ran.stderr, /backup .*: .*nothing was changed/);
      }
      router = RouterStore.open({ dataDir: data.dir });
      assert.equal(router.readCheckpoint('vc01')?.lastKey, 5);
    });
  });
});
