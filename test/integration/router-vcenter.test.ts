// The router as an operator runs it (a child process, the stdout processor) against vcsim:
// reading, catching up, following new events, and surviving what vCenters do to clients.
import assert from 'node:assert/strict';

import type { RouterCloudEvent } from '../../router/src/events/cloudevent-json';
import {
  routerFiles,
  startRouter,
  stdoutConfig,
  type RouterFiles,
  type RouterProcess,
} from '../support/router-process';
import { vcsimStreamEntry } from '../support/config-entries';
import { startVcsim, type Vcsim } from '../support/vcsim';
import { VcsimSoapClient, type VcsimEvent } from '../support/vcsim-soap';

function streamEntry(
  vcsim: Vcsim,
  options: Record<string, unknown> = {},
): Record<string, unknown> {
  const defaults = { ca_file: vcsim.caFile, poll_interval: '100ms', start_from: 'beginning' };
  return vcsimStreamEntry(vcsim, { ...defaults, ...options });
}

const keyOf = (event: RouterCloudEvent) => event.data.Key as number;

/** vCenter's whole history, oldest first, read with a collector of our own. */
async function vcenterHistory(vcsim: Vcsim): Promise<VcsimEvent[]> {
  const client = await VcsimSoapClient.loggedIn(vcsim);
  const collector = await client.createCollectorForEvents();
  const history = await client.readToEnd(collector, 1000);
  await client.destroyCollector(collector);
  await client.logout();
  return history;
}

