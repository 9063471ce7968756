// From the test vCenter to EventBridge buses, through the whole router: vcsim
// (test/support/vcsim.ts, a real govmomi simulator) -> stream -> SQLite store -> dispatcher ->
// EventBridge processor -> the real AWS SDK -> the EventBridge stand-in
// (test/stand-ins/eventbridge-endpoint.ts), which checks SigV4 with the configured secret.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type {
  EventBridgeProcessorConfig,
  RouterConfig,
  StreamConfig,
} from '../../router/src/config/types';
import type { RouterCloudEvent } from '../../router/src/events/cloudevent-json';
import { silentLogger } from '../../router/src/log';
import { Router } from '../../router/src/router';
import { EventBridgeEndpoint, type ReceivedEvent } from '../stand-ins/eventbridge-endpoint';
import { startVcsim, vcsimBinaryPath, type Vcsim, type BurstResult } from '../support/vcsim';

const accessKeyId = 'AKIAE2ETESTKEY000000';
const secretAccessKey = 'e2e/EventBridge+Secret/wJalrXUtnFEMI';
const powerSubjects = ['VmPoweredOnEvent', 'VmPoweredOffEvent'];

/** Polls until the condition holds; the bound only keeps a broken test from hanging. */
async function waitFor(condition: () => boolean, what: string, boundMs = 30_000): Promise<void> {
  const until = Date.now() + boundMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('vCenter events to EventBridge, end to end', function () {
  let vcsim: Vcsim | undefined;
  let endpoint: EventBridgeEndpoint | undefined;
  let router: Router | undefined;
  let dataDir: string | undefined;

  before(function () {
    if (!fs.existsSync(vcsimBinaryPath())) this.skip(); // `make vcsim` builds it
  });

  afterEach(async () => {
    await router?.stop();
    await endpoint?.stop();
    await vcsim?.stop();
    if (dataDir !== undefined) fs.rmSync(dataDir, { recursive: true, force: true });
    router = endpoint = vcsim = dataDir = undefined;
  });

  /** Two buses: `power` behind a rule for power events, `all` behind one that takes all. */
  async function startAll(): Promise<{ vcsim: Vcsim; endpoint: EventBridgeEndpoint }> {
    vcsim = await startVcsim();
    endpoint = await EventBridgeEndpoint.start({ accessKeyId, secretAccessKey });
    endpoint.setRule({
      name: 'power-events',
      eventBus: 'power',
      pattern: { source: [vcsim.sdkUrl], 'detail-type': powerSubjects },
    });
    endpoint.setRule({
      name: 'all-events',
      eventBus: 'all',
      pattern: { source: [{ prefix: '' }] },
    });
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'eventbridge-e2e-'));
    router = await Router.start(routerConfig(vcsim, endpoint), {
      dataDir,
      logger: silentLogger(),
    });
    return { vcsim, endpoint };
  }

  function inBurst(burst: BurstResult): (event: ReceivedEvent) => boolean {
    return (event) => {
      const key = Number((event.detail as unknown as RouterCloudEvent).data.Key);
      return key >= burst.firstKey && key <= burst.lastKey;
    };
  }

  function idsOn(eventBus: string, burst: BurstResult): string[] {
    return endpoint!.received
      .filter((event) => event.eventBusName === eventBus)
      .filter(inBurst(burst))
      .map((event) => String(event.detail.id))
      .sort();
  }

  function processor(name: string) {
    return router!.snapshot().processors.find((p) => p.name === name);
  }

  it('puts power events on the bus whose rule takes them, every event on the other', async () => {
    const { vcsim, endpoint } = await startAll();
    const burst = await vcsim.burst(80, 7);
    const burstSize = burst.lastKey - burst.firstKey + 1;
    await waitFor(() => new Set(idsOn('all', burst)).size === burstSize, 'the burst on bus all');

    const all = endpoint.received.filter((e) => e.eventBusName === 'all').filter(inBurst(burst));
    const expectedPower = all.filter((event) => powerSubjects.includes(event.detailType));
    assert.ok(expectedPower.length > 0, 'the burst has power events');
    const expectedIds = expectedPower.map((event) => String(event.detail.id)).sort();
    await waitFor(() => idsOn('power', burst).length >= expectedIds.length, 'power events');
    await waitFor(() => processor('power')?.buffered === 0, 'bus power drained');
    assert.deepEqual(idsOn('power', burst), expectedIds);

    const [entry] = endpoint.received.filter((event) => event.eventBusName === 'power');
    const cloudEvent = entry.detail as unknown as RouterCloudEvent;
    assert.equal(entry.source, vcsim.sdkUrl);
    assert.equal(cloudEvent.source, vcsim.sdkUrl);
    assert.equal(entry.detailType, cloudEvent.subject);
    assert.equal(entry.time, Math.floor(Date.parse(String(cloudEvent.data.CreatedTime)) / 1000));
    assert.ok(entry.resources.some((resource) => resource.startsWith('VirtualMachine:vm-')));
    assert.ok(endpoint.calls.every((call) => call.accessKeyId === accessKeyId));
    assert.deepEqual(processor('power')?.health, { healthy: true });
  });

  it('keeps events in the store while EventBridge is down, puts them once back', async () => {
    const { vcsim, endpoint } = await startAll();
    await endpoint.down();
    const burst = await vcsim.burst(40, 11);
    await waitFor(() => (processor('all')?.buffered ?? 0) >= burst.posted, 'the burst waiting');
    await waitFor(() => processor('all')?.health.healthy === false, 'unhealthy while down');
    assert.equal(endpoint.received.filter(inBurst(burst)).length, 0);

    await endpoint.up();
    const burstSize = burst.lastKey - burst.firstKey + 1;
    await waitFor(() => new Set(idsOn('all', burst)).size === burstSize, 'the burst on bus all');
    await waitFor(() => processor('power')?.buffered === 0, 'bus power drained');
    const power = endpoint.received
      .filter((event) => event.eventBusName === 'power')
      .filter(inBurst(burst));
    assert.ok(power.length > 0, 'the burst has power events');
    assert.ok(power.every((event) => powerSubjects.includes(event.detailType)));
    assert.equal(new Set(power.map((event) => event.detail.id)).size, power.length);
    assert.equal(processor('all')?.health.healthy, true);
    assert.equal(processor('all')?.deadLetters, 0);
  });
});

function routerConfig(vcsim: Vcsim, endpoint: EventBridgeEndpoint): RouterConfig {
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
  const processor = (name: string, rule: string): EventBridgeProcessorConfig => ({
    provider: 'aws_event_bridge',
    name,
    region: endpoint.region,
    eventBus: name,
    ruleArn: endpoint.ruleArn(rule, name),
    credentials: { accessKeyId, secretAccessKey },
    endpoint: endpoint.url,
    ruleRefreshIntervalMs: 200,
    timeoutMs: 5_000,
    retry: { initialBackoffMs: 100, maxBackoffMs: 1_000, maxRetryAgeMs: 600_000 },
    concurrency: 1,
  });
  return {
    streams: [stream],
    processors: [processor('power', 'power-events'), processor('all', 'all-events')],
  };
}
