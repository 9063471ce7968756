// The EventBridge processor through the real AWS SDK over HTTP, against the EventBridge
// stand-in (test/stand-ins/eventbridge-endpoint.ts) on 127.0.0.1, which verifies SigV4.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import type { EventBridgeProcessorConfig } from '../../router/src/config/types';
import type { RouterCloudEvent } from '../../router/src/events/cloudevent-json';
import { createLogger } from '../../router/src/log';
import { EventBridgeProcessor } from '../../router/src/processors/eventbridge/processor';
import type { BufferedEvent, DeliveryResult } from '../../router/src/processors/processor';
import {
  clientError,
  EventBridgeEndpoint,
  internalError,
  throttling,
} from '../stand-ins/eventbridge-endpoint';

const accessKeyId = 'AKIAIOSFODNN7EXAMPLE';
const secretAccessKey = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const bus = 'vsphere';
const rule = 'vm-events';

let seq = 0;

function cloudEvent(subject: string, data: Record<string, unknown> = {}): RouterCloudEvent {
  seq++;
  return {
    specversion: '1.0',
    id: `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`,
    source: 'https://vc01.example.com/sdk',
    type: 'com.vmware.event.router/event',
    subject,
    time: '2026-12-03T09:00:01.250Z',
    datacontenttype: 'application/json',
    vsphereapiversion: '8.0.3.0',
    data: {
      Key: seq,
      CreatedTime: '2026-12-03T09:00:00.750Z',
      Vm: { Name: 'test-01', Vm: { Type: 'VirtualMachine', Value: 'vm-56' } },
      FullFormattedMessage: `${subject} ${seq}`,
      ...data,
    },
  };
}

function buffered(event: RouterCloudEvent): BufferedEvent {
  return { seq, stream: 'vc01', cloudEvent: event };
}

/** Log lines as JSON objects, to look at what an operator would read. */
class LogCapture extends Writable {
  readonly text: string[] = [];
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.text.push(chunk.toString('utf8'));
    done();
  }
  lines(): Array<Record<string, unknown>> {
    return this.text
      .join('')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  }
  withMessage(text: string): Array<Record<string, unknown>> {
    return this.lines().filter((line) => String(line.msg).includes(text));
  }
}

