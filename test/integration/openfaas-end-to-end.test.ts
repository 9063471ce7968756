// From the test vCenter to OpenFaaS functions, through the whole router: vcsim
// (test/support/vcsim.ts, a real govmomi simulator) -> stream -> SQLite store -> dispatcher ->
// OpenFaaS processor -> the gateway stand-in (test/stand-ins/openfaas-gateway.ts).
//
// Every scenario starts from events vCenter logs itself (power operations, PostEvent, a
// burst), reads the config as an operator writes it (parseConfig), and checks what the
// functions received against the simulator's own event history.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import type { Command } from 'commander';
import { deadLettersCommand } from '../../router/src/cli/dead-letters';
import { statusCommand } from '../../router/src/cli/status';
import { parseConfig } from '../../router/src/config/load';
import type { RouterConfig } from '../../router/src/config/types';
import type { RouterCloudEvent } from '../../router/src/events/cloudevent-json';
import { createLogger, silentLogger, type Logger } from '../../router/src/log';
import { Router } from '../../router/src/router';
import type { DeadLetter } from '../../router/src/store/dead-letters';
import type { OperatorOutput } from '../../router/src/store/errors';
import type { StoreStatus } from '../../router/src/store/status';
import { startVcsim, vcsimBinaryPath, type BurstResult, type Vcsim } from '../support/vcsim';
import {
  OpenFaasGatewayStandIn,
  type RecordedCall,
  type StandInGatewayOptions,
} from '../stand-ins/openfaas-gateway';
import { waitFor } from '../support/wait';
import { VcenterActions, type HistoryEvent } from '../support/vcenter-actions';
import { vcsimFollowedFromStart } from '../support/config-entries';

const powerSubjects = new Set(['VmPoweredOnEvent', 'VmPoweredOffEvent']);

