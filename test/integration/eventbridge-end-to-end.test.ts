// From the test vCenter to EventBridge buses, through the whole router: vcsim
// (test/support/vcsim.ts, a real govmomi simulator) -> stream -> SQLite store -> dispatcher ->
// EventBridge processor -> the real AWS SDK -> the EventBridge stand-in
// (test/stand-ins/eventbridge-endpoint.ts), which checks SigV4 with the configured secret and
// keeps PutEvents' limits (10 entries, 256 KB a call).
//
// Every scenario starts from events vCenter logs itself (power operations, PostEvent, a
// burst) and reads the config as an operator writes it (parseConfig).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { deadLettersCommand } from '../../router/src/cli/dead-letters';
import { parseConfig } from '../../router/src/config/load';
import type { RouterConfig } from '../../router/src/config/types';
import type { RouterCloudEvent } from '../../router/src/events/cloudevent-json';
import { silentLogger } from '../../router/src/log';
import { Router } from '../../router/src/router';
import type { DeadLetter } from '../../router/src/store/dead-letters';
import {
  EventBridgeEndpoint,
  internalError,
  throttling,
  type ReceivedEvent,
  type RecordedCall,
} from '../stand-ins/eventbridge-endpoint';
import type { VmPlacement } from '../support/vcsim-soap';
import { startVcsim, vcsimBinaryPath, type Vcsim, type BurstResult } from '../support/vcsim';
import { waitFor } from '../support/wait';
import { VcenterActions, type HistoryEvent } from '../support/vcenter-actions';
import { vcsimFollowedFromStart } from '../support/config-entries';

const accessKeyId = 'AKIAE2ETESTKEY000000';
const secretAccessKey = 'e2e/EventBridge+Secret/wJalrXUtnFEMI';
const powerSubjects = ['VmPoweredOnEvent', 'VmPoweredOffEvent'];
/** PutEvents' quota per call, as AWS documents it. */
const maxCallBytes = 262_144;
const maxEntriesPerCall = 10;

/** A PutEvents entry as the SDK sent it over the wire. */
interface SentEntry {
  EventBusName: string;
  Source: string;
  DetailType: string;
  Detail: string;
  Time?: number;
  Resources?: string[];
}

/** An event of vCenter's own history: its key and the subject its CloudEvent must have. */

