// From the test vCenter to OpenFaaS functions, through the whole router: vcsim
// (test/support/vcsim.ts, a real govmomi simulator) -> stream -> SQLite store -> dispatcher ->
// OpenFaaS processor -> the gateway stand-in (test/stand-ins/openfaas-gateway.ts).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type {
  OpenFaasProcessorConfig,
  RouterConfig,
  StreamConfig,
} from '../../router/src/config/types';
import type { RouterCloudEvent } from '../../router/src/events/cloudevent-json';
import { silentLogger } from '../../router/src/log';
import { Router } from '../../router/src/router';
import { startVcsim, vcsimBinaryPath, type Vcsim } from '../support/vcsim';
import { OpenFaasGatewayStandIn } from '../stand-ins/openfaas-gateway';

const powerSubjects = new Set(['VmPoweredOnEvent', 'VmPoweredOffEvent']);

/** Polls until the condition holds; the bound only keeps a broken test from hanging. */
async function waitFor(condition: () => boolean, what: string, boundMs = 30_000): Promise<void> {
  const until = Date.now() + boundMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('vCenter events to OpenFaaS functions, end to end', function () {
  let vcsim: Vcsim | undefined;
  let gateway: OpenFaasGatewayStandIn | undefined;
  let router: Router | undefined;
  let dataDir: string | undefined;

  before(function () {
    if (!fs.existsSync(vcsimBinaryPath())) this.skip(); // `make vcsim` builds it
  });

  afterEach(async () => {
    await router?.stop();
    await gateway?.stop();
    await vcsim?.stop();
    if (dataDir !== undefined) fs.rmSync(dataDir, { recursive: true, force: true });
    router = gateway = vcsim = dataDir = undefined;
  });

  it('runs a function on the power events its topic annotation names, and no others', async () => {
    vcsim = await startVcsim();
    const burst = await vcsim.burst(80, 7);

    const credentials = { username: 'admin', password: 'e2e-gateway-secret' };
    gateway = new OpenFaasGatewayStandIn({ credentials });
    await gateway.start();
    gateway.deploy({
      name: 'power',
      annotations: { topic: 'VmPoweredOnEvent,VmPoweredOffEvent' },
    });
    gateway.deploy({ name: 'legacy', annotations: { topic: 'vm.powered.on' } });
    gateway.deploy({ name: 'everything', annotations: { topic: '*' } });

    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'openfaas-e2e-'));
    router = await Router.start(routerConfig(vcsim, gateway.url, credentials), {
      dataDir,
      logger: silentLogger(),
    });

    // `*` sees every event: once it has the whole burst, the burst is through the router.
    const seen = (name: string) =>
      gateway!.invocationsOf(name).map((call) => JSON.parse(call.body) as RouterCloudEvent);
    const burstKeys = (events: RouterCloudEvent[]) =>
      new Set(
        events
          .map((event) => Number(event.data.Key))
          .filter((key) => key >= burst.firstKey && key <= burst.lastKey),
      );
    await waitFor(
      () => burstKeys(seen('everything')).size === burst.lastKey - burst.firstKey + 1,
      'every burst event at the * function',
    );

    const everything = seen('everything');
    const expectedPower = everything.filter((event) => powerSubjects.has(event.subject));
    const expectedOn = everything.filter((event) => event.subject === 'VmPoweredOnEvent');
    assert.ok(expectedPower.length > 0, 'the burst has power events');
    const ids = (events: RouterCloudEvent[]) => events.map((event) => event.id).sort();
    await waitFor(() => seen('power').length >= expectedPower.length, 'power events');
    await waitFor(() => seen('legacy').length >= expectedOn.length, 'powered-on events');

    assert.deepEqual(ids(seen('power')), ids(expectedPower));
    assert.deepEqual(ids(seen('legacy')), ids(expectedOn));
    const [call] = gateway.invocationsOf('power');
    assert.equal(call.path, '/function/power');
    assert.equal(call.headers['content-type'], 'application/json');
    assert.ok(powerSubjects.has(String(call.headers['x-topic'])));
    const event = JSON.parse(call.body) as RouterCloudEvent;
    assert.equal(event.specversion, '1.0');
    assert.equal(event.subject, call.headers['x-topic']);
    assert.equal(event.source, vcsim.sdkUrl);
  });

  it('keeps events in the store while the gateway is down, and delivers them when it is back', async () => {
    vcsim = await startVcsim();
    gateway = new OpenFaasGatewayStandIn();
    await gateway.start();
    gateway.deploy({
      name: 'power',
      annotations: { topic: 'VmPoweredOnEvent,VmPoweredOffEvent' },
    });
    gateway.deploy({ name: 'everything', annotations: { topic: '*' } });
    await gateway.goDown();

    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'openfaas-e2e-'));
    router = await Router.start(routerConfig(vcsim, gateway.url), {
      dataDir,
      logger: silentLogger(),
    });
    const burst = await vcsim.burst(40, 11);
    const openfaas = () => router!.snapshot().processors.find((p) => p.name === 'openfaas');
    await waitFor(() => (openfaas()?.buffered ?? 0) >= burst.posted, 'the burst in the store');
    assert.equal(openfaas()?.health.healthy, false);

    await gateway.comeBack();
    const inBurst = (event: RouterCloudEvent) =>
      Number(event.data.Key) >= burst.firstKey && Number(event.data.Key) <= burst.lastKey;
    await waitFor(() => openfaas()?.buffered === 0, 'the store drained');
    const received = (name: string) =>
      gateway!
        .invocationsOf(name)
        .map((call) => JSON.parse(call.body) as RouterCloudEvent)
        .filter(inBurst);
    const everything = received('everything');
    const burstSize = burst.lastKey - burst.firstKey + 1;
    assert.equal(new Set(everything.map((event) => event.data.Key)).size, burstSize);
    const ids = (events: RouterCloudEvent[]) => events.map((event) => event.id).sort();
    const expectedPower = everything.filter((event) => powerSubjects.has(event.subject));
    assert.ok(expectedPower.length > 0, 'the burst has power events');
    assert.deepEqual(ids(received('power')), ids(expectedPower));
    assert.equal(openfaas()?.health.healthy, true);
  });
});

function routerConfig(
  vcsim: Vcsim,
  gatewayUrl: string,
  auth?: { username: string; password: string },
): RouterConfig {
  const stream: StreamConfig = {
    name: 'vcsim',
    address: vcsim.sdkUrl,
    username: vcsim.username,
    password: vcsim.password,
    tls: { insecure: false, caFile: vcsim.caFile },
    checkpoint: true,
    pollIntervalMs: 100,
    pageSize: 50,
    startFrom: { kind: 'beginning' },
    maxReplayAgeMs: 86_400_000,
    maxBufferedEvents: 100_000,
  };
  const openfaas: OpenFaasProcessorConfig = {
    provider: 'openfaas',
    name: 'openfaas',
    address: gatewayUrl,
    auth,
    async: false,
    timeoutMs: 5_000,
    topicRefreshIntervalMs: 200,
    retry: { initialBackoffMs: 100, maxBackoffMs: 1_000, maxRetryAgeMs: 600_000 },
    concurrency: 1,
  };
  return { streams: [stream], processors: [openfaas] };
}