/** An event of vCenter's own history: its key and the subject its CloudEvent must have. */

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

  async function startGateway(options?: StandInGatewayOptions): Promise<OpenFaasGatewayStandIn> {
    gateway = new OpenFaasGatewayStandIn(options);
    await gateway.start();
    return gateway;
  }

  async function startRouter(config: RouterConfig, logger: Logger = silentLogger()) {
    dataDir ??= fs.mkdtempSync(path.join(os.tmpdir(), 'openfaas-e2e-'));
    router = await Router.start(config, { dataDir, logger });
    // Logged in and read once: the router's own login event is behind any test action.
    await waitFor(
      () => router!.snapshot().streams.every((stream) => stream.checkpoint !== undefined),
      'the stream to read vCenter once',
    );
    return router;
  }

  /** The CloudEvents a function received (sync calls, or async ones once run). */
  function seen(name: string, namespace?: string): RouterCloudEvent[] {
    return gateway!.invocationsOf(name, namespace).map((call) => cloudEventOf(call));
  }

  function openfaas() {
    return router!.snapshot().processors.find((p) => p.name === 'openfaas');
  }

  /** Waits until the `*` function `name` has the event with this key: all before it are in. */
  async function waitForKey(name: string, key: number): Promise<void> {
    await waitFor(() => seen(name).some((e) => keyOf(e) === key), `event ${key} at ${name}`);
  }

  it('runs a function on the power events its topic annotation names, and no others', async () => {
    vcsim = await startVcsim();
    const burst = await vcsim.burst(80, 7);

    const credentials = { username: 'admin', password: 'e2e-gateway-secret' };
    gateway = await startGateway({ credentials });
    gateway.deploy({
      name: 'power',
      annotations: { topic: 'VmPoweredOnEvent,VmPoweredOffEvent' },
    });
    gateway.deploy({ name: 'legacy', annotations: { topic: 'vm.powered.on' } });
    gateway.deploy({ name: 'everything', annotations: { topic: '*' } });
    await startRouter(routerConfig(vcsim, gateway.url, { auth: credentials }));

    // `*` sees every event: once it has the whole burst, the burst is through the router.
    await waitFor(
      () => keysIn(seen('everything'), burst).size === burstSize(burst),
      'every burst event at the * function',
    );

    const everything = seen('everything');
    const expectedPower = everything.filter((event) => powerSubjects.has(event.subject));
    const expectedOn = everything.filter((event) => event.subject === 'VmPoweredOnEvent');
    assert.ok(expectedPower.length > 0, 'the burst has power events');
    await waitFor(() => seen('power').length >= expectedPower.length, 'power events');
    await waitFor(() => seen('legacy').length >= expectedOn.length, 'powered-on events');

    assert.deepEqual(sortedIds(seen('power')), sortedIds(expectedPower));
    assert.deepEqual(sortedIds(seen('legacy')), sortedIds(expectedOn));
    const [call] = gateway.invocationsOf('power');
    assert.equal(call.path, '/function/power');
    assert.equal(call.headers['content-type'], 'application/json');
    assert.ok(powerSubjects.has(String(call.headers['x-topic'])));
    const event = cloudEventOf(call);
    assert.equal(event.specversion, '1.0');
    assert.equal(event.subject, call.headers['x-topic']);
    assert.equal(event.source, vcsim.sdkUrl);
  });

  it('keeps events in the store while the gateway is down, then delivers them', async () => {
    vcsim = await startVcsim();
    gateway = await startGateway();
    gateway.deploy({
      name: 'power',
      annotations: { topic: 'VmPoweredOnEvent,VmPoweredOffEvent' },
    });
    gateway.deploy({ name: 'everything', annotations: { topic: '*' } });
    await gateway.goDown();

    await startRouter(routerConfig(vcsim, gateway.url));
    const burst = await vcsim.burst(40, 11);
    await waitFor(() => (openfaas()?.buffered ?? 0) >= burst.posted, 'the burst in the store');
    assert.equal(openfaas()?.health.healthy, false);

    await gateway.comeBack();
    await waitFor(() => openfaas()?.buffered === 0, 'the store drained');
    const everything = seen('everything').filter(inBurst(burst));
    assert.equal(keysIn(everything, burst).size, burstSize(burst));
    const expectedPower = everything.filter((event) => powerSubjects.has(event.subject));
    assert.ok(expectedPower.length > 0, 'the burst has power events');
    assert.deepEqual(sortedIds(seen('power').filter(inBurst(burst))), sortedIds(expectedPower));
    assert.equal(openfaas()?.health.healthy, true);
  });

  it('gives a function on two topics the events of both, in order, and nothing else', async () => {
    vcsim = await startVcsim();
    gateway = await startGateway();
    // A space after the comma, as people write annotations.
    gateway.deploy({
      name: 'pair',
      annotations: { topic: 'VmPoweredOffEvent, com.example.backup.finished' },
    });
    gateway.deploy({ name: 'all', annotations: { topic: '*' } });
    await startRouter(routerConfig(vcsim, gateway.url));

    const actions = await VcenterActions.connect(vcsim);
    await actions.powerCycle(actions.vms[0]);
    await actions.eventEx('com.example.backup.started');
    await actions.eventEx('com.example.backup.finished');
    await actions.userEvent('maintenance window begins');
    await actions.powerCycle(actions.vms[1]);
    const history = await actions.historySinceStart();
    await waitForKey('all', history[history.length - 1].key);

    const wanted = new Set(['VmPoweredOffEvent', 'com.example.backup.finished']);
    const expected = history.filter((event) => wanted.has(event.subject));
    assert.equal(expected.length, 3, 'two power-offs and one backup.finished');
    await waitFor(() => seen('pair').length >= expected.length, 'the events of both topics');
    const pair = seen('pair').filter((event) => keyOf(event) > actions.startKey);
    assert.deepEqual(pair.map(historyOf), expected);
    assert.equal(seen('pair').length, pair.length, 'nothing from before the actions');
  });

  it('gives two functions subscribed to one topic each event of it', async () => {
    vcsim = await startVcsim();
    gateway = await startGateway();
    gateway.deploy({ name: 'notify-chat', annotations: { topic: 'VmPoweredOnEvent' } });
    gateway.deploy({ name: 'notify-mail', annotations: { topic: 'VmPoweredOnEvent' } });
    gateway.deploy({ name: 'all', annotations: { topic: '*' } });
    await startRouter(routerConfig(vcsim, gateway.url));

    const actions = await VcenterActions.connect(vcsim);
    await actions.powerCycle(actions.vms[0]);
    await actions.powerCycle(actions.vms[2]);
    const history = await actions.historySinceStart();
    await waitForKey('all', history[history.length - 1].key);

    const poweredOn = history.filter((event) => event.subject === 'VmPoweredOnEvent');
    assert.equal(poweredOn.length, 2);
    const since = (name: string) => seen(name).filter((e) => keyOf(e) > actions.startKey);
    for (const name of ['notify-chat', 'notify-mail']) {
      await waitFor(() => since(name).length >= poweredOn.length, `power-ons at ${name}`);
      assert.deepEqual(since(name).map(historyOf), poweredOn);
    }
    assert.deepEqual(sortedIds(since('notify-chat')), sortedIds(since('notify-mail')));
  });

  it('a function failing with 500 later gets every event in order; others go on', async () => {
    vcsim = await startVcsim();
    gateway = await startGateway();
    let failing = true;
    let refused = 0;
    const accepted: RouterCloudEvent[] = [];
    gateway.deploy({
      name: 'flaky',
      annotations: { topic: '*' },
      handler: (call) => {
        if (failing) {
          refused++;
          return { status: 500, body: 'database connection lost' };
        }
        accepted.push(cloudEventOf(call));
        return { status: 200 };
      },
    });
    gateway.deploy({ name: 'steady', annotations: { topic: '*' } });
    await startRouter(routerConfig(vcsim, gateway.url));

    const burst = await vcsim.burst(40, 5);
    await waitFor(
      () => keysIn(seen('steady'), burst).size === burstSize(burst),
      'the burst at the steady function while flaky fails',
    );
    assert.equal(accepted.length, 0);
    assert.ok(refused > 1, 'flaky was retried');
    assert.ok((openfaas()?.retrying ?? 0) > 0, 'the store says a delivery is retrying');

    failing = false;
    await waitFor(() => keysIn(accepted, burst).size === burstSize(burst), 'the burst at flaky');
    const keys = accepted.map(keyOf);
    assert.deepEqual(
      keys,
      [...new Set(keys)].sort((a, b) => a - b),
      'every event once, in vCenter order',
    );
    const steadyIds = new Map(seen('steady').map((event) => [keyOf(event), event.id]));
    for (const event of accepted) assert.equal(event.id, steadyIds.get(keyOf(event)));
    await waitFor(() => openfaas()?.buffered === 0, 'nothing left in the store');
    assert.equal(openfaas()?.deadLetters, 0);
  });

  it('dead-letters an event answered 400 (status, list) and delivers the rest', async () => {
    vcsim = await startVcsim();
    gateway = await startGateway();
    gateway.deploy({
      name: 'picky',
      annotations: { topic: '*' },
      handler: (call) =>
        cloudEventOf(call).subject === 'com.example.order.rejected'
          ? { status: 400, body: '{"error":"order id missing"}' }
          : { status: 200 },
    });
    gateway.deploy({ name: 'all', annotations: { topic: '*' } });
    await startRouter(routerConfig(vcsim, gateway.url));

    const actions = await VcenterActions.connect(vcsim);
    await actions.powerOff(actions.vms[0]);
    await actions.eventEx('com.example.order.rejected');
    await actions.powerOn(actions.vms[0]);
    const history = await actions.historySinceStart();
    const last = history[history.length - 1];
    assert.equal(last.subject, 'VmPoweredOnEvent');
    await waitForKey('picky', last.key);

    const [poison] = seen('picky').filter((e) => e.subject === 'com.example.order.rejected');
    assert.ok(poison !== undefined);
    assert.equal(openfaas()?.deadLetters, 1);
    const status = JSON.parse(
      (await run(statusCommand, ['--json', '-d', dataDir!])).stdout,
    ) as StoreStatus;
    assert.equal(status.processors.find((p) => p.processor === 'openfaas')?.deadLetters, 1);

    const listed = await run(deadLettersCommand, ['list', '--data-dir', dataDir!, '--json']);
    const letters = JSON.parse(listed.stdout) as DeadLetter[];
    assert.equal(letters.length, 1);
    assert.equal(letters[0].processor, 'openfaas');
    assert.equal(letters[0].target, 'picky');
    assert.equal(letters[0].eventId, poison.id);
    assert.equal(letters[0].subject, 'com.example.order.rejected');
    assert.match(letters[0].reason, /function picky: HTTP 400 .*order id missing/);
    const text = await run(deadLettersCommand, ['list', '--data-dir', dataDir!]);
    assert.match(text.stdout, /^#\d+ openfaas -> picky: com\.example\.order\.rejected /);

    // The `*` function took the same event; only picky's delivery is dead.
    assert.ok(seen('all').some((event) => event.id === poison.id));
    const afterPoison = seen('picky').filter((event) => keyOf(event) > keyOf(poison));
    const historyAfter = history.filter((event) => event.key > keyOf(poison));
    assert.deepEqual(afterPoison.map(historyOf), historyAfter);
    assert.ok(historyAfter.length >= 2, 'the power-on and the task events before it');
  });

  it('loses nothing when the gateway goes down during the run', async () => {
    vcsim = await startVcsim();
    gateway = await startGateway();
    gateway.deploy({ name: 'all', annotations: { topic: '*' } });
    await startRouter(routerConfig(vcsim, gateway.url));
    const before = await vcsim.burst(20, 3);
    await waitFor(() => keysIn(seen('all'), before).size === burstSize(before), 'first burst');

    await gateway.goDown();
    const during = await vcsim.burst(30, 4);
    await waitFor(() => (openfaas()?.buffered ?? 0) >= during.posted, 'the burst waiting');
    await waitFor(() => openfaas()?.health.healthy === false, 'the outage in health');
    assert.match(openfaas()?.health.reason ?? '', /OpenFaaS gateway http:\/\/127\.0\.0\.1:\d+/);

    await gateway.comeBack();
    await waitFor(() => keysIn(seen('all'), during).size === burstSize(during), 'second burst');
    await waitFor(() => openfaas()?.buffered === 0, 'the store drained');
    // At least once: a call cut by the outage may come twice, but always with the same id.
    const idsByKey = new Map<number, Set<string>>();
    for (const event of seen('all')) {
      idsByKey.set(keyOf(event), (idsByKey.get(keyOf(event)) ?? new Set()).add(event.id));
    }
    assert.ok([...idsByKey.values()].every((ids) => ids.size === 1));
    assert.equal(openfaas()?.deadLetters, 0);
    await waitFor(() => openfaas()?.health.healthy === true, 'healthy again');
  });

  it('queues events through /async-function in async mode, done at the 202', async () => {
    vcsim = await startVcsim();
    gateway = await startGateway();
    // The function itself fails; in async mode that is the queue worker's business.
    gateway.deploy({
      name: 'power',
      annotations: { topic: 'VmPoweredOnEvent,VmPoweredOffEvent' },
      handler: () => ({ status: 500 }),
    });
    await startRouter(routerConfig(vcsim, gateway.url, { async: true }));

    const actions = await VcenterActions.connect(vcsim);
    await actions.powerCycle(actions.vms[1]);
    const history = await actions.historySinceStart();
    const expected = history.filter((event) => powerSubjects.has(event.subject));
    assert.equal(expected.length, 2);
    const since = () => seen('power').filter((e) => keyOf(e) > actions.startKey);
    await waitFor(() => since().length >= expected.length, 'both power events queued');
    await gateway.settled();
    await waitFor(() => openfaas()?.buffered === 0, 'done in the store');

    assert.deepEqual(since().map(historyOf), expected);
    const calls = gateway.invocationsOf('power');
    assert.ok(calls.every((call) => call.async === true && call.path === '/async-function/power'));
    assert.ok(calls.every((call) => call.headers['x-topic'] === cloudEventOf(call).subject));
    assert.equal(calls.length, new Set(calls.map((call) => cloudEventOf(call).id)).size);
    assert.equal(openfaas()?.deadLetters, 0);
  });

  it('invokes a function of another namespace as name.namespace, by its own topics', async () => {
    vcsim = await startVcsim();
    gateway = await startGateway({ namespaces: ['openfaas-fn', 'team-a'] });
    gateway.deploy({ name: 'audit', annotations: { topic: 'VmPoweredOffEvent' } });
    gateway.deploy({
      name: 'audit',
      namespace: 'team-a',
      annotations: { topic: 'VmPoweredOnEvent' },
    });
    gateway.deploy({ name: 'all', annotations: { topic: '*' } });
    await startRouter(routerConfig(vcsim, gateway.url));

    const actions = await VcenterActions.connect(vcsim);
    await actions.powerCycle(actions.vms[0]);
    await actions.powerCycle(actions.vms[3]);
    const history = await actions.historySinceStart();
    await waitForKey('all', history[history.length - 1].key);

    const bySubject = (subject: string) => history.filter((event) => event.subject === subject);
    const since = (namespace: string) =>
      seen('audit', namespace).filter((event) => keyOf(event) > actions.startKey);
    await waitFor(() => since('team-a').length >= 2, 'power-ons in team-a');
    await waitFor(() => since('openfaas-fn').length >= 2, 'power-offs in the default namespace');
    assert.deepEqual(since('team-a').map(historyOf), bySubject('VmPoweredOnEvent'));
    assert.deepEqual(since('openfaas-fn').map(historyOf), bySubject('VmPoweredOffEvent'));
    const teamCalls = gateway.invocationsOf('audit', 'team-a');
    assert.ok(teamCalls.every((call) => call.path === '/function/audit.team-a'));
    const defaultCalls = gateway.invocationsOf('audit');
    assert.ok(defaultCalls.every((call) => call.path === '/function/audit'));
  });

  it('matches dotted topics and *; X-Topic names the topic subscribed to', async () => {
    vcsim = await startVcsim();
    gateway = await startGateway();
    gateway.deploy({ name: 'legacy-off', annotations: { topic: 'vm.powered.off' } });
    gateway.deploy({ name: 'all', annotations: { topic: '*' } });
    await startRouter(routerConfig(vcsim, gateway.url));

    const actions = await VcenterActions.connect(vcsim);
    await actions.powerCycle(actions.vms[2]);
    await actions.eventEx('com.example.backup.finished');
    const history = await actions.historySinceStart();
    await waitForKey('all', history[history.length - 1].key);

    const poweredOff = history.filter((event) => event.subject === 'VmPoweredOffEvent');
    const legacy = () =>
      gateway!
        .invocationsOf('legacy-off')
        .filter((c) => keyOf(cloudEventOf(c)) > actions.startKey);
    await waitFor(() => legacy().length >= poweredOff.length, 'the power-off at legacy-off');
    assert.deepEqual(
      legacy().map((call) => historyOf(cloudEventOf(call))),
      poweredOff,
    );
    assert.ok(legacy().every((call) => call.headers['x-topic'] === 'vm.powered.off'));

    const all = gateway
      .invocationsOf('all')
      .filter((c) => keyOf(cloudEventOf(c)) > actions.startKey);
    assert.deepEqual(
      all.map((call) => historyOf(cloudEventOf(call))),
      history,
    );
    assert.ok(all.every((call) => call.headers['x-topic'] === '*'));
    assert.ok(all.some((call) => cloudEventOf(call).subject === 'com.example.backup.finished'));
  });

  it('reports wrong basic auth clearly; a reload with the right one delivers all', async () => {
    vcsim = await startVcsim();
    const right = { username: 'admin', password: 'Right-Gateway-Pass-0451' };
    const wrong = { username: 'admin', password: 'Wrong-Gateway-Pass-9172' };
    gateway = await startGateway({ credentials: right });
    gateway.deploy({
      name: 'power',
      annotations: { topic: 'VmPoweredOnEvent,VmPoweredOffEvent' },
    });
    const logs = new LogLines();
    const logger = createLogger({ level: 'debug', json: true, destination: logs });
    await startRouter(routerConfig(vcsim, gateway.url, { auth: wrong }), logger);

    const health = openfaas()?.health;
    assert.equal(health?.healthy, false);
    assert.match(health?.reason ?? '', /\/system\/functions: 401 Unauthorized; /);
    assert.match(health?.reason ?? '', /check the basic_auth credentials of processor "openfaas"/);
    const warning = logs.entries().find((entry) => /cannot list functions/.test(entry.msg));
    assert.ok(warning !== undefined, 'a log line about the listing');
    assert.equal(warning.level, 40);
    assert.match(String(warning.reason), /401 Unauthorized; check the basic_auth credentials/);

    const actions = await VcenterActions.connect(vcsim);
    await actions.powerCycle(actions.vms[0]);
    const history = await actions.historySinceStart();
    const expected = history.filter((event) => powerSubjects.has(event.subject));
    // Not routed: it waits in the store until a listing says who subscribes.
    await waitFor(
      () => router!.snapshot().streams[0]?.checkpoint?.lastKey === history.at(-1)?.key,
      'the actions taken in',
    );
    assert.ok((openfaas()?.buffered ?? 0) >= history.length);
    assert.equal(gateway.invocationsOf('power').length, 0);

    await router!.reload(routerConfig(vcsim, gateway.url, { auth: right }));
    const since = () => seen('power').filter((e) => keyOf(e) > actions.startKey);
    await waitFor(() => since().length >= expected.length, 'the power events after the reload');
    assert.deepEqual(since().map(historyOf), expected);
    assert.equal(openfaas()?.health.healthy, true);
    assert.equal(openfaas()?.deadLetters, 0);
    for (const line of logs.lines) {
      assert.ok(!line.includes(wrong.password) && !line.includes(right.password), line);
    }
  });
});