describe('router against vcsim', function () {
  this.timeout(120_000);
  let vcsim: Vcsim;
  let files: RouterFiles | undefined;
  let router: RouterProcess | undefined;

  beforeEach(async () => {
    vcsim = await startVcsim();
  });

  afterEach(async () => {
    await router?.stop();
    router = undefined;
    files?.remove();
    files = undefined;
    await vcsim.stop();
  });

  function run(config: unknown[]): RouterProcess {
    files = routerFiles(config);
    router = startRouter(files);
    return router;
  }

  it('reads the whole history in pages, in creation order, once each', async () => {
    await vcsim.burst(420);
    const r = run(stdoutConfig(streamEntry(vcsim, { page_size: 37 })));
    const { lastEventKey } = await vcsim.status();
    await r.waitForEvents((events) => events.some((e) => keyOf(e) >= lastEventKey), 'the burst');
    await r.stop();

    const delivered = r.events.map(keyOf);
    const newest = Math.max(...delivered);
    const history = (await vcenterHistory(vcsim)).filter((e) => e.key <= newest);
    assert.ok(history.length > 420);
    assert.deepEqual(
      delivered,
      history.map((e) => e.key),
    );
    assert.equal(new Set(r.events.map((e) => e.id)).size, r.events.length, 'ids are distinct');
    const powerOff = r.events.find((e) => e.subject === 'VmPoweredOffEvent');
    assert.equal(powerOff?.type, 'com.vmware.event.router/event');
    assert.equal(powerOff?.source, vcsim.sdkUrl);
  });

  it('follows events created while it runs: a VM powered off and on', async () => {
    const r = run(stdoutConfig(streamEntry(vcsim, { start_from: 'now' })));
    await r.waitForLog(/\[vcenter\] connected/);
    const client = await VcsimSoapClient.loggedIn(vcsim);
    const [placement] = await client.findVms();
    await client.powerOffVm(placement.vm.ref);
    await client.powerOnVm(placement.vm.ref);
    await r.waitForEvents(
      (events) => events.some((e) => e.subject === 'VmPoweredOnEvent'),
      'the power events',
    );
    const power = r.events.filter((e) => e.subject.startsWith('VmPowered'));
    assert.deepEqual(
      power.map((e) => e.subject),
      ['VmPoweredOffEvent', 'VmPoweredOnEvent'],
    );
    for (const event of power) {
      const vm = event.data.Vm as { Name: string; Vm: { Type: string; Value: string } };
      assert.equal(vm.Name, placement.vm.name);
      assert.deepEqual(vm.Vm, { Type: 'VirtualMachine', Value: placement.vm.ref.value });
    }
    await client.logout();
  });

  it('logs in again when vCenter ends its session, and misses nothing', async () => {
    const r = run(stdoutConfig(streamEntry(vcsim)));
    await r.waitForLog(/\[vcenter\] connected/);
    assert.ok((await vcsim.expireSessions()) >= 1);
    const burst = await vcsim.burst(50);
    await r.waitForEvents((events) => events.some((e) => keyOf(e) === burst.lastKey), 'the burst');
    await r.waitForLog(/NotAuthenticated/);
    await r.waitForLog(/reconnected after 1 failed attempts/);
    const keys = r.events.map(keyOf);
    for (let key = burst.firstKey; key <= burst.lastKey; key++)
      assert.ok(keys.includes(key), `key ${key}`);
    assert.equal(new Set(keys).size, keys.length, 'no event twice');
  });

  it('reconnects after vCenter restarts and reads what the new vCenter logs', async () => {
    const r = run(stdoutConfig(streamEntry(vcsim)));
    await r.waitForLog(/\[vcenter\] connected/);
    await vcsim.restart();
    const burst = await vcsim.burst(30);
    await r.waitForEvents(
      (events) => events.some((e) => keyOf(e) === burst.lastKey),
      'after restart',
      60_000,
    );
    await r.waitForLog(/reconnected after/);
  });

  it('pins the certificate by SHA-256 or SHA-1 thumbprint instead of a CA', async () => {
    for (const thumbprint of [vcsim.thumbprintSha256, vcsim.thumbprintSha1.replace(/:/g, '')]) {
      const r = run(stdoutConfig(streamEntry(vcsim, { ca_file: undefined, thumbprint })));
      await r.waitForEvents((events) => events.length > 0, `events with pin ${thumbprint}`);
      await r.stop();
      files?.remove();
    }
  });

  it('skips verification with insecure', async () => {
    const r = run(stdoutConfig(streamEntry(vcsim, { ca_file: undefined, insecure: true })));
    await r.waitForEvents((events) => events.length > 0, 'events without verification');
  });

  it('says why TLS failed, keeps retrying, and sends no credentials', async () => {
    const unknown = run(stdoutConfig(streamEntry(vcsim, { ca_file: undefined })));
    await unknown.waitForLog(/TLS: self-signed certificate \(unknown authority\)/);
    assert.equal(unknown.child.exitCode, null, 'still running');
    assert.equal(unknown.events.length, 0);
    await unknown.stop();
    files?.remove();

    const wrongPin = '00'.repeat(32);
    const pinned = run(
      stdoutConfig(streamEntry(vcsim, { ca_file: undefined, thumbprint: wrongPin })),
    );
    await pinned.waitForLog(/TLS: certificate pin mismatch/);
    assert.equal(pinned.events.length, 0);
    for (const line of [...unknown.logs, ...pinned.logs]) {
      assert.ok(!line.includes(vcsim.password), 'the password never reaches the log');
    }
  });

  it('notices a certificate changed under a pin', async () => {
    const r = run(
      stdoutConfig(streamEntry(vcsim, { ca_file: undefined, thumbprint: vcsim.thumbprintSha256 })),
    );
    await r.waitForLog(/\[vcenter\] connected/);
    await vcsim.restart({ newCertificate: true });
    await r.waitForLog(/TLS: certificate pin mismatch/, 60_000);
  });

  it('reports a wrong password as InvalidLogin and keeps running', async () => {
    const entry = streamEntry(vcsim);
    (entry.auth as { secret: { password: string } }).secret.password = 'wrong&<"password>';
    const r = run(stdoutConfig(entry));
    const line = await r.waitForLog(/InvalidLogin/);
    assert.match(line, /Login/);
    assert.ok(!r.logs.some((l) => l.includes('wrong&<"password>')));
    assert.equal(r.child.exitCode, null);
  });

  it('rejects an invalid config on SIGHUP and keeps the running one', async () => {
    const r = run(stdoutConfig(streamEntry(vcsim, { start_from: 'now' })));
    await r.waitForLog(/\[vcenter\] connected/);
    const fs = await import('node:fs');
    fs.writeFileSync(files!.configFile, '[{"type": "stream", "provider": "vmware_vcenter"}]');
    r.signal('SIGHUP');
    await r.waitForLog(/rejected; the running configuration stays/);
    const burst = await vcsim.burst(5);
    await r.waitForEvents(
      (events) => events.some((e) => keyOf(e) === burst.lastKey),
      'events after',
    );
  });

  it('serves /healthz: 200 while reading, 503 with the reason while vCenter is gone', async () => {
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const metrics = {
      type: 'metrics',
      provider: 'internal',
      address: `127.0.0.1:${port}`,
      auth: { method: 'none' },
    };
    const r = run(stdoutConfig(streamEntry(vcsim), [metrics]));
    await r.waitForLog(/\[vcenter\] connected/);
    const healthy = await fetch(`http://127.0.0.1:${port}/healthz`);
    assert.equal(healthy.status, 200);
    await vcsim.kill();
    await r.waitForLog(/ECONNREFUSED/, 30_000);
    const down = await fetch(`http://127.0.0.1:${port}/healthz`);
    assert.equal(down.status, 503);
    const body = (await down.json()) as { problems: string[] };
    assert.match(body.problems[0], /^stream 127\.0\.0\.1 reconnecting: .*ECONNREFUSED/);
    await vcsim.restart();
  });
});
