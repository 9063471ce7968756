// The OpenFaaS processor through the Processor interface, against the gateway stand-in
// (test/stand-ins/openfaas-gateway.ts) over real HTTP on 127.0.0.1.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import type { OpenFaasProcessorConfig } from '../../router/src/config/types';
import type { RouterCloudEvent } from '../../router/src/events/cloudevent-json';
import { createLogger, silentLogger, type Logger } from '../../router/src/log';
import type { BufferedEvent, DeliveryResult } from '../../router/src/processors/processor';
import { OpenFaasProcessor } from '../../router/src/processors/openfaas/openfaas-processor';
import { OpenFaasGatewayStandIn, type StandInGatewayOptions } from '../stand-ins/openfaas-gateway';

const haFailover = 'com.vmware.vc.HA.ClusterFailoverActionCompletedEvent';
let nextSeq = 1;

function cloudEvent(subject: string): RouterCloudEvent {
  const seq = nextSeq++;
  return {
    specversion: '1.0',
    id: `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`,
    source: 'https://vc01.example.com/sdk',
    type: 'com.vmware.vsphere.event',
    subject,
    time: '2026-12-03T10:00:00.000Z',
    datacontenttype: 'application/json',
    vsphereapiversion: '8.0.3.0',
    data: { Key: seq, FullFormattedMessage: `${subject} on vm-${seq}` },
  };
}

function buffered(event: RouterCloudEvent): BufferedEvent {
  return { seq: Number(event.data.Key), stream: 'vc01', cloudEvent: event };
}

function processorConfig(
  address: string,
  overrides: Partial<OpenFaasProcessorConfig> = {},
): OpenFaasProcessorConfig {
  return {
    provider: 'openfaas',
    name: 'openfaas',
    address,
    async: false,
    timeoutMs: 2_000,
    // Long: tests refresh explicitly, except where the refresh loop itself is under test.
    topicRefreshIntervalMs: 600_000,
    retry: { initialBackoffMs: 1_000, maxBackoffMs: 60_000, maxRetryAgeMs: 3_600_000 },
    concurrency: 1,
    ...overrides,
  };
}

/** Log lines as written, for tests that look at what an operator would see. */
class CapturedLog {
  readonly lines: string[] = [];
  readonly logger: Logger;
  constructor() {
    const destination = new Writable({
      write: (chunk: Buffer, _encoding, done) => {
        this.lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
        done();
      },
    });
    this.logger = createLogger({ level: 'debug', json: true, destination });
  }
  messages(): { level: number; msg: string; [field: string]: unknown }[] {
    return this.lines.map((line) => JSON.parse(line));
  }
  count(msgStart: string): number {
    return this.messages().filter((line) => line.msg.startsWith(msgStart)).length;
  }
}