interface StartOptions {
  /** The pattern of the `power` bus's rule; default: both power events from this vCenter. */
  powerPattern?: (vcsim: Vcsim, vms: VmPlacement[]) => unknown;
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
  async function startAll(options: StartOptions = {}) {
    vcsim = await startVcsim();
    const actions = await VcenterActions.connect(vcsim);
    endpoint = await EventBridgeEndpoint.start({ accessKeyId, secretAccessKey });
    endpoint.setRule({
      name: 'power-events',
      eventBus: 'power',
      pattern: options.powerPattern?.(vcsim, actions.vms) ?? {
        source: [vcsim.sdkUrl],
        'detail-type': powerSubjects,
      },
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
    await waitFor(
      () => router!.snapshot().streams.every((stream) => stream.checkpoint !== undefined),
      'the stream to read vCenter once',
    );
    return { vcsim, endpoint, actions };
  }

  function inBurst(burst: BurstResult): (event: ReceivedEvent) => boolean {
    return (event) => {
      const key = keyOf(event);
      return key >= burst.firstKey && key <= burst.lastKey;
    };
  }

  function onBus(eventBus: string): ReceivedEvent[] {
    return endpoint!.received.filter((event) => event.eventBusName === eventBus);
  }

  function idsOn(eventBus: string, burst: BurstResult): string[] {
    return onBus(eventBus)
      .filter(inBurst(burst))
      .map((event) => String(event.detail.id))
      .sort();
  }

  function processor(name: string) {
    return router!.snapshot().processors.find((p) => p.name === name);
  }

  /** Waits until bus `all` has the event with this key, and bus `power` has nothing waiting. */
  async function waitForBoth(key: number): Promise<void> {
    await waitFor(() => onBus('all').some((e) => keyOf(e) === key), `event ${key} on bus all`);
    await waitFor(() => processor('power')?.buffered === 0, 'bus power drained');
  }

  /** The PutEvents calls that went through, with the entries they carried to `eventBus`. */
  function acceptedCalls(eventBus: string): SentEntry[][] {
    return endpoint!
      .callsOf('PutEvents')
      .filter((call) => call.status === 200)
      .map(entriesOf)
      .filter((entries) => entries.every((entry) => entry.EventBusName === eventBus));
  }

  it('puts power events on the bus whose rule takes them, every event on the other', async () => {
    const { vcsim, endpoint } = await startAll();
    const burst = await vcsim.burst(80, 7);
    const size = burstSize(burst);
    await waitFor(() => new Set(idsOn('all', burst)).size === size, 'the burst on bus all');

    const all = onBus('all').filter(inBurst(burst));
    const expectedPower = all.filter((event) => powerSubjects.includes(event.detailType));
    assert.ok(expectedPower.length > 0, 'the burst has power events');
    const expectedIds = expectedPower.map((event) => String(event.detail.id)).sort();
    await waitFor(() => idsOn('power', burst).length >= expectedIds.length, 'power events');
    await waitFor(() => processor('power')?.buffered === 0, 'bus power drained');
    assert.deepEqual(idsOn('power', burst), expectedIds);

    const [entry] = onBus('power');
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
    const size = burstSize(burst);
    await waitFor(() => new Set(idsOn('all', burst)).size === size, 'the burst on bus all');
    await waitFor(() => processor('power')?.buffered === 0, 'bus power drained');
    const power = onBus('power').filter(inBurst(burst));
    assert.ok(power.length > 0, 'the burst has power events');
    assert.ok(power.every((event) => powerSubjects.includes(event.detailType)));
    assert.equal(new Set(power.map((event) => event.detail.id)).size, power.length);
    assert.equal(processor('all')?.health.healthy, true);
    assert.equal(processor('all')?.deadLetters, 0);
  });

  it('puts only the events the rule pattern matches, down to a field of the event', async () => {
    const { actions } = await startAll({
      powerPattern: (vcsim, vms) => ({
        source: [vcsim.sdkUrl],
        'detail-type': ['VmPoweredOffEvent'],
        detail: { data: { Vm: { Name: [vms[1].vm.name] } } },
      }),
    });
    await actions.powerCycle(actions.vms[0]);
    await actions.powerCycle(actions.vms[1]);
    await actions.eventEx('com.example.backup.finished');
    const history = await actions.historySinceStart();
    await waitForBoth(history[history.length - 1].key);

    const offEvents = history.filter((event) => event.subject === 'VmPoweredOffEvent');
    assert.equal(offEvents.length, 2, 'both VMs were powered off');
    const power = onBus('power').filter((event) => keyOf(event) > actions.startKey);
    assert.equal(power.length, 1);
    assert.equal(power[0].detailType, 'VmPoweredOffEvent');
    const data = (power[0].detail as unknown as RouterCloudEvent).data;
    assert.deepEqual(data.Vm, {
      Name: actions.vms[1].vm.name,
      Vm: { Type: 'VirtualMachine', Value: actions.vms[1].vm.ref.value },
    });
    assert.equal(keyOf(power[0]), offEvents[1].key);
    const all = onBus('all').filter((event) => keyOf(event) > actions.startKey);
    assert.deepEqual(all.map(historyOf), history);
  });

  it('keeps each PutEvents call within 10 entries and 256 KB, large events too', async () => {
    const { vcsim, endpoint, actions } = await startAll();
    await endpoint.down();
    // Any two of these exceed 256 KB together; the burst's events are 0.5 to 5 KB.
    for (let i = 0; i < 4; i++) await actions.eventEx('com.example.inventory.export', 150_000);
    const burst = await vcsim.burst(25, 21);
    const history = await actions.historySinceStart();
    await waitFor(
      () => (processor('all')?.buffered ?? 0) >= history.length,
      'everything waiting for the bus',
    );

    await endpoint.up();
    await waitForBoth(burst.lastKey);
    const all = onBus('all').filter((event) => keyOf(event) > actions.startKey);
    assert.deepEqual(all.map(historyOf), history);

    assert.ok(endpoint.calls.every((call) => call.errorType !== 'ValidationException'));
    const calls = acceptedCalls('all');
    for (const entries of calls) {
      assert.ok(entries.length <= maxEntriesPerCall, `${entries.length} entries in one call`);
      assert.ok(callBytes(entries) <= maxCallBytes, `${callBytes(entries)} bytes in one call`);
    }
    assert.ok(
      calls.some((entries) => entries.length === maxEntriesPerCall),
      'a call of 10 entries',
    );
    const cutBySize = calls.some(
      (entries, i) =>
        i + 1 < calls.length &&
        entries.length < maxEntriesPerCall &&
        callBytes(entries) + entryBytes(calls[i + 1][0]) > maxCallBytes,
    );
    assert.ok(cutBySize, 'a call that ended early because the next entry would not fit');
    const large = calls.flat().filter((entry) => entryBytes(entry) > 150_000);
    assert.equal(large.length, 4, 'each large event sent once');
    assert.equal(processor('all')?.deadLetters, 0);
  });

  it('sends again only the entries of a call that failed, each until it is put once', async () => {
    const { vcsim, endpoint } = await startAll();
    await endpoint.down();
    const burst = await vcsim.burst(30, 9);
    await waitFor(() => (processor('all')?.buffered ?? 0) >= burst.posted, 'the burst waiting');
    // Every event with an odd key fails once, with an error AWS says is worth retrying.
    const failedOnce = new Set<string>();
    endpoint.failEntries((entry) => {
      const event = JSON.parse(String(entry.Detail)) as RouterCloudEvent;
      if (entry.EventBusName !== 'all' || keyOf(event) % 2 === 0 || failedOnce.has(event.id)) {
        return undefined;
      }
      failedOnce.add(event.id);
      return { code: 'InternalFailure', message: 'Internal service error.' };
    });

    await endpoint.up();
    const size = burstSize(burst);
    await waitFor(() => new Set(idsOn('all', burst)).size === size, 'the burst on bus all');
    await waitForBoth(burst.lastKey);

    const sends = new Map<string, number>();
    for (const entry of acceptedCalls('all').flat()) {
      const id = (JSON.parse(entry.Detail) as RouterCloudEvent).id;
      sends.set(id, (sends.get(id) ?? 0) + 1);
    }
    const burstEvents = onBus('all').filter(inBurst(burst));
    assert.equal(burstEvents.length, size, 'each event put once');
    assert.ok(
      acceptedCalls('all').some((entries) => entries.length > 1),
      'batches were sent',
    );
    for (const event of burstEvents) {
      const id = String(event.detail.id);
      const expected = keyOf(event) % 2 === 1 ? 2 : 1;
      assert.equal(sends.get(id), expected, `sends of event ${keyOf(event)}`);
    }
    assert.ok(burstEvents.some((event) => failedOnce.has(String(event.detail.id))));
    assert.equal(processor('all')?.deadLetters, 0);
  });

  it('dead-letters an event over 256 KB and puts the events after it', async () => {
    const { endpoint, actions } = await startAll();
    await actions.powerOff(actions.vms[0]);
    await actions.eventEx('com.example.inventory.export', 300_000);
    await actions.powerOn(actions.vms[0]);
    const history = await actions.historySinceStart();
    const last = history[history.length - 1];
    assert.equal(last.subject, 'VmPoweredOnEvent');
    await waitForBoth(last.key);
    await waitFor(() => processor('all')?.buffered === 0, 'bus all drained');

    assert.equal(processor('all')?.deadLetters, 1);
    assert.equal(processor('power')?.deadLetters, 0, 'the rule of bus power does not take it');
    const letters = await deadLetters(dataDir!, 'all');
    assert.equal(letters.length, 1);
    assert.equal(letters[0].subject, 'com.example.inventory.export');
    assert.equal(letters[0].target, 'all');
    assert.match(
      letters[0].reason,
      /^event \S+ is \d+ bytes as a PutEvents entry; EventBridge takes at most 262144$/,
    );
    const bigId = letters[0].eventId;
    assert.ok(!endpoint.calls.some((call) => JSON.stringify(call.body).includes(bigId)));
    const big = history.find((event) => event.subject === 'com.example.inventory.export');
    const all = onBus('all').filter((event) => keyOf(event) > actions.startKey);
    assert.deepEqual(
      all.map(historyOf),
      history.filter((event) => event !== big),
    );
  });

  it('routes by the new pattern once the rule changed and was read again', async () => {
    const { endpoint, actions } = await startAll({
      powerPattern: (vcsim) => ({ source: [vcsim.sdkUrl], 'detail-type': ['VmPoweredOnEvent'] }),
    });
    await actions.powerCycle(actions.vms[1]);
    const before = await actions.historySinceStart();
    const changedAfterKey = before[before.length - 1].key;
    await waitForBoth(changedAfterKey);

    const reads = () =>
      endpoint.callsOf('DescribeRule').filter((call) => ruleNameOf(call) === 'power-events');
    const readsBefore = reads().length;
    endpoint.setRule({
      name: 'power-events',
      eventBus: 'power',
      pattern: { source: [vcsim!.sdkUrl], 'detail-type': ['VmPoweredOffEvent'] },
    });
    // Reads never overlap: the second read after the change starts once the first was used.
    await waitFor(() => reads().length >= readsBefore + 2, 'the rule read again');
    await actions.powerCycle(actions.vms[1]);
    const history = await actions.historySinceStart();
    await waitForBoth(history[history.length - 1].key);

    const power = onBus('power').filter((event) => keyOf(event) > actions.startKey);
    const expected = [
      ...before.filter((event) => event.subject === 'VmPoweredOnEvent'),
      ...history.filter((e) => e.key > changedAfterKey && e.subject === 'VmPoweredOffEvent'),
    ];
    assert.equal(expected.length, 2);
    assert.deepEqual(power.map(historyOf), expected);
  });

  it('loses nothing and dead-letters nothing through throttling and 500 answers', async () => {
    const { vcsim, endpoint } = await startAll();
    endpoint.failNext('PutEvents', 5, throttling);
    endpoint.failNext('PutEvents', 5, internalError);
    const burst = await vcsim.burst(30, 13);
    const size = burstSize(burst);
    await waitFor(() => new Set(idsOn('all', burst)).size === size, 'the burst on bus all');
    await waitForBoth(burst.lastKey);

    const failed = endpoint.callsOf('PutEvents').filter((call) => call.status !== 200);
    assert.deepEqual(
      failed.map((call) => call.errorType),
      [
        ...Array<string>(5).fill('ThrottlingException'),
        ...Array<string>(5).fill('InternalException'),
      ],
    );
    // Each event once on each bus: a call that failed as a whole put nothing.
    assert.equal(onBus('all').filter(inBurst(burst)).length, size);
    const power = onBus('power').filter(inBurst(burst));
    assert.ok(power.length > 0, 'the burst has power events');
    assert.equal(new Set(power.map((event) => event.detail.id)).size, power.length);
    for (const name of ['all', 'power']) {
      assert.equal(processor(name)?.deadLetters, 0);
      assert.equal(processor(name)?.health.healthy, true);
    }
  });
});

/** `dead-letters list --json` through the CLI code, as an operator runs it. */
async function deadLetters(dataDir: string, processorName: string): Promise<DeadLetter[]> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  await deadLettersCommand({ stdout, stderr }).parseAsync(
    ['list', '--data-dir', dataDir, '--processor', processorName, '--json'],
    { from: 'user' },
  );
  assert.equal(err, '');
  return JSON.parse(out) as DeadLetter[];
}

