// The dispatcher over a real store in a temporary directory, with an in-test Processor.
// Backoffs are a few milliseconds so retries happen within the test; nothing asserts timing.
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { Dispatcher, type DispatcherOptions } from '../../router/src/delivery/dispatcher';
import { createLogger, silentLogger } from '../../router/src/log';
import type { Counters, DeliveryCount } from '../../router/src/metrics/counters';
import { noCounters } from '../../router/src/metrics/counters';
import { RouterStore } from '../../router/src/store/store';
import { TestProcessor, eventually, incoming, tempDataDir } from './store-kit';

const fastRetry = { initialBackoffMs: 2, maxBackoffMs: 10, maxRetryAgeMs: 60_000 };

class CountingCounters implements Counters {
  readonly seen: string[] = [];
  streamEvents = noCounters.streamEvents;
  streamError = noCounters.streamError;
  streamStallRecovered = noCounters.streamStallRecovered;
  streamUndecodable = noCounters.streamUndecodable;
  delivery(processor: string, target: string, subject: string, what: DeliveryCount): void {
    this.seen.push(`${processor}/${target}/${subject}/${what}`);
  }
  count(what: DeliveryCount): number {
    return this.seen.filter((line) => line.endsWith(`/${what}`)).length;
  }
}

describe('delivery: dispatcher', () => {
  let data: ReturnType<typeof tempDataDir>;
  let store: RouterStore;
  const running: Dispatcher[] = [];

  function dispatcher(
    processor: TestProcessor,
    options: Partial<DispatcherOptions> = {},
  ): Dispatcher {
    const d = new Dispatcher({
      processor,
      store,
      retry: fastRetry,
      concurrency: 1,
      counters: noCounters,
      logger: silentLogger(),
      ...options,
    });
    running.push(d);
    return d;
  }

  function takeIn(keys: number[]): void {
    store.takeIn(
      'vc01',
      keys.map((key) => incoming(key)),
    );
    for (const d of running) d.notify();
  }

  function deadLetterKeys(): number[] {
    return [...store.deadLetters.list()].map(
      (letter) => (letter.cloudEvent as { data: { Key: number } }).data.Key,
    );
  }

  beforeEach(() => {
    data = tempDataDir();
    store = RouterStore.open({ dataDir: data.dir });
  });

  afterEach(async () => {
    await Promise.all(running.splice(0).map((d) => d.stop()));
    store.close();
    data.remove();
  });

  it('delivers every event to its target in order, then drops it from the store', async () => {
    const processor = new TestProcessor('p1', 3);
    store.routing.syncProcessors(['p1'], Date.now());
    dispatcher(processor).start();

    takeIn([1, 2, 3, 4, 5, 6, 7]);

    await eventually(() => store.bufferedEventCount() === 0, 'all events done');
    assert.deepEqual(processor.keysSentTo('fn-a'), [1, 2, 3, 4, 5, 6, 7]);
    assert.ok(
      processor.calls.every((call) => call.keys.length <= 3),
      'batches of at most 3',
    );
  });

  it('drops an event no target wants without calling deliver', async () => {
    const processor = new TestProcessor('p1');
    processor.routeTo = () => [];
    store.routing.syncProcessors(['p1'], Date.now());
    dispatcher(processor).start();

    takeIn([1, 2]);

    await eventually(() => store.bufferedEventCount() === 0, 'events dropped');
    assert.equal(processor.calls.length, 0);
  });

  it('gives a processor that fails for a while every event afterwards, in order', async () => {
    const processor = new TestProcessor('p1', 2);
    let failuresLeft = 5;
    processor.answer = () =>
      failuresLeft-- > 0
        ? { outcome: 'retry', reason: '503 Service Unavailable' }
        : { outcome: 'done' };
    const counters = new CountingCounters();
    store.routing.syncProcessors(['p1'], Date.now());
    dispatcher(processor, { counters }).start();

    takeIn([1, 2, 3, 4, 5, 6]);

    await eventually(() => store.bufferedEventCount() === 0, 'all delivered');
    const done: number[] = [];
    // Rebuild what was accepted: the first attempt of each key that came after the failures.
    for (const key of processor.keysSentTo('fn-a')) if (!done.includes(key)) done.push(key);
    assert.deepEqual(done, [1, 2, 3, 4, 5, 6]);
    assert.equal(counters.count('delivered'), 6);
    assert.equal(counters.count('retried'), 5);
    assert.equal(counters.count('dead'), 0);
    assert.equal(deadLetterKeys().length, 0);
  });

  it('holds back the rest of a target while its head-of-line event retries', async () => {
    const processor = new TestProcessor('p1', 1);
    let headFailures = 3;
    processor.answer = (_target, event) =>
      event.cloudEvent.data.Key === 1 && headFailures-- > 0
        ? { outcome: 'retry', reason: 'timeout' }
        : { outcome: 'done' };
    store.routing.syncProcessors(['p1'], Date.now());
    dispatcher(processor).start();

    takeIn([1, 2, 3]);

    await eventually(() => store.bufferedEventCount() === 0, 'all delivered');
    assert.deepEqual(processor.keysSentTo('fn-a'), [1, 1, 1, 1, 2, 3]);
  });

  it('makes a poison event a dead letter and delivers the rest', async () => {
    const processor = new TestProcessor('p1', 1);
    processor.answer = (_target, event) =>
      event.cloudEvent.data.Key === 3
        ? { outcome: 'dead', reason: '400 Bad Request: invalid payload' }
        : { outcome: 'done' };
    const logLines = new PassThrough();
    let log = '';
    logLines.on('data', (chunk: Buffer) => (log += chunk.toString()));
    const logger = createLogger({ level: 'info', json: true, destination: logLines });
    store.routing.syncProcessors(['p1'], Date.now());
    dispatcher(processor, { logger }).start();

    takeIn([1, 2, 3, 4, 5]);

    await eventually(() => store.bufferedEventCount() === 0, 'all finished');
    assert.deepEqual(processor.keysSentTo('fn-a'), [1, 2, 3, 4, 5]);
    const [letter, ...more] = [...store.deadLetters.list()];
    assert.equal(more.length, 0);
    assert.equal(letter.processor, 'p1');
    assert.equal(letter.target, 'fn-a');
    assert.equal(letter.reason, '400 Bad Request: invalid payload');
    assert.equal(letter.eventId, incoming(3).cloudEvent.id);
    assert.deepEqual(letter.cloudEvent, incoming(3).cloudEvent);

    const deadLines = log.split('\n').filter((line) => line.includes('dead letter'));
    assert.equal(deadLines.length, 1);
    const line = JSON.parse(deadLines[0]);
    assert.equal(line.level, 40);
    assert.equal(line.eventId, incoming(3).cloudEvent.id);
    assert.equal(line.subject, 'VmPoweredOnEvent');
    assert.equal(line.target, 'fn-a');
    assert.equal(line.reason, '400 Bad Request: invalid payload');
  });

  it('logs the first failure of a target and its recovery, not every retry', async () => {
    const processor = new TestProcessor('p1', 1);
    let failuresLeft = 4;
    processor.answer = () =>
      failuresLeft-- > 0
        ? { outcome: 'retry', reason: 'connect ECONNREFUSED' }
        : { outcome: 'done' };
    const logLines = new PassThrough();
    let log = '';
    logLines.on('data', (chunk: Buffer) => (log += chunk.toString()));
    const logger = createLogger({ level: 'debug', json: true, destination: logLines });
    store.routing.syncProcessors(['p1'], Date.now());
    dispatcher(processor, { logger }).start();

    takeIn([1]);

    await eventually(() => store.bufferedEventCount() === 0, 'delivered');
    const lines = log
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { msg: string; reason?: string });
    const failing = lines.filter((l) => l.msg.includes('failing'));
    const recovered = lines.filter((l) => l.msg.includes('recovered'));
    assert.equal(failing.length, 1);
    assert.equal(failing[0].reason, 'connect ECONNREFUSED');
    assert.equal(recovered.length, 1);
  });

  it('does not let a slow target delay another target', async () => {
    const processor = new TestProcessor('p1', 2);
    processor.routeTo = () => ['slow', 'fast'];
    processor.holdTargets.add('slow');
    store.routing.syncProcessors(['p1'], Date.now());
    dispatcher(processor).start();

    takeIn([1, 2, 3, 4, 5]);

    await eventually(() => processor.keysSentTo('fast').length === 5, 'fast target has all');
    assert.deepEqual(processor.keysSentTo('slow'), [1, 2]);
    assert.equal(store.bufferedEventCount(), 5, 'still needed by the slow target');

    processor.holdTargets.clear();
    processor.release();
    await eventually(() => store.bufferedEventCount() === 0, 'slow target caught up');
    assert.deepEqual(processor.keysSentTo('slow'), [1, 2, 3, 4, 5]);
  });

  it('lets a target retrying its head-of-line event hold back only itself', async () => {
    const processor = new TestProcessor('p1', 1);
    processor.routeTo = () => ['failing', 'healthy'];
    processor.answer = (target) =>
      target === 'failing' ? { outcome: 'retry', reason: '503' } : { outcome: 'done' };
    store.routing.syncProcessors(['p1'], Date.now());
    dispatcher(processor).start();

    takeIn([1, 2, 3, 4]);

    await eventually(() => processor.keysSentTo('healthy').length === 4, 'healthy target done');
    await eventually(() => processor.keysSentTo('failing').length >= 3, 'a few retries');
    assert.deepEqual([...new Set(processor.keysSentTo('failing'))], [1], 'only the head is tried');
    assert.equal(store.bufferedEventCount(), 4);
  });

  it('on stop, waits for the batch in flight and records its result', async () => {
    const processor = new TestProcessor('p1', 10);
    processor.holdTargets.add('fn-a');
    store.routing.syncProcessors(['p1'], Date.now());
    const d = dispatcher(processor);
    d.start();
    takeIn([1, 2]);
    await eventually(() => processor.calls.length === 1, 'batch in flight');

    const stopped = d.stop();
    processor.release();
    await stopped;

    assert.equal(store.bufferedEventCount(), 0);
    takeIn([3]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(processor.calls.length, 1, 'nothing sent after stop');
    assert.equal(store.bufferedEventCount(), 1, 'left in the store');
  });

  it('keeps up to `concurrency` batches in flight for one target', async () => {
    const processor = new TestProcessor('p1', 2);
    processor.holdTargets.add('fn-a');
    store.routing.syncProcessors(['p1'], Date.now());
    dispatcher(processor, { concurrency: 3 }).start();

    takeIn([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);

    await eventually(() => processor.calls.length === 3, 'three batches in flight');
    assert.deepEqual(
      processor.calls.map((c) => c.keys),
      [
        [1, 2],
        [3, 4],
        [5, 6],
      ],
    );
    processor.holdTargets.clear();
    processor.release();
    await eventually(() => store.bufferedEventCount() === 0, 'all delivered');
    assert.deepEqual(
      [...processor.keysSentTo('fn-a')].sort((a, b) => a - b),
      [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
    );
  });

  it('gives up after maxRetryAgeMs and keeps the last error in the dead letter', async () => {
    const processor = new TestProcessor('p1');
    processor.answer = () => ({ outcome: 'retry', reason: '502 Bad Gateway' });
    store.routing.syncProcessors(['p1'], Date.now());
    const retry = { initialBackoffMs: 2, maxBackoffMs: 5, maxRetryAgeMs: 40 };
    dispatcher(processor, { retry }).start();

    takeIn([1]);

    await eventually(() => store.bufferedEventCount() === 0, 'given up');
    const [letter] = [...store.deadLetters.list()];
    assert.match(letter.reason, /^gave up after \d+ms and \d+ attempts: 502 Bad Gateway$/);
    assert.ok(letter.attempts >= 2);
    assert.equal(letter.attempts, processor.calls.length);
  });

  it('treats a deliver() that throws as a retry for the whole batch', async () => {
    const processor = new TestProcessor('p1', 5);
    let throws = 2;
    const deliver = processor.deliver.bind(processor);
    processor.deliver = async (target, events) => {
      if (throws-- > 0) throw new Error('socket hang up');
      return deliver(target, events);
    };
    store.routing.syncProcessors(['p1'], Date.now());
    dispatcher(processor).start();

    takeIn([1, 2, 3]);

    await eventually(() => store.bufferedEventCount() === 0, 'delivered after the throws');
    assert.deepEqual(processor.keysSentTo('fn-a'), [1, 2, 3]);
    assert.equal(deadLetterKeys().length, 0);
  });

  it('waits, in order, while route() cannot decide yet', async () => {
    const processor = new TestProcessor('p1', 10);
    let subscriptionsKnown = false;
    processor.routeTo = () => (subscriptionsKnown ? ['fn-a'] : undefined);
    store.routing.syncProcessors(['p1'], Date.now());
    dispatcher(processor, { routeRetryMs: 5 }).start();

    takeIn([1, 2, 3]);
    await new Promise((resolve) => setTimeout(resolve, 30));
    assert.equal(processor.calls.length, 0);
    assert.equal(store.routing.cursor('p1'), 0);

    subscriptionsKnown = true;
    await eventually(() => store.bufferedEventCount() === 0, 'routed and delivered');
    assert.deepEqual(processor.keysSentTo('fn-a'), [1, 2, 3]);
  });

  it('keeps an event until every processor has finished with it', async () => {
    const fast = new TestProcessor('fast');
    const slow = new TestProcessor('slow');
    slow.holdTargets.add('fn-a');
    store.routing.syncProcessors(['fast', 'slow'], Date.now());
    dispatcher(fast).start();
    dispatcher(slow).start();

    takeIn([1, 2]);

    await eventually(() => fast.keysSentTo('fn-a').length === 2, 'fast processor done');
    assert.equal(store.bufferedEventCount(), 2);
    slow.holdTargets.clear();
    slow.release();
    await eventually(() => store.bufferedEventCount() === 0, 'slow processor done');
    assert.deepEqual(slow.keysSentTo('fn-a'), [1, 2]);
  });

  it('starts a processor added later at the newest event', async () => {
    const first = new TestProcessor('first');
    first.holdTargets.add('fn-a');
    store.routing.syncProcessors(['first'], Date.now());
    dispatcher(first).start();
    takeIn([1, 2]);

    const later = new TestProcessor('later');
    store.routing.syncProcessors(['first', 'later'], Date.now());
    dispatcher(later).start();
    takeIn([3]);

    await eventually(() => later.keysSentTo('fn-a').length === 1, 'later got the new event');
    assert.deepEqual(later.keysSentTo('fn-a'), [3]);
    first.holdTargets.clear();
    first.release();
    await eventually(() => store.bufferedEventCount() === 0, 'first processor done');
  });

  it('turns the open deliveries of a processor no longer configured into dead letters', () => {
    store.routing.syncProcessors(['gone'], Date.now());
    takeIn([1, 2]);
    store.routing.routePage('gone', () => ['fn-a'], 100, Date.now());

    const { removed } = store.routing.syncProcessors([], Date.now());

    assert.deepEqual(removed, ['gone']);
    assert.deepEqual(deadLetterKeys(), [1, 2]);
    assert.match(
      [...store.deadLetters.list()][0].reason,
      /processor gone is no longer configured/,
    );
    assert.equal(store.bufferedEventCount(), 0, 'the dead letters keep their own copies');
    const [gone] = store.status().processors;
    assert.equal(gone.processor, 'gone');
    assert.equal(gone.configured, false);
    assert.equal(gone.deadLetters, 2);
  });

  it('delivers a batch in flight at a crash again after restart, with the same id', async () => {
    const processor = new TestProcessor('p1', 10);
    processor.holdTargets.add('fn-a');
    store.routing.syncProcessors(['p1'], Date.now());
    const before = dispatcher(processor, { stopTimeoutMs: 10 });
    before.start();
    takeIn([1, 2]);
    await eventually(() => processor.calls.length === 1, 'batch in flight');

    // The crash: the router goes away without a result recorded.
    await before.stop();
    processor.release();
    store.close();

    store = RouterStore.open({ dataDir: data.dir });
    const again = new TestProcessor('p1', 10);
    store.routing.syncProcessors(['p1'], Date.now());
    dispatcher(again).start();
    await eventually(() => store.bufferedEventCount() === 0, 'redelivered');
    assert.deepEqual(again.calls[0].ids, processor.calls[0].ids);
    assert.deepEqual(again.keysSentTo('fn-a'), [1, 2]);
  });

  it('reads a large backlog a page at a time', async () => {
    const processor = new TestProcessor('p1', 50);
    store.routing.syncProcessors(['p1'], Date.now());
    const keys = Array.from({ length: 2_000 }, (_, i) => i + 1);
    for (let i = 0; i < keys.length; i += 500)
      store.takeIn(
        'vc01',
        keys.slice(i, i + 500).map((k) => incoming(k)),
      );
    dispatcher(processor, { routePageSize: 100 }).start();

    await eventually(() => store.bufferedEventCount() === 0, 'backlog delivered');
    assert.deepEqual(processor.keysSentTo('fn-a'), keys);
    assert.ok(processor.calls.every((call) => call.keys.length <= 50));
  });
});