/** Polls until the condition holds; the bound only keeps a broken test from hanging. */
async function waitFor(condition: () => boolean, what: string, boundMs = 5_000): Promise<void> {
  const until = Date.now() + boundMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('OpenFaaS processor against the gateway stand-in', function () {
  let gateway: OpenFaasGatewayStandIn;
  let processor: OpenFaasProcessor | undefined;

  async function startGateway(options: StandInGatewayOptions = {}): Promise<string> {
    gateway = new OpenFaasGatewayStandIn(options);
    return gateway.start();
  }

  async function startProcessor(
    overrides: Partial<OpenFaasProcessorConfig> = {},
    logger: Logger = silentLogger(),
  ): Promise<OpenFaasProcessor> {
    processor = new OpenFaasProcessor(processorConfig(gateway.url, overrides), logger);
    await processor.start();
    return processor;
  }

  async function deliverOne(target: string, event: RouterCloudEvent): Promise<DeliveryResult> {
    const results = await processor!.deliver(target, [buffered(event)]);
    assert.equal(results.length, 1);
    return results[0];
  }

  afterEach(async () => {
    await processor?.stop();
    processor = undefined;
    await gateway.stop();
  });

  describe('routing by the topic annotation', () => {
    it('sends a function on two topics both of them and nothing else', async () => {
      await startGateway();
      gateway.deploy({
        name: 'power',
        annotations: { topic: 'VmPoweredOnEvent, VmPoweredOffEvent' },
      });
      await startProcessor();

      const on = cloudEvent('VmPoweredOnEvent');
      const off = cloudEvent('VmPoweredOffEvent');
      const created = cloudEvent('VmCreatedEvent');
      assert.deepEqual(processor!.route(on), ['power']);
      assert.deepEqual(processor!.route(off), ['power']);
      assert.deepEqual(processor!.route(created), []);

      assert.deepEqual(await deliverOne('power', on), { outcome: 'done' });
      assert.deepEqual(await deliverOne('power', off), { outcome: 'done' });
      const calls = gateway.invocationsOf('power');
      assert.deepEqual(
        calls.map((call) => [call.headers['x-topic'], JSON.parse(call.body).id]),
        [
          ['VmPoweredOnEvent', on.id],
          ['VmPoweredOffEvent', off.id],
        ],
      );
    });

    it('sends an event to every function on its topic', async () => {
      await startGateway();
      gateway.deploy({ name: 'tagger', annotations: { topic: 'VmPoweredOnEvent' } });
      gateway.deploy({ name: 'notifier', annotations: { topic: 'VmPoweredOnEvent' } });
      await startProcessor();

      const event = cloudEvent('VmPoweredOnEvent');
      const targets = processor!.route(event);
      assert.deepEqual(targets, ['notifier', 'tagger']);
      for (const target of targets ?? []) {
        assert.deepEqual(await deliverOne(target, event), { outcome: 'done' });
      }
      assert.equal(gateway.invocationsOf('tagger').length, 1);
      assert.equal(gateway.invocationsOf('notifier').length, 1);
    });

    it("matches the old connector's dotted topics and *", async () => {
      await startGateway();
      gateway.deploy({ name: 'legacy', annotations: { topic: 'vm.powered.on' } });
      gateway.deploy({ name: 'drs', annotations: { topic: 'drs.vm.powered.on' } });
      gateway.deploy({ name: 'audit', annotations: { topic: '*' } });
      gateway.deploy({ name: 'ha', annotations: { topic: haFailover } });
      await startProcessor();

      const powerOn = cloudEvent('VmPoweredOnEvent');
      assert.deepEqual(processor!.route(powerOn), ['audit', 'legacy']);
      assert.deepEqual(processor!.route(cloudEvent('DrsVmPoweredOnEvent')), ['audit', 'drs']);
      assert.deepEqual(processor!.route(cloudEvent(haFailover)), ['audit', 'ha']);

      await deliverOne('legacy', powerOn);
      await deliverOne('audit', powerOn);
      assert.equal(gateway.invocationsOf('legacy')[0].headers['x-topic'], 'vm.powered.on');
      assert.equal(gateway.invocationsOf('audit')[0].headers['x-topic'], '*');
    });

    it('leaves out a function without a topic annotation', async () => {
      await startGateway();
      gateway.deploy({ name: 'figlet', labels: { 'com.openfaas.scale.min': '1' } });
      await startProcessor();
      assert.deepEqual(processor!.route(cloudEvent('VmPoweredOnEvent')), []);
    });

    it('addresses a function outside the default namespace as name.namespace', async () => {
      await startGateway({ namespaces: ['openfaas-fn', 'staging'] });
      gateway.deploy({ name: 'tagger', annotations: { topic: 'VmPoweredOnEvent' } });
      gateway.deploy({
        name: 'tagger',
        namespace: 'staging',
        annotations: { topic: 'VmPoweredOnEvent' },
      });
      await startProcessor();

      const event = cloudEvent('VmPoweredOnEvent');
      assert.deepEqual(processor!.route(event), ['tagger', 'tagger.staging']);
      assert.deepEqual(await deliverOne('tagger.staging', event), { outcome: 'done' });
      assert.equal(gateway.invocationsOf('tagger', 'staging').length, 1);
      assert.equal(gateway.invocationsOf('tagger').length, 0);
      // The default namespace is listed once, without ?namespace.
      const listings = gateway.calls.filter((call) => call.path === '/system/functions');
      assert.deepEqual(
        listings.map((call) => call.query.namespace),
        [undefined, 'staging'],
      );
    });

    it('routes an event to a newly deployed function only after a listing found it', async () => {
      await startGateway();
      await startProcessor();
      const before = cloudEvent('VmPoweredOnEvent');
      assert.deepEqual(processor!.route(before), []);

      gateway.deploy({ name: 'late', annotations: { topic: 'VmPoweredOnEvent' } });
      assert.deepEqual(processor!.route(cloudEvent('VmPoweredOnEvent')), []);
      await processor!.refreshSubscriptions();
      assert.deepEqual(processor!.route(cloudEvent('VmPoweredOnEvent')), ['late']);
    });
  });

  describe('invoking functions', () => {
    it('posts the structured CloudEvent as JSON with X-Topic and basic auth', async () => {
      const credentials = { username: 'admin', password: 'gateway-secret-1' };
      await startGateway({ credentials });
      gateway.deploy({ name: 'echo', annotations: { topic: 'VmPoweredOnEvent' } });
      await startProcessor({ auth: credentials });

      const event = cloudEvent('VmPoweredOnEvent');
      assert.deepEqual(await deliverOne('echo', event), { outcome: 'done' });
      const [call] = gateway.invocationsOf('echo');
      assert.equal(call.method, 'POST');
      assert.equal(call.path, '/function/echo');
      assert.equal(call.headers['content-type'], 'application/json');
      assert.equal(call.headers['x-topic'], 'VmPoweredOnEvent');
      const token = Buffer.from('admin:gateway-secret-1').toString('base64');
      assert.equal(call.headers.authorization, `Basic ${token}`);
      assert.deepEqual(JSON.parse(call.body), event);
    });

    it('queues through /async-function in async mode and takes 202 as done', async () => {
      await startGateway();
      gateway.deploy({ name: 'slowfn', annotations: { topic: 'VmPoweredOnEvent' } });
      await startProcessor({ async: true });

      const event = cloudEvent('VmPoweredOnEvent');
      assert.deepEqual(await deliverOne('slowfn', event), { outcome: 'done' });
      await gateway.settled();
      const accepted = gateway.calls.filter(
        (call) => call.path === '/async-function/slowfn' && call.function === undefined,
      );
      assert.equal(accepted.length, 1);
      const [run] = gateway.invocationsOf('slowfn');
      assert.equal(run.async, true);
      assert.deepEqual(JSON.parse(run.body), event);
    });

    it('retries a 500 with the status in the reason', async () => {
      await startGateway();
      gateway.deploy({ name: 'flaky', handler: () => ({ status: 500, body: 'upstream broke' }) });
      await startProcessor();

      const result = await deliverOne('flaky', cloudEvent('VmPoweredOnEvent'));
      assert.equal(result.outcome, 'retry');
      assert.match(
        result.outcome === 'retry' ? result.reason : '',
        /flaky: HTTP 500.*upstream broke/,
      );
    });

    it('retries a 429 from a throttled function', async () => {
      await startGateway();
      gateway.deploy({ name: 'busy', handler: () => ({ status: 429 }) });
      await startProcessor();
      assert.equal((await deliverOne('busy', cloudEvent('VmPoweredOnEvent'))).outcome, 'retry');
    });

    it('dead-letters a 400 with the status and the start of the body', async () => {
      await startGateway();
      const complaint = `unexpected event: ${'z'.repeat(300)}`;
      gateway.deploy({ name: 'picky', handler: () => ({ status: 400, body: complaint }) });
      await startProcessor();

      const result = await deliverOne('picky', cloudEvent('VmPoweredOnEvent'));
      assert.equal(result.outcome, 'dead');
      const reason = result.outcome === 'dead' ? result.reason : '';
      assert.ok(reason.startsWith('function picky: HTTP 400 Bad Request: unexpected event: z'));
      assert.ok(reason.includes(complaint.slice(0, 200)));
      assert.ok(!reason.includes(complaint.slice(0, 201)));
    });

    it('dead-letters an event for a function removed since routing (404)', async () => {
      await startGateway();
      gateway.deploy({ name: 'gone', annotations: { topic: 'VmPoweredOnEvent' } });
      await startProcessor();
      const event = cloudEvent('VmPoweredOnEvent');
      assert.deepEqual(processor!.route(event), ['gone']);

      gateway.remove('gone');
      const result = await deliverOne('gone', event);
      assert.equal(result.outcome, 'dead');
      assert.match(
        result.outcome === 'dead' ? result.reason : '',
        /HTTP 404.*error finding function/,
      );
    });

    it('retries a call that gets no answer within timeoutMs', async () => {
      await startGateway();
      gateway.deploy({ name: 'sleepy' });
      await startProcessor({ timeoutMs: 100 });
      gateway.slowDown({ functionMs: 1_000 });

      const result = await deliverOne('sleepy', cloudEvent('VmPoweredOnEvent'));
      assert.deepEqual(result, {
        outcome: 'retry',
        reason: 'function sleepy: no answer within 100 ms',
      });
    });

    it('retries when the gateway is not there', async () => {
      await startGateway();
      gateway.deploy({ name: 'echo' });
      await startProcessor();
      await gateway.goDown();

      const result = await deliverOne('echo', cloudEvent('VmPoweredOnEvent'));
      assert.equal(result.outcome, 'retry');
      // Refused, or reset when a kept-alive connection was closed under the call.
      const reason = result.outcome === 'retry' ? result.reason : '';
      assert.match(reason, /^function echo: .*(ECONNREFUSED|ECONNRESET)/);
    });

    it('does not send events behind one that must be retried', async () => {
      await startGateway();
      let calls = 0;
      gateway.deploy({ name: 'once', handler: () => ({ status: calls++ === 0 ? 503 : 200 }) });
      await startProcessor();

      const events = [cloudEvent('VmPoweredOnEvent'), cloudEvent('VmPoweredOffEvent')];
      const results = await processor!.deliver('once', events.map(buffered));
      assert.deepEqual(
        results.map((result) => result.outcome),
        ['retry', 'retry'],
      );
      assert.equal(gateway.invocationsOf('once').length, 1);
    });
  });

  describe('a gateway in trouble', () => {
    it('waits with routing while the gateway is down at start, then recovers', async () => {
      const log = new CapturedLog();
      await startGateway();
      gateway.deploy({ name: 'echo', annotations: { topic: 'VmPoweredOnEvent' } });
      await gateway.goDown();
      await startProcessor({ topicRefreshIntervalMs: 20 }, log.logger);

      assert.equal(processor!.route(cloudEvent('VmPoweredOnEvent')), undefined);
      const down = processor!.health();
      assert.equal(down.healthy, false);
      assert.match(
        down.reason ?? '',
        new RegExp(`OpenFaaS gateway ${gateway.url}: .*ECONNREFUSED`),
      );

      await waitFor(() => log.count('listing functions still fails') >= 2, 'failed retries');
      await gateway.comeBack();
      await waitFor(() => processor!.health().healthy, 'recovery');
      assert.deepEqual(processor!.route(cloudEvent('VmPoweredOnEvent')), ['echo']);
      assert.equal(log.count('cannot list functions'), 1);
      assert.equal(log.count('gateway lists functions again'), 1);
    });

    it('keeps routing by the last listing while the gateway fails', async () => {
      const log = new CapturedLog();
      await startGateway();
      gateway.deploy({ name: 'echo', annotations: { topic: 'VmPoweredOnEvent' } });
      await startProcessor({ topicRefreshIntervalMs: 20 }, log.logger);
      assert.equal(processor!.health().healthy, true);

      gateway.failSystem({ status: 500, body: 'provider unavailable' });
      const listings = () => gateway.calls.filter((c) => c.path === '/system/functions').length;
      const before = listings();
      await waitFor(() => listings() >= before + 3, 'three failed listings');

      assert.deepEqual(processor!.route(cloudEvent('VmPoweredOnEvent')), ['echo']);
      const health = processor!.health();
      assert.equal(health.healthy, false);
      assert.match(
        health.reason ?? '',
        /HTTP 500.*provider unavailable.*routing by the listing of/,
      );
      assert.equal(log.count('cannot list functions'), 1);

      gateway.failSystem(undefined);
      await waitFor(() => processor!.health().healthy, 'recovery');
      assert.equal(log.count('gateway lists functions again'), 1);
    });

    it('says an HTML answer is not the gateway', async () => {
      await startGateway();
      gateway.failSystem({
        status: 200,
        body: '<html><body>Sign in</body></html>',
        contentType: 'text/html',
      });
      await startProcessor();
      assert.equal(processor!.route(cloudEvent('VmPoweredOnEvent')), undefined);
      assert.match(processor!.health().reason ?? '', /answered text\/html, not JSON/);
    });

    it('gives up on a slow listing after timeoutMs without blocking start', async () => {
      await startGateway();
      gateway.slowDown({ systemMs: 1_000 });
      await startProcessor({ timeoutMs: 100 });
      assert.equal(processor!.route(cloudEvent('VmPoweredOnEvent')), undefined);
      assert.match(processor!.health().reason ?? '', /listing functions: no answer within 100 ms/);
    });

    it('names the gateway and the credentials on a 401, never the secret', async () => {
      const log = new CapturedLog();
      await startGateway({ credentials: { username: 'admin', password: 'right-secret' } });
      const wrong = { username: 'admin', password: 'wrong-secret-8472' };
      await startProcessor({ auth: wrong }, log.logger);

      const health = processor!.health();
      assert.equal(health.healthy, false);
      assert.equal(
        health.reason,
        `OpenFaaS gateway ${gateway.url}: /system/functions: 401 Unauthorized; ` +
          'check the basic_auth credentials of processor "openfaas"',
      );
      const encoded = Buffer.from('admin:wrong-secret-8472').toString('base64');
      const everything = [health.reason, ...log.lines].join('\n');
      assert.ok(log.count('cannot list functions') === 1);
      assert.ok(!everything.includes('wrong-secret-8472'));
      assert.ok(!everything.includes(encoded));
    });

    it('says so when the gateway wants credentials and none are configured', async () => {
      await startGateway({ credentials: { username: 'admin', password: 'right-secret' } });
      await startProcessor();
      assert.match(processor!.health().reason ?? '', /processor "openfaas" has no basic_auth/);
    });

    it('skips a malformed function entry, naming the field, and routes the rest', async () => {
      const log = new CapturedLog();
      await startGateway();
      const listing = [
        { name: 'echo', image: 'functions/echo', annotations: { topic: 'VmPoweredOnEvent' } },
        { image: 'functions/nameless', annotations: { topic: 'VmPoweredOnEvent' } },
      ];
      gateway.failSystem({
        status: 200,
        body: JSON.stringify(listing),
        contentType: 'application/json',
      });
      await startProcessor({}, log.logger);

      assert.deepEqual(processor!.route(cloudEvent('VmPoweredOnEvent')), ['echo']);
      const skipped = log.messages().filter((line) => line.msg === 'function skipped');
      assert.deepEqual(
        skipped.map((line) => line.problem),
        ['/system/functions[1].name: missing or not a function name'],
      );
    });

    it('refuses a listing that is not an array', async () => {
      await startGateway();
      gateway.failSystem({
        status: 200,
        body: '{"functions":[]}',
        contentType: 'application/json',
      });
      await startProcessor();
      assert.equal(processor!.route(cloudEvent('VmPoweredOnEvent')), undefined);
      assert.match(processor!.health().reason ?? '', /\/system\/functions: expected a JSON array/);
    });

    it('keeps credentials written into the address out of its messages', async () => {
      await startGateway();
      await gateway.goDown();
      const address = gateway.url.replace('http://', 'http://admin:url-secret-5521@');
      processor = new OpenFaasProcessor(processorConfig(address), silentLogger());
      await processor.start();
      const reason = processor.health().reason ?? '';
      assert.match(reason, new RegExp(`^OpenFaaS gateway ${gateway.url}: `));
      assert.ok(!reason.includes('url-secret-5521'));
    });

    it('lists no more after stop()', async () => {
      await startGateway();
      await startProcessor({ topicRefreshIntervalMs: 10 });
      await processor!.stop();
      const after = gateway.calls.length;
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.equal(gateway.calls.length, after);
    });
  });
});
