// The delivery guarantees, end to end: vcsim (a real govmomi simulator) -> the whole router
// (stream, SQLite store in a temp dir, dispatchers) -> two processors side by side, OpenFaaS
// (the gateway stand-in, test/stand-ins/openfaas-gateway.ts) and EventBridge (the real AWS SDK
// against test/stand-ins/eventbridge-endpoint.ts).
//
// What is proved: a failing target delays only itself and gets every event afterwards, in
// vCenter's order; an event a target rejects for good is a dead letter that blocks nothing;
// `dead-letters replay` delivers it again; what waits in the store survives a stop and start
// with the same CloudEvent ids; a slow function does not hold up another.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import type { Command } from 'commander';
import { deadLettersCommand } from '../../router/src/cli/dead-letters';
import { statusCommand } from '../../router/src/cli/status';
import { parseConfig } from '../../router/src/config/load';
import type { RouterConfig } from '../../router/src/config/types';
import { eventId } from '../../router/src/events/cloudevent';
import type { RouterCloudEvent } from '../../router/src/events/cloudevent-json';
import { silentLogger } from '../../router/src/log';
import { Router } from '../../router/src/router';
import type { DeadLetter } from '../../router/src/store/dead-letters';
import type { OperatorOutput } from '../../router/src/store/errors';
import type { StoreStatus } from '../../router/src/store/status';
import { EventBridgeEndpoint, type ReceivedEvent } from '../stand-ins/eventbridge-endpoint';
import {
  OpenFaasGatewayStandIn,
  type FunctionAnswer,
  type RecordedCall,
} from '../stand-ins/openfaas-gateway';
import { startVcsim, vcsimBinaryPath, type BurstResult, type Vcsim } from '../support/vcsim';
import { waitFor } from '../support/wait';
import { VcenterActions } from '../support/vcenter-actions';
import { vcsimFollowedFromStart } from '../support/config-entries';

const accessKeyId = 'AKIAE2EDELIVERY00000';
const secretAccessKey = 'e2e/Delivery+Secret/9f2kQxLmNoPq';

/** A function whose answers the test switches, keeping the events it accepted in order. */
class SwitchableFunction {
  readonly accepted: RouterCloudEvent[] = [];
  readonly refused: RouterCloudEvent[] = [];
  /** What it answers instead of 200 for an event; undefined: it accepts. */
  refuse: ((event: RouterCloudEvent) => FunctionAnswer | undefined) | undefined;

  readonly handler = (call: RecordedCall): FunctionAnswer => {
    const event = JSON.parse(call.body) as RouterCloudEvent;
    const refusal = this.refuse?.(event);
    if (refusal !== undefined) {
      this.refused.push(event);
      return refusal;
    }
    this.accepted.push(event);
    return { status: 200 };
  };

  keys(): number[] {
    return this.accepted.map(keyOf);
  }
}