function keyOf(event: ReceivedEvent | RouterCloudEvent): number {
  const cloudEvent = ('detail' in event ? event.detail : event) as unknown as RouterCloudEvent;
  return Number(cloudEvent.data.Key);
}

function historyOf(event: ReceivedEvent): HistoryEvent {
  return { key: keyOf(event), subject: event.detailType };
}

function burstSize(burst: BurstResult): number {
  return burst.lastKey - burst.firstKey + 1;
}

function entriesOf(call: RecordedCall): SentEntry[] {
  return (call.body as { Entries: SentEntry[] }).Entries;
}

function ruleNameOf(call: RecordedCall): string {
  return String((call.body as { Name?: unknown }).Name);
}

/** The size AWS counts for an entry: Time 14 bytes, the rest by their UTF-8 bytes. */
function entryBytes(entry: SentEntry): number {
  const texts = [entry.Source, entry.DetailType, entry.Detail, ...(entry.Resources ?? [])];
  const timeBytes = entry.Time === undefined ? 0 : 14;
  return texts.reduce((sum, text) => sum + Buffer.byteLength(text, 'utf8'), timeBytes);
}

function callBytes(entries: SentEntry[]): number {
  return entries.reduce((sum, entry) => sum + entryBytes(entry), 0);
}

/** The config file an operator would write, with short intervals so each test takes seconds. */
function routerConfig(vcsim: Vcsim, endpoint: EventBridgeEndpoint): RouterConfig {
  const processor = (name: string, rule: string) => ({
    type: 'processor',
    provider: 'aws_event_bridge',
    name,
    auth: {
      method: 'access_key',
      secret: { aws_access_key_id: accessKeyId, aws_secret_access_key: secretAccessKey },
    },
    options: {
      aws_region: endpoint.region,
      aws_eventbridge_event_bus: name,
      aws_eventbridge_rule_arn: endpoint.ruleArn(rule, name),
      endpoint: endpoint.url,
      rule_refresh_interval: '1s',
      timeout: '5s',
      initial_backoff: '10ms',
      max_backoff: '200ms',
      max_retry_age: '10m',
    },
  });
  const entries = [
    vcsimFollowedFromStart(vcsim),
    processor('power', 'power-events'),
    processor('all', 'all-events'),
  ];
  return parseConfig(JSON.stringify(entries), 'eventbridge end-to-end config');
}
