// The router process and the disk under its data directory (regressions found by make chaos):
// - a read-only data directory at start was a stack trace and exit 1 (systemd restarted it in
//   a loop); it is one line naming the directory and exit 78;
// - a corrupt database was reported over several lines (SQLite's `*** in database main ***`
//   heading and a newline); it is one line;
// - a disk filled while the OpenFaaS gateway was down stayed full for good: results of
//   deliveries could not be recorded, so they were sent again every few seconds and nothing
//   was freed. Take in now leaves room, and the router recovers by itself.
// The data directory is a small tmpfs of the test's own: it needs root (mount); without it
// these tests are skipped.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import type { RouterCloudEvent } from '../../router/src/events/cloudevent-json';
import { OpenFaasGatewayStandIn } from '../stand-ins/openfaas-gateway';
import { routerFiles, startRouter, type RouterFiles } from '../support/router-process';
import { startVcsim, vcsimBinaryPath, type Vcsim } from '../support/vcsim';

function mountTmpfs(dir: string, size: string): boolean {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const args = ['-t', 'tmpfs', '-o', `size=${size},mode=0700`, 'tmpfs', dir];
  return spawnSync('mount', args).status === 0;
}

function unmount(dir: string): void {
  if (spawnSync('mountpoint', ['-q', dir]).status === 0) spawnSync('umount', [dir]);
}

function streamEntry(vcsim: Vcsim | undefined): Record<string, unknown> {
  return {
    type: 'stream',
    provider: 'vmware_vcenter',
    name: 'vcsim',
    // No vCenter is needed to test the start: the store opens first.
    address: vcsim?.sdkUrl ?? 'https://127.0.0.1:9/sdk',
    auth: {
      method: 'user_password',
      secret: { username: vcsim?.username ?? 'u', password: vcsim?.password ?? 'p' },
    },
    options: {
      ...(vcsim ? { ca_file: vcsim.caFile } : { insecure: true }),
      poll_interval: '100ms',
      page_size: 200,
      start_from: 'beginning',
    },
  };
}

const stdoutProcessor = { type: 'processor', provider: 'stdout', name: 'stdout' };

describe('router: the data directory and its disk', function () {
  this.timeout(120_000);
  let files: RouterFiles | undefined;
  let vcsim: Vcsim | undefined;
  let gateway: OpenFaasGatewayStandIn | undefined;

  beforeEach(function () {
    files = routerFiles([streamEntry(undefined), stdoutProcessor]);
    if (!mountTmpfs(files.dataDir, '8m')) {
      files.remove();
      files = undefined;
      this.skip(); // not root, or mounting not allowed here
    }
  });

  afterEach(async () => {
    await gateway?.stop();
    await vcsim?.stop();
    gateway = vcsim = undefined;
    if (files) {
      unmount(files.dataDir);
      files.remove();
    }
  });

  /** Runs the router until it exits by itself (bounded); its exit and its log. */
  async function runToExit(): Promise<{ code: number | string; logs: string[] }> {
    const router = startRouter(files!);
    const code = await Promise.race([router.exited(), sleep(20_000).then(() => 'running')]);
    if (code === 'running') await router.stop();
    return { code, logs: router.logs };
  }

  async function createDatabase(): Promise<void> {
    const router = startRouter(files!);
    // The stream's first attempt comes after the signal handlers are in place.
    await router.waitForLog(/\[vcenter\]/);
    assert.equal(await router.stop(), 0);
  }

  it('refuses a read-only data directory with one line and exit 78', async () => {
    await createDatabase();
    assert.equal(spawnSync('mount', ['-o', 'remount,ro', files!.dataDir]).status, 0);

    const { code, logs } = await runToExit();

    assert.equal(code, 78);
    const errors = logs.filter((line) => line.includes('ERROR'));
    assert.equal(errors.length, 1, logs.join('\n'));
    assert.match(errors[0], /data directory .*data is not writable \(EROFS/);
    assert.ok(!logs.some((line) => /^\s+at /.test(line)), 'no stack trace');
    spawnSync('mount', ['-o', 'remount,rw', files!.dataDir]);
  });

  it('names a corrupt database on one line', async () => {
    await createDatabase();
    const file = path.join(files!.dataDir, 'router.db');
    const fd = fs.openSync(file, 'r+');
    // Past the header: the schema stays readable, the b-tree pages behind it do not.
    for (let offset = 4_096; offset < fs.fstatSync(fd).size; offset += 4_096) {
      fs.writeSync(fd, randomBytes(256), 0, 256, offset);
    }
    fs.closeSync(fd);

    const { code, logs } = await runToExit();

    assert.equal(code, 78);
    const errors = logs.filter((line) => line.includes('ERROR'));
    assert.equal(errors.length, 1, logs.join('\n'));
    assert.match(errors[0], /router\.db: corrupt.*restore --data-dir/);
    const after = logs.slice(logs.indexOf(errors[0]) + 1);
    assert.deepEqual(after, [], 'nothing on further lines');
  });

  it('recovers by itself from a disk filled while the gateway was down', async function () {
    if (!fs.existsSync(vcsimBinaryPath())) this.skip(); // `make vcsim` builds it
    vcsim = await startVcsim({ eventHistorySize: 100_000 });
    gateway = new OpenFaasGatewayStandIn();
    await gateway.start();
    const arrived = new Set<number>();
    gateway.deploy({
      name: 'everything',
      annotations: { topic: '*' },
      handler: (call) => {
        arrived.add(Number((JSON.parse(call.body) as RouterCloudEvent).data.Key));
        return { status: 200 };
      },
    });
    const openfaas = {
      type: 'processor',
      provider: 'openfaas',
      name: 'openfaas',
      address: gateway.url,
      auth: { method: 'none' },
      options: { timeout: 2, topic_refresh_interval: 1, initial_backoff: 0.2, max_backoff: 2 },
    };
    fs.writeFileSync(files!.configFile, JSON.stringify([streamEntry(vcsim), openfaas]));
    const router = startRouter(files!);
    await router.waitForLog(/\[vcenter\] connected/);
    await gateway.goDown();

    for (let round = 0; round < 10 && !router.logs.some((l) => /store full/.test(l)); round++) {
      await vcsim.burst(1_500, round + 1);
      await sleep(1_000);
    }
    await router.waitForLog(/store full: .*nearly full/);
    await gateway.comeBack();
    await router.waitForLog(/room again; reading from vCenter resumed/, 90_000);

    const { lastEventKey } = await vcsim.status();
    const deadline = Date.now() + 90_000;
    while (!arrived.has(lastEventKey) && Date.now() < deadline) await sleep(200);
    assert.ok(arrived.has(lastEventKey), 'the newest event arrived');
    assert.ok(
      !router.logs.some((line) => /could not record delivery results/.test(line)),
      'every result was recorded',
    );
    assert.equal(await router.stop(), 0);
  });
});