async function waitFor(what: string, condition: () => boolean, limitMs = 5_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('EventBridge processor against the EventBridge stand-in', function () {
  let endpoint: EventBridgeEndpoint;
  let logs: LogCapture;
  const started: EventBridgeProcessor[] = [];

  beforeEach(async () => {
    endpoint = await EventBridgeEndpoint.start({ accessKeyId, secretAccessKey });
    endpoint.setRule({
      name: rule,
      eventBus: bus,
      pattern: { 'detail-type': ['VmPoweredOffEvent'] },
    });
    logs = new LogCapture();
  });

  afterEach(async () => {
    for (const processor of started.splice(0)) await processor.stop();
    await endpoint.stop();
  });

  function config(
    overrides: Partial<EventBridgeProcessorConfig> = {},
  ): EventBridgeProcessorConfig {
    return {
      name: 'eventbridge-test',
      provider: 'aws_event_bridge',
      region: endpoint.region,
      eventBus: bus,
      ruleArn: endpoint.ruleArn(rule, bus),
      credentials: { accessKeyId, secretAccessKey },
      endpoint: endpoint.url,
      ruleRefreshIntervalMs: 300_000,
      timeoutMs: 5_000,
      retry: { initialBackoffMs: 100, maxBackoffMs: 1_000, maxRetryAgeMs: 60_000 },
      concurrency: 1,
      ...overrides,
    };
  }

  async function startProcessor(
    overrides: Partial<EventBridgeProcessorConfig> = {},
  ): Promise<EventBridgeProcessor> {
    const logger = createLogger({ level: 'debug', json: true, destination: logs });
    const processor = new EventBridgeProcessor(
      config(overrides),
      logger.child({ component: 'eventbridge' }),
      { unreadRuleRetryIntervalMs: 20 },
    );
    started.push(processor);
    await processor.start();
    return processor;
  }

  function outcomes(results: DeliveryResult[]): string[] {
    return results.map((result) => result.outcome);
  }

  describe('routing', () => {
    it('sends only the events the rule pattern matches', async () => {
      const processor = await startProcessor();
      assert.deepEqual(processor.route(cloudEvent('VmPoweredOffEvent')), [bus]);
      assert.deepEqual(processor.route(cloudEvent('VmPoweredOnEvent')), []);
      assert.deepEqual(processor.health(), { healthy: true });
      const describe = endpoint.callsOf('DescribeRule');
      assert.deepEqual(describe[0].body, { Name: rule, EventBusName: bus });
    });

    it('matches source, resources, account, region, detail as EventBridge sets them', async () => {
      endpoint.setRule({
        name: rule,
        eventBus: bus,
        pattern: {
          source: [{ prefix: 'https://vc01.' }],
          account: [endpoint.account],
          region: [endpoint.region],
          resources: ['VirtualMachine:vm-56'],
          time: [{ prefix: '2026-12-03T09:00:00' }],
          detail: { data: { Vm: { Name: [{ 'equals-ignore-case': 'TEST-01' }] } } },
        },
      });
      const processor = await startProcessor();
      assert.deepEqual(processor.route(cloudEvent('VmPoweredOnEvent')), [bus]);
      const elsewhere = cloudEvent('VmPoweredOnEvent', { Vm: null });
      assert.deepEqual(processor.route(elsewhere), []);
    });

    it('follows the rule when it changes at a refresh', async () => {
      const processor = await startProcessor({ ruleRefreshIntervalMs: 20 });
      assert.deepEqual(processor.route(cloudEvent('VmPoweredOnEvent')), []);
      endpoint.setRule({
        name: rule,
        eventBus: bus,
        pattern: { 'detail-type': ['VmPoweredOnEvent'] },
      });
      await waitFor(
        'the new pattern',
        () => processor.route(cloudEvent('VmPoweredOnEvent'))?.[0] === bus,
      );
      assert.deepEqual(processor.route(cloudEvent('VmPoweredOffEvent')), []);
      assert.equal(logs.withMessage('rule pattern loaded').length, 2);
    });

    it('keeps the last good pattern when a refresh fails, and says so', async () => {
      const processor = await startProcessor({ ruleRefreshIntervalMs: 20 });
      endpoint.failNext('DescribeRule', 1_000, internalError);
      await waitFor('a failed refresh', () =>
        endpoint.callsOf('DescribeRule').some((call) => call.errorType === 'InternalException'),
      );
      // The stand-in records the call before the processor has read the answer.
      await waitFor('the processor to notice', () => processor.health().reason !== undefined);
      assert.deepEqual(processor.route(cloudEvent('VmPoweredOffEvent')), [bus]);
      assert.deepEqual(processor.route(cloudEvent('VmPoweredOnEvent')), []);
      const health = processor.health();
      assert.equal(health.healthy, true);
      assert.match(
        health.reason ?? '',
        /DescribeRule .*InternalException.*using the pattern read earlier/,
      );
      const failed = () => endpoint.callsOf('DescribeRule').filter((call) => call.status !== 200);
      await waitFor('more failed refreshes', () => failed().length >= 3);
      assert.deepEqual(processor.route(cloudEvent('VmPoweredOffEvent')), [bus]);
      assert.equal(
        logs.withMessage('rule refresh failed').length,
        1,
        'logged once, not per refresh',
      );
    });

    it('lets events wait while the rule cannot be read, then routes them', async () => {
      endpoint.deleteRule(rule, bus);
      const processor = await startProcessor();
      assert.equal(processor.route(cloudEvent('VmPoweredOffEvent')), undefined);
      const health = processor.health();
      assert.equal(health.healthy, false);
      assert.match(health.reason ?? '', /ResourceNotFoundException.*events wait in the store/);
      endpoint.setRule({
        name: rule,
        eventBus: bus,
        pattern: { 'detail-type': ['VmPoweredOffEvent'] },
      });
      await waitFor(
        'the rule',
        () => processor.route(cloudEvent('VmPoweredOffEvent')) !== undefined,
      );
      assert.deepEqual(processor.route(cloudEvent('VmPoweredOffEvent')), [bus]);
      assert.deepEqual(processor.health(), { healthy: true });
    });

    it('lets events wait on an unsupported operator, naming it once in the log', async () => {
      const unsupported = { detail: { subject: [{ contains: 'PoweredOff' }] } };
      endpoint.setRule({ name: rule, eventBus: bus, pattern: unsupported });
      const processor = await startProcessor({ ruleRefreshIntervalMs: 20 });
      assert.equal(processor.route(cloudEvent('VmPoweredOffEvent')), undefined);
      assert.match(
        processor.health().reason ?? '',
        /detail\.subject: unsupported operator "contains"/,
      );
      const callsBefore = endpoint.callsOf('DescribeRule').length;
      await waitFor(
        'more refreshes',
        () => endpoint.callsOf('DescribeRule').length >= callsBefore + 3,
      );
      const lines = logs.withMessage('cannot use the rule pattern');
      assert.equal(lines.length, 1);
      assert.equal(lines[0].level, 50);
      assert.match(String(lines[0].reason), /unsupported operator "contains"/);
    });

    it('lets events wait on a rule without an event pattern', async () => {
      endpoint.setRule({ name: rule, eventBus: bus, pattern: undefined });
      const processor = await startProcessor();
      assert.equal(processor.route(cloudEvent('VmPoweredOffEvent')), undefined);
      assert.match(processor.health().reason ?? '', /has no event pattern/);
    });

    it('refuses a rule ARN that is not one', () => {
      const logger = createLogger({ level: 'debug', json: true, destination: logs });
      assert.throws(
        () => new EventBridgeProcessor(config({ ruleArn: 'vm-events' }), logger),
        /rule ARN "vm-events" is not an EventBridge rule ARN/,
      );
    });
  });

  describe('delivery', () => {
    it('puts an event as an entry: source, subject, CloudEvent, time, resources', async () => {
      const processor = await startProcessor();
      const event = cloudEvent('VmPoweredOffEvent');
      const results = await processor.deliver(bus, [buffered(event)]);
      assert.deepEqual(results, [{ outcome: 'done' }]);
      assert.equal(endpoint.received.length, 1);
      const received = endpoint.received[0];
      assert.equal(received.eventBusName, bus);
      assert.equal(received.source, 'https://vc01.example.com/sdk');
      assert.equal(received.detailType, 'VmPoweredOffEvent');
      assert.deepEqual(received.detail, event);
      assert.equal(received.time, Date.parse('2026-12-03T09:00:00Z') / 1000);
      assert.deepEqual(received.resources, ['VirtualMachine:vm-56']);
      assert.equal(endpoint.callsOf('PutEvents')[0].accessKeyId, accessKeyId);
    });

    it('puts ten small events in one call, in order', async () => {
      const processor = await startProcessor();
      const events = Array.from({ length: 10 }, () => buffered(cloudEvent('VmPoweredOffEvent')));
      const results = await processor.deliver(bus, events);
      assert.deepEqual(outcomes(results), Array(10).fill('done'));
      assert.equal(endpoint.callsOf('PutEvents').length, 1);
      assert.deepEqual(
        endpoint.received.map((r) => r.detail.id),
        events.map((e) => e.cloudEvent.id),
      );
    });

    it('splits a batch so that no call holds more than 256 KB', async () => {
      const processor = await startProcessor();
      const large = 'x'.repeat(70_000);
      const events = Array.from({ length: 10 }, () =>
        buffered(cloudEvent('VmPoweredOffEvent', { FullFormattedMessage: large })),
      );
      const results = await processor.deliver(bus, events);
      assert.deepEqual(outcomes(results), Array(10).fill('done'));
      const calls = endpoint.callsOf('PutEvents');
      assert.ok(calls.length >= 3, `${calls.length} calls`);
      for (const call of calls) {
        assert.equal(call.status, 200, 'the stand-in refuses a call over 256 KB');
        const entries = (call.body as { Entries: unknown[] }).Entries;
        assert.ok(entries.length <= 10);
      }
      assert.deepEqual(
        endpoint.received.map((r) => r.detail.id),
        events.map((e) => e.cloudEvent.id),
      );
    });

    it('dead-letters an event too large for any call and sends the others', async () => {
      const processor = await startProcessor();
      const small = buffered(cloudEvent('VmPoweredOffEvent'));
      const huge = buffered(
        cloudEvent('VmPoweredOffEvent', { FullFormattedMessage: 'y'.repeat(262_144) }),
      );
      const results = await processor.deliver(bus, [small, huge]);
      assert.equal(results[0].outcome, 'done');
      assert.equal(results[1].outcome, 'dead');
      assert.match(
        results[1].outcome === 'dead' ? results[1].reason : '',
        new RegExp(
          `event ${huge.cloudEvent.id} is \\d+ bytes as a PutEvents entry; ` +
            'EventBridge takes at most 262144',
        ),
      );
      assert.deepEqual(
        endpoint.received.map((r) => r.detail.id),
        [small.cloudEvent.id],
      );
    });

    it('retries only the entries that failed and can succeed later', async () => {
      const processor = await startProcessor();
      const events = ['ok', 'throttled', 'internal', 'rejected'].map((what) =>
        buffered(cloudEvent('VmPoweredOffEvent', { What: what })),
      );
      const failureFor: Record<string, { code: string; message: string }> = {
        throttled: { code: 'ThrottlingException', message: 'Rate exceeded' },
        internal: { code: 'InternalFailure', message: 'try again' },
        rejected: { code: 'InvalidArgument', message: 'Parameter Resources is not valid.' },
      };
      endpoint.failEntries((entry) => {
        const what = (JSON.parse(String(entry.Detail)) as RouterCloudEvent).data.What as string;
        return failureFor[what];
      });
      const first = await processor.deliver(bus, events);
      assert.deepEqual(outcomes(first), ['done', 'retry', 'retry', 'dead']);
      assert.match(
        first[1].outcome === 'retry' ? first[1].reason : '',
        /ThrottlingException: Rate exceeded/,
      );
      assert.match(
        first[3].outcome === 'dead' ? first[3].reason : '',
        /rejected: InvalidArgument/,
      );

      // The dispatcher hands back only the retried ones.
      endpoint.failEntries(undefined);
      const second = await processor.deliver(bus, [events[1], events[2]]);
      assert.deepEqual(outcomes(second), ['done', 'done']);
      const sent = endpoint.received.map((r) => r.detail.data as Record<string, unknown>);
      assert.deepEqual(
        sent.map((data) => data.What),
        ['ok', 'throttled', 'internal'],
      );
    });

    it('retries the whole batch when the call is throttled or fails on the server', async () => {
      const processor = await startProcessor();
      const events = [
        buffered(cloudEvent('VmPoweredOffEvent')),
        buffered(cloudEvent('VmPoweredOffEvent')),
      ];
      endpoint.failNext('PutEvents', 1, throttling);
      const throttled = await processor.deliver(bus, events);
      assert.deepEqual(outcomes(throttled), ['retry', 'retry']);
      assert.match(
        throttled[0].outcome === 'retry' ? throttled[0].reason : '',
        /ThrottlingException \(HTTP 400\)/,
      );
      endpoint.failNext('PutEvents', 1, internalError);
      const failed = await processor.deliver(bus, events);
      assert.deepEqual(outcomes(failed), ['retry', 'retry']);
      assert.match(
        failed[0].outcome === 'retry' ? failed[0].reason : '',
        /InternalException \(HTTP 500\)/,
      );
      assert.equal(processor.health().healthy, false);
      assert.deepEqual(outcomes(await processor.deliver(bus, events)), ['done', 'done']);
      assert.deepEqual(processor.health(), { healthy: true });
      assert.equal(endpoint.received.length, 2);
    });

    it('finds the entry at fault when EventBridge refuses the whole call', async () => {
      const processor = await startProcessor();
      const events = [1, 2, 3].map(() => buffered(cloudEvent('VmPoweredOffEvent')));
      // The batch is refused, then the first entry alone; the other two go through alone.
      endpoint.failNext('PutEvents', 2, clientError('ValidationException', 'entry not valid'));
      const results = await processor.deliver(bus, events);
      assert.deepEqual(outcomes(results), ['dead', 'done', 'done']);
      assert.match(
        results[0].outcome === 'dead' ? results[0].reason : '',
        /ValidationException.*entry not valid/,
      );
      assert.deepEqual(
        endpoint.received.map((r) => r.detail.id),
        [events[1].cloudEvent.id, events[2].cloudEvent.id],
      );
    });

    it('retries while the endpoint is down, delivers once it is back on its port', async () => {
      const processor = await startProcessor();
      const events = [
        buffered(cloudEvent('VmPoweredOffEvent')),
        buffered(cloudEvent('VmPoweredOffEvent')),
      ];
      const url = endpoint.url;
      await endpoint.down();
      for (let attempt = 0; attempt < 3; attempt++) {
        const results = await processor.deliver(bus, events);
        assert.deepEqual(outcomes(results), ['retry', 'retry']);
        // The first attempt may find its kept-alive socket cut (ECONNRESET), later ones refused.
        const reason = results[0].outcome === 'retry' ? results[0].reason : '';
        assert.match(reason, /PutEvents to vsphere: .*(ECONNREFUSED|ECONNRESET)/);
      }
      assert.match(processor.health().reason ?? '', /PutEvents to vsphere: .*ECONNREFUSED/);
      assert.equal(processor.health().healthy, false);
      await endpoint.up();
      assert.equal(endpoint.url, url);
      assert.deepEqual(outcomes(await processor.deliver(bus, events)), ['done', 'done']);
      assert.deepEqual(processor.health(), { healthy: true });
      assert.equal(logs.withMessage('PutEvents failed').length, 1, 'one line for the outage');
      assert.equal(logs.withMessage('PutEvents works again').length, 1);
    });

    it('makes no call for an empty batch', async () => {
      const processor = await startProcessor();
      assert.deepEqual(await processor.deliver(bus, []), []);
      assert.equal(endpoint.callsOf('PutEvents').length, 0);
    });
  });

  describe('credentials', () => {
    it('retries on a wrong secret, says so clearly, and never logs the secret', async () => {
      const wrongSecret = 'WRONGsecretKEYwJalrXUtnFEMI/K7MDENG/bPxRfi';
      const processor = await startProcessor({
        credentials: { accessKeyId, secretAccessKey: wrongSecret },
      });
      // DescribeRule is refused too: nothing can be routed yet.
      assert.equal(processor.route(cloudEvent('VmPoweredOffEvent')), undefined);
      const results = await processor.deliver(bus, [buffered(cloudEvent('VmPoweredOffEvent'))]);
      assert.deepEqual(outcomes(results), ['retry']);
      assert.match(
        results[0].outcome === 'retry' ? results[0].reason : '',
        /InvalidSignatureException/,
      );
      const authLines = logs.withMessage('EventBridge refused the credentials');
      assert.equal(authLines.length, 1);
      assert.equal(authLines[0].level, 50);
      const everything = [
        logs.text.join(''),
        JSON.stringify(results),
        JSON.stringify(processor.health()),
      ];
      for (const text of everything) {
        assert.ok(!text.includes(wrongSecret), 'the secret reached a log line or a reason');
        assert.ok(!text.includes(secretAccessKey));
      }
    });

    it('retries on an access key EventBridge does not know', async () => {
      const processor = await startProcessor({
        credentials: { accessKeyId: 'AKIAUNKNOWNKEY000000', secretAccessKey },
      });
      const results = await processor.deliver(bus, [buffered(cloudEvent('VmPoweredOffEvent'))]);
      assert.deepEqual(outcomes(results), ['retry']);
      assert.match(
        results[0].outcome === 'retry' ? results[0].reason : '',
        /UnrecognizedClientException/,
      );
      assert.match(processor.health().reason ?? '', /UnrecognizedClientException|DescribeRule/);
      assert.ok(!logs.text.join('').includes(secretAccessKey));
    });

    it('uses the SDK default chain when no access key is configured', async () => {
      const saved = { ...process.env };
      // The environment is the chain's first link; metadata lookups are off so nothing leaves
      // this machine.
      process.env.AWS_ACCESS_KEY_ID = accessKeyId;
      process.env.AWS_SECRET_ACCESS_KEY = secretAccessKey;
      process.env.AWS_EC2_METADATA_DISABLED = 'true';
      delete process.env.AWS_PROFILE;
      delete process.env.AWS_SESSION_TOKEN;
      try {
        const processor = await startProcessor({ credentials: undefined });
        assert.deepEqual(processor.route(cloudEvent('VmPoweredOffEvent')), [bus]);
        const results = await processor.deliver(bus, [buffered(cloudEvent('VmPoweredOffEvent'))]);
        assert.deepEqual(outcomes(results), ['done']);
        assert.equal(endpoint.callsOf('PutEvents')[0].accessKeyId, accessKeyId);
        assert.ok(!logs.text.join('').includes(secretAccessKey));
      } finally {
        process.env = saved;
      }
    });
  });
});