/** Log entries as JSON lines, kept for the test to read. */
class LogLines extends Writable {
  readonly lines: string[] = [];

  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    done();
  }

  entries(): { level: number; msg: string; [field: string]: unknown }[] {
    return this.lines.map((line) => JSON.parse(line) as { level: number; msg: string });
  }
}

interface Ran {
  stdout: string;
  stderr: string;
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
  return { stdout: out, stderr: err };
}

function cloudEventOf(call: RecordedCall): RouterCloudEvent {
  return JSON.parse(call.body) as RouterCloudEvent;
}

function keyOf(event: RouterCloudEvent): number {
  return Number(event.data.Key);
}

function historyOf(event: RouterCloudEvent): HistoryEvent {
  return { key: keyOf(event), subject: event.subject };
}

function sortedIds(events: RouterCloudEvent[]): string[] {
  return events.map((event) => event.id).sort();
}

function burstSize(burst: BurstResult): number {
  return burst.lastKey - burst.firstKey + 1;
}

function inBurst(burst: BurstResult): (event: RouterCloudEvent) => boolean {
  return (event) => keyOf(event) >= burst.firstKey && keyOf(event) <= burst.lastKey;
}

function keysIn(events: RouterCloudEvent[], burst: BurstResult): Set<number> {
  return new Set(events.filter(inBurst(burst)).map(keyOf));
}

interface OpenFaasEntryOptions {
  auth?: { username: string; password: string };
  async?: boolean;
}

/** The config file an operator would write, with short intervals so each test takes seconds. */
function routerConfig(
  vcsim: Vcsim,
  gatewayUrl: string,
  options: OpenFaasEntryOptions = {},
): RouterConfig {
  const entries = [
    vcsimFollowedFromStart(vcsim),
    {
      type: 'processor',
      provider: 'openfaas',
      name: 'openfaas',
      address: gatewayUrl,
      auth:
        options.auth === undefined
          ? { method: 'none' }
          : { method: 'basic_auth', secret: options.auth },
      options: {
        async: options.async ?? false,
        timeout: '5s',
        topic_refresh_interval: '1s',
        initial_backoff: '10ms',
        max_backoff: '200ms',
        max_retry_age: '10m',
      },
    },
  ];
  return parseConfig(JSON.stringify(entries), 'openfaas end-to-end config');
}