describe('delivery guarantees, end to end', function () {
  let vcsim: Vcsim | undefined;
  let gateway: OpenFaasGatewayStandIn | undefined;
  let endpoint: EventBridgeEndpoint | undefined;
  let router: Router | undefined;
  let dataDir: string | undefined;
  /** Lets a function held by a test answer, so nothing is left waiting at the end. */
  let release: (() => void) | undefined;

  before(function () {
    if (!fs.existsSync(vcsimBinaryPath())) this.skip(); // `make vcsim` builds it
  });

  afterEach(async () => {
    release?.();
    await router?.stop();
    await gateway?.stop();
    await endpoint?.stop();
    await vcsim?.stop();
    if (dataDir !== undefined) fs.rmSync(dataDir, { recursive: true, force: true });
    router = gateway = endpoint = vcsim = dataDir = release = undefined;
  });

  /** vcsim, the gateway, the EventBridge endpoint with rule `all-events` on bus `bus`. */
  async function startTargets() {
    vcsim = await startVcsim();
    gateway = new OpenFaasGatewayStandIn();
    await gateway.start();
    endpoint = await EventBridgeEndpoint.start({ accessKeyId, secretAccessKey });
    endpoint.setRule({ name: 'all-events', eventBus: 'bus', pattern: { source: [vcsim.sdkUrl] } });
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'delivery-e2e-'));
    return { vcsim, gateway, endpoint, dataDir };
  }

  async function startRouter(): Promise<Router> {
    router = await Router.start(routerConfig(vcsim!, gateway!, endpoint!), {
      dataDir: dataDir!,
      logger: silentLogger(),
    });
    // Logged in and read once: the router's own login event is behind any test action.
    await waitFor(
      () => router!.snapshot().streams.every((stream) => stream.checkpoint !== undefined),
      'the stream to read vCenter once',
    );
    return router;
  }

  function processor(name: string) {
    return router!.snapshot().processors.find((p) => p.name === name);
  }

  function onBus(): RouterCloudEvent[] {
    return endpoint!.received.map((event) => cloudEventOf(event));
  }

  it('a failing processor gets every event in order afterwards; the other goes on', async () => {
    const { vcsim, gateway } = await startTargets();
    const audit = new SwitchableFunction();
    const notify = new SwitchableFunction();
    const badGateway = () => ({ status: 502, body: 'upstream unavailable' });
    audit.refuse = notify.refuse = badGateway;
    gateway.deploy({ name: 'audit', annotations: { topic: '*' }, handler: audit.handler });
    gateway.deploy({ name: 'notify', annotations: { topic: '*' }, handler: notify.handler });
    await startRouter();

    const burst = await vcsim.burst(40, 17);
    await waitFor(() => keysIn(onBus(), burst).size === burstSize(burst), 'the burst on the bus');
    await waitFor(() => processor('bus')?.buffered === 0, 'EventBridge done meanwhile');
    assert.equal(audit.accepted.length + notify.accepted.length, 0);
    assert.ok(audit.refused.length > 0 && notify.refused.length > 0, 'both were tried');
    assert.ok((processor('openfaas')?.retrying ?? 0) >= 2, 'both lanes retrying');

    audit.refuse = notify.refuse = undefined;
    for (const fn of [audit, notify]) {
      await waitFor(() => keysIn(fn.accepted, burst).size === burstSize(burst), 'the burst');
      const keys = fn.keys();
      assert.deepEqual(keys, ascendingUnique(keys), 'every event once, in vCenter order');
    }
    // Everything vCenter logged until the burst ended, and in the same order as the bus.
    const busKeys = ascendingUnique(onBus().map(keyOf)).filter((key) => key <= burst.lastKey);
    assert.deepEqual(
      audit.keys().filter((key) => key <= burst.lastKey),
      busKeys,
    );
    await waitFor(() => processor('openfaas')?.buffered === 0, 'the store drained');
    assert.equal(processor('openfaas')?.deadLetters, 0);
  });

  it('keeps a poison event as a dead letter and delivers the events after it', async () => {
    const { vcsim, gateway, endpoint } = await startTargets();
    endpoint.failEntries((entry) =>
      entry.DetailType === 'com.example.order.created'
        ? { code: 'InvalidArgument', message: 'Parameter Detail is not valid. Reason: no order' }
        : undefined,
    );
    gateway.deploy({ name: 'all', annotations: { topic: '*' } });
    await startRouter();

    const actions = await VcenterActions.connect(vcsim);
    const first = await vcsim.burst(15, 23);
    await actions.eventEx('com.example.order.created');
    const second = await vcsim.burst(15, 24);
    await waitFor(() => keysIn(onBus(), second).size === burstSize(second), 'events after it');
    await waitFor(() => processor('bus')?.buffered === 0, 'nothing waiting for the bus');

    const letters = await listDeadLetters(dataDir!, 'bus');
    assert.equal(letters.length, 1);
    assert.equal(letters[0].subject, 'com.example.order.created');
    assert.equal(
      letters[0].reason,
      'PutEvents entry rejected: InvalidArgument: Parameter Detail is not valid. Reason: no order',
    );
    assert.equal(letters[0].attempts, 1, 'rejected for good: not retried');
    const history = await actions.history();
    const poison = history.find((event) => event.eventTypeId === 'com.example.order.created')!;
    assert.equal(letters[0].eventId, eventId(vcsim.sdkUrl, poison.key, poison.createdTime));
    // Every other event on the bus, in vCenter's order; the function took the poison, too.
    const expectedKeys = history.map((event) => event.key).filter((key) => key !== poison.key);
    assert.deepEqual(onBus().map(keyOf), expectedKeys);
    assert.ok(keysIn(onBus(), first).size === burstSize(first));
    await waitFor(
      () => gateway.invocationsOf('all').some((call) => call.body.includes(letters[0].eventId)),
      'the poison at the function, which accepts it',
    );
    assert.equal(processor('openfaas')?.deadLetters, 0);
  });

  it('delivers a dead letter again after `dead-letters replay`, once accepted', async () => {
    const { vcsim, gateway } = await startTargets();
    const orders = new SwitchableFunction();
    orders.refuse = (event) =>
      event.subject === 'com.example.order.created'
        ? { status: 400, body: 'unknown customer' }
        : undefined;
    gateway.deploy({
      name: 'orders',
      annotations: { topic: 'com.example.order.created,VmPoweredOnEvent' },
      handler: orders.handler,
    });
    await startRouter();

    const actions = await VcenterActions.connect(vcsim);
    await actions.eventEx('com.example.order.created');
    await actions.powerOff(actions.vms[0]);
    await actions.powerOn(actions.vms[0]);
    await waitFor(
      () => orders.accepted.some((event) => event.subject === 'VmPoweredOnEvent'),
      'the event after the rejected one',
    );
    await waitFor(() => processor('openfaas')?.deadLetters === 1, 'the dead letter');
    const [letter] = await listDeadLetters(dataDir!, 'openfaas');
    assert.match(letter.reason, /^function orders: HTTP 400 Bad Request: unknown customer$/);
    assert.equal(letter.eventId, orders.refused[0].id);

    orders.refuse = undefined;
    const replayed = await run(deadLettersCommand, ['replay', '-d', dataDir!, '-p', 'openfaas']);
    assert.equal(replayed.stdout, 'replayed 1 dead letters\n');
    // The running router notices the outside write by itself (within a few seconds).
    await waitFor(
      () => orders.accepted.some((event) => event.subject === 'com.example.order.created'),
      'the replayed event at the function',
    );
    const delivered = orders.accepted.find((e) => e.subject === 'com.example.order.created')!;
    assert.equal(delivered.id, letter.eventId, 'the same CloudEvent');
    assert.deepEqual(delivered, orders.refused[0]);
    await waitFor(() => processor('openfaas')?.buffered === 0, 'nothing waiting');
    assert.equal(processor('openfaas')?.deadLetters, 0);
    const listed = await run(deadLettersCommand, ['list', '-d', dataDir!]);
    assert.equal(listed.stdout, 'no dead letters\n');
  });

  it('keeps buffered events across stop and start, delivered with the same ids', async () => {
    const { vcsim, gateway } = await startTargets();
    const all = new SwitchableFunction();
    all.refuse = () => ({ status: 503, body: 'function scaling up' });
    gateway.deploy({ name: 'all', annotations: { topic: '*' }, handler: all.handler });
    const first = await startRouter();
    const before = await vcsim.burst(30, 29);
    await waitFor(
      () => (first.snapshot().streams[0]?.checkpoint?.lastKey ?? 0) >= before.lastKey,
      'the burst taken in',
    );
    await waitFor(() => all.refused.length > 0, 'a refused attempt');
    await first.stop();
    router = undefined;

    // Stopped: the store says what waits; vCenter goes on logging.
    const status = JSON.parse(
      (await run(statusCommand, ['-d', dataDir!, '--json'])).stdout,
    ) as StoreStatus & { heldBy: string | null };
    assert.equal(status.heldBy, null);
    const waiting = status.processors.find((p) => p.processor === 'openfaas');
    assert.ok(
      (waiting?.deliveries ?? 0) + (waiting?.notRouted ?? 0) >= burstSize(before),
      'the burst buffered in SQLite',
    );
    const whileStopped = await vcsim.burst(20, 31);
    all.refuse = undefined;

    await startRouter();
    await waitFor(() => all.keys().includes(whileStopped.lastKey), 'the events of both bursts');
    const actions = await VcenterActions.connect(vcsim);
    const history = await actions.history();
    const historyKeys = history.map((event) => event.key);
    await waitFor(() => all.keys().length >= historyKeys.length, 'every event vCenter logged');

    assert.deepEqual(all.keys(), historyKeys, 'each event once, in vCenter order');
    const byKey = new Map(history.map((event) => [event.key, event]));
    for (const event of all.accepted) {
      const logged = byKey.get(keyOf(event))!;
      assert.equal(event.id, eventId(vcsim.sdkUrl, logged.key, logged.createdTime));
    }
    const acceptedIds = new Map(all.accepted.map((event) => [keyOf(event), event.id]));
    for (const refused of all.refused) assert.equal(acceptedIds.get(keyOf(refused)), refused.id);
    assert.ok(keysIn(all.accepted, before).size === burstSize(before));
  });

  it('does not let a slow function delay another', async () => {
    const { vcsim, gateway } = await startTargets();
    const held = new Promise<void>((resolve) => (release = resolve));
    const slowCalls: RouterCloudEvent[] = [];
    gateway.deploy({
      name: 'slow',
      annotations: { topic: '*' },
      handler: async (call) => {
        await held;
        slowCalls.push(JSON.parse(call.body) as RouterCloudEvent);
        return { status: 200 };
      },
    });
    const quick = new SwitchableFunction();
    gateway.deploy({ name: 'quick', annotations: { topic: '*' }, handler: quick.handler });
    await startRouter();

    const burst = await vcsim.burst(30, 37);
    await waitFor(
      () => keysIn(quick.accepted, burst).size === burstSize(burst),
      'the burst at the quick function',
    );
    assert.ok(gateway.invocationsOf('slow').length > 0, 'slow was called');
    assert.equal(slowCalls.length, 0, 'and has not answered yet');

    release!();
    await waitFor(() => keysIn(slowCalls, burst).size === burstSize(burst), 'the burst at slow');
    const slowKeys = ascendingUnique(slowCalls.map(keyOf));
    assert.deepEqual(
      slowKeys.filter((key) => key <= burst.lastKey),
      quick.keys().filter((key) => key <= burst.lastKey),
    );
  });
});

