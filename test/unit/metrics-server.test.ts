import assert from 'node:assert/strict';

import { silentLogger } from '../../router/src/log';
import { MetricsRegistry } from '../../router/src/metrics/registry';
import { MetricsServer } from '../../router/src/metrics/server';
import type { RouterSnapshot } from '../../router/src/metrics/snapshot';

function snapshotWith(state: 'connected' | 'reconnecting', reason?: string): RouterSnapshot {
  return {
    streams: [
      {
        name: 'vc01',
        address: 'https://vc01.example.com/sdk',
        started: '2026-12-03T10:00:00.000Z',
        health: { state, reason, since: '2026-12-03T10:00:00.000Z', stallRecoveries: 0 },
        checkpoint: {
          lastKey: 42,
          lastCreatedTime: '2026-12-03T10:00:00.123Z',
          updatedAt: '2026-12-03T10:00:01.000Z',
          ageSeconds: 5,
        },
      },
    ],
    processors: [
      {
        name: 'openfaas',
        provider: 'openfaas',
        address: 'http://127.0.0.1:8080',
        started: '2026-12-03T10:00:00.000Z',
        health: { healthy: true },
        buffered: 7,
        retrying: 2,
        deadLetters: 1,
      },
    ],
  };
}

describe('metrics server', () => {
  let server: MetricsServer;
  let base: string;
  let snapshot: RouterSnapshot;
  const registry = new MetricsRegistry();
  const credentials = 'Basic ' + Buffer.from('metrics:s3cret&').toString('base64');

  before(async () => {
    snapshot = snapshotWith('connected');
    const config = { address: '127.0.0.1:0', auth: { username: 'metrics', password: 's3cret&' } };
    server = new MetricsServer(config, registry, () => snapshot, silentLogger());
    base = `http://127.0.0.1:${await server.start()}`;
    registry.streamEvents('vc01', 3);
    registry.delivery('openfaas', 'fn-a', 'VmPoweredOnEvent', 'delivered');
    registry.delivery('openfaas', 'fn-a', 'VmPoweredOnEvent', 'delivered');
    registry.delivery('openfaas', 'fn-b', 'VmPoweredOffEvent', 'retried');
  });

  after(() => server.stop());

  it('refuses every path without the configured credentials', async () => {
    for (const path of ['/stats', '/metrics', '/healthz']) {
      const response = await fetch(base + path);
      assert.equal(response.status, 401, path);
      assert.match(response.headers.get('www-authenticate') ?? '', /^Basic /);
      const wrong = await fetch(base + path, {
        headers: { Authorization: 'Basic ' + Buffer.from('metrics:nope').toString('base64') },
      });
      assert.equal(wrong.status, 401, path);
    }
  });

  it('serves /stats in the original expvar shape with per-subject invocations', async () => {
    const response = await fetch(base + '/stats', { headers: { Authorization: credentials } });
    assert.equal(response.status, 200);
    const body = (await response.json()) as Record<
      string,
      Record<string, Record<string, unknown>>
    >;
    const stats = body['vmware.event.router.stats'];
    assert.equal(stats.vc01.type, 'EventStream');
    assert.equal(stats.vc01.events_total, 3);
    assert.equal(stats.openfaas.type, 'EventProcessor');
    assert.deepEqual(stats.openfaas.invocations, { VmPoweredOnEvent: 2 });
    assert.equal(stats.openfaas.buffered, 7);
    assert.equal(stats.openfaas.dead_letters, 1);
    assert.ok(body['system.stats']);
  });

  it('serves Prometheus text with delivery counters and store gauges', async () => {
    const response = await fetch(base + '/metrics', { headers: { Authorization: credentials } });
    const text = await response.text();
    assert.match(text, /vmware_event_router_stream_events_total\{stream="vc01"\} 3/);
    const delivered =
      'vmware_event_router_deliveries_total{processor="openfaas",target="fn-a",' +
      'subject="VmPoweredOnEvent",outcome="delivered"} 2';
    assert.ok(text.includes(delivered), delivered);
    assert.match(text, /vmware_event_router_buffered_deliveries\{processor="openfaas"\} 7/);
    assert.match(text, /vmware_event_router_checkpoint_age_seconds\{stream="vc01"\} 5/);
  });

  it('answers /healthz 200 while connected and 503 with the reason otherwise', async () => {
    const ok = await fetch(base + '/healthz', { headers: { Authorization: credentials } });
    assert.equal(ok.status, 200);
    snapshot = snapshotWith('reconnecting', 'vCenter vc01: login failed: InvalidLogin');
    const down = await fetch(base + '/healthz', { headers: { Authorization: credentials } });
    assert.equal(down.status, 503);
    const body = (await down.json()) as { problems: string[] };
    assert.deepEqual(body.problems, [
      'stream vc01 reconnecting: vCenter vc01: login failed: InvalidLogin',
    ]);
  });
});