interface Ran {
  stdout: string;
}

/** Runs an operator command the way main.ts does, capturing what it prints. */
async function run(factory: (output: OperatorOutput) => Command, args: string[]): Promise<Ran> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  await factory({ stdout, stderr }).parseAsync(args, { from: 'user' });
  assert.equal(err, '', 'the command printed no error');
  return { stdout: out };
}

async function listDeadLetters(dataDir: string, processorName: string): Promise<DeadLetter[]> {
  const ran = await run(deadLettersCommand, [
    'list',
    '-d',
    dataDir,
    '-p',
    processorName,
    '--json',
  ]);
  return JSON.parse(ran.stdout) as DeadLetter[];
}

function cloudEventOf(event: ReceivedEvent): RouterCloudEvent {
  return event.detail as unknown as RouterCloudEvent;
}

function keyOf(event: RouterCloudEvent): number {
  return Number(event.data.Key);
}

function ascendingUnique(keys: number[]): number[] {
  return [...new Set(keys)].sort((a, b) => a - b);
}

function burstSize(burst: BurstResult): number {
  return burst.lastKey - burst.firstKey + 1;
}

function keysIn(events: RouterCloudEvent[], burst: BurstResult): Set<number> {
  const keys = events.map(keyOf).filter((key) => key >= burst.firstKey && key <= burst.lastKey);
  return new Set(keys);
}

/** The config file an operator would write, with short intervals so each test takes seconds. */
function routerConfig(
  vcsim: Vcsim,
  gateway: OpenFaasGatewayStandIn,
  endpoint: EventBridgeEndpoint,
): RouterConfig {
  const retry = { initial_backoff: '10ms', max_backoff: '200ms', max_retry_age: '10m' };
  const entries = [
    vcsimFollowedFromStart(vcsim),
    {
      type: 'processor',
      provider: 'openfaas',
      name: 'openfaas',
      address: gateway.url,
      options: { timeout: '5s', topic_refresh_interval: '1s', ...retry },
    },
    {
      type: 'processor',
      provider: 'aws_event_bridge',
      name: 'bus',
      auth: {
        method: 'access_key',
        secret: { aws_access_key_id: accessKeyId, aws_secret_access_key: secretAccessKey },
      },
      options: {
        aws_region: endpoint.region,
        aws_eventbridge_event_bus: 'bus',
        aws_eventbridge_rule_arn: endpoint.ruleArn('all-events', 'bus'),
        endpoint: endpoint.url,
        rule_refresh_interval: '1s',
        timeout: '5s',
        ...retry,
      },
    },
  ];
  return parseConfig(JSON.stringify(entries), 'delivery end-to-end config');
}
