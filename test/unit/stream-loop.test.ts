// The read loop's own decisions, against a real SQLite store and a scripted session. vcsim
// cannot make a collector stop returning events or fill a disk on demand; everything else about
// the loop is tested against vcsim in test/integration/.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import type { StreamConfig } from '../../router/src/config/types';
import type { DecodedEvent } from '../../router/src/events/vcenter-event';
import { silentLogger } from '../../router/src/log';
import { noCounters, type Counters } from '../../router/src/metrics/counters';
import { RouterStore } from '../../router/src/store/store';
import {
  StoreFullError,
  type IncomingEvent,
  type TakeInResult,
} from '../../router/src/store/types';
import { VcenterError } from '../../router/src/vcenter/errors';
import type {
  CollectorRef,
  EventPosition,
  VcenterSession,
} from '../../router/src/vcenter/session';
import { VcenterStream } from '../../router/src/vcenter/stream';

function event(key: number, createdTime: string): DecodedEvent {
  return {
    className: 'VmPoweredOnEvent',
    key,
    createdTime,
    data: { Key: key, CreatedTime: createdTime },
    problems: [],
  };
}

/** A vCenter history; each collector reads from its begin time, and can be made to get stuck. */
class ScriptedVcenter {
  history: DecodedEvent[] = [];
  collectorsCreated: (string | undefined)[] = [];
  /** Collectors that return nothing from now on, as a stuck one does; new ones work. */
  stuckCollectors = new Set<string>();
  openCollectors: string[] = [];
  failNextCalls = 0;
  logins = 0;
  clock = new Date('2026-12-03T10:00:00Z');

  open = async (): Promise<VcenterSession> => {
    this.logins += 1;
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the session's methods need both
    const vcenter = this;
    const positions = new Map<string, number>();
    const guard = () => {
      if (vcenter.failNextCalls > 0) {
        vcenter.failNextCalls -= 1;
        throw new VcenterError('session', 'vCenter test: NotAuthenticated', 'NotAuthenticated');
      }
    };
    return {
      apiVersion: '7.0.3.0',
      async currentTime() {
        guard();
        return vcenter.clock;
      },
      async createCollector(beginTime?: string): Promise<CollectorRef> {
        guard();
        vcenter.collectorsCreated.push(beginTime);
        const value = `session[${vcenter.logins}]collector-${vcenter.collectorsCreated.length}`;
        vcenter.openCollectors.push(value);
        const begin = beginTime ? Date.parse(beginTime) : -Infinity;
        positions.set(
          value,
          vcenter.history.findIndex((e) => Date.parse(e.createdTime) >= begin),
        );
        if (positions.get(value) === -1) positions.set(value, vcenter.history.length);
        return { type: 'EventHistoryCollector', value };
      },
      async readNextEvents(collector: CollectorRef, maxCount: number) {
        guard();
        if (vcenter.stuckCollectors.has(collector.value)) return [];
        const at = positions.get(collector.value) ?? 0;
        const page = vcenter.history.slice(at, at + maxCount);
        positions.set(collector.value, at + page.length);
        return page;
      },
      async latestPage(): Promise<EventPosition[]> {
        return vcenter.history.slice(-10).map((e) => ({ key: e.key, createdTime: e.createdTime }));
      },
      async destroyCollector() {},
      async logout() {},
    };
  };
}

function streamConfig(overrides: Partial<StreamConfig> = {}): StreamConfig {
  return {
    name: 'vc-test',
    address: 'https://vc.test/sdk',
    username: 'u',
    password: 'p',
    tls: { insecure: false },
    checkpoint: true,
    pollIntervalMs: 10,
    pageSize: 5,
    startFrom: { kind: 'beginning' },
    maxReplayAgeMs: 86_400_000 * 365 * 10,
    maxBufferedEvents: 1_000_000,
    ...overrides,
  };
}

async function until(condition: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

describe('stream read loop', () => {
  let dataDir: string;
  let store: RouterStore;

  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'stream-loop-'));
    store = RouterStore.open({ dataDir, maxReplayAgeMs: () => 86_400_000 * 365 * 10 });
  });

  afterEach(() => {
    store.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  function storedKeys(): number[] {
    return (
      store.db.prepare('SELECT key FROM events ORDER BY seq').all() as { key: number }[]
    ).map((row) => row.key);
  }

  it('reads every page, including keys that wrapped to negative numbers', async () => {
    const vcenter = new ScriptedVcenter();
    const keys = [2147483645, 2147483646, 2147483647, -2147483648, -2147483647, -2147483646, 7];
    vcenter.history = keys.map((k, i) => event(k, `2026-12-03T09:00:0${i}.000Z`));
    const stream = new VcenterStream({
      config: streamConfig(),
      source: 'https://vc.test/sdk',
      openSession: vcenter.open,
      store,
      counters: noCounters,
      logger: silentLogger(),
      onTakenIn: () => undefined,
    });
    stream.start();
    await until(() => storedKeys().length === keys.length, 'all events');
    await stream.stop();
    assert.deepEqual(storedKeys(), keys);
  });

  it('logs in again after NotAuthenticated, resumes at the checkpoint, no duplicates', async () => {
    const vcenter = new ScriptedVcenter();
    vcenter.history = [1, 2, 3].map((k) => event(k, `2026-12-03T09:00:0${k}.000Z`));
    const stream = new VcenterStream({
      config: streamConfig(),
      source: 'https://vc.test/sdk',
      openSession: vcenter.open,
      store,
      counters: noCounters,
      logger: silentLogger(),
      onTakenIn: () => undefined,
    });
    stream.start();
    await until(() => storedKeys().length === 3, 'first events');
    vcenter.failNextCalls = 1;
    vcenter.history.push(
      event(4, '2026-12-03T09:00:03.000Z'),
      event(5, '2026-12-03T09:00:09.000Z'),
    );
    await until(() => storedKeys().length === 5, 'events after the new login', 10_000);
    await stream.stop();
    assert.deepEqual(storedKeys(), [1, 2, 3, 4, 5]);
    assert.equal(vcenter.logins, 2);
    assert.equal(vcenter.collectorsCreated[1], '2026-12-03T09:00:03.000Z');
  });

  it('recreates a collector that returns nothing while vCenter has newer events', async () => {
    const vcenter = new ScriptedVcenter();
    vcenter.history = [event(1, '2026-12-03T09:00:01.000Z')];
    let stalls = 0;
    const counters: Counters = { ...noCounters, streamStallRecovered: () => (stalls += 1) };
    const stream = new VcenterStream({
      config: streamConfig({ stallCheckIntervalMs: 50 }),
      source: 'https://vc.test/sdk',
      openSession: vcenter.open,
      store,
      counters,
      logger: silentLogger(),
      onTakenIn: () => undefined,
    });
    stream.start();
    await until(() => storedKeys().length === 1, 'first event');
    for (const collector of vcenter.openCollectors) vcenter.stuckCollectors.add(collector);
    vcenter.history.push(event(2, '2026-12-03T09:00:02.000Z'));
    await sleep(20);
    assert.deepEqual(storedKeys(), [1], 'the stuck collector reads nothing');
    await until(() => stalls === 1, 'a stall recovery');
    await until(() => storedKeys().length === 2, 'the event behind the stall');
    assert.equal(stream.health().stallRecoveries, 1);
    await stream.stop();
  });

  it('holds a page the store cannot take and offers it again, losing nothing', async () => {
    const vcenter = new ScriptedVcenter();
    vcenter.history = [1, 2, 3].map((k) => event(k, `2026-12-03T09:00:0${k}.000Z`));
    let full = true;
    const fullStore = {
      readCheckpoint: (s: string) => store.readCheckpoint(s),
      bufferedEventCount: () => store.bufferedEventCount(),
      takeIn(stream: string, events: IncomingEvent[]): TakeInResult {
        if (full) throw new StoreFullError('database or disk is full');
        return store.takeIn(stream, events);
      },
    };
    const stream = new VcenterStream({
      config: streamConfig(),
      source: 'https://vc.test/sdk',
      openSession: vcenter.open,
      store: fullStore,
      counters: noCounters,
      logger: silentLogger(),
      onTakenIn: () => undefined,
    });
    stream.start();
    await until(() => stream.health().state === 'paused', 'the pause');
    assert.match(stream.health().reason ?? '', /store full/);
    full = false;
    await until(() => storedKeys().length === 3, 'the held page', 10_000);
    assert.equal(stream.health().state, 'connected');
    await stream.stop();
  });

  it('pauses reading while max_buffered_events wait, and resumes when there is room', async () => {
    const vcenter = new ScriptedVcenter();
    vcenter.history = [1, 2, 3, 4, 5, 6].map((k) => event(k, `2026-12-03T09:00:0${k}.000Z`));
    let buffered = 0;
    const boundedStore = {
      readCheckpoint: (s: string) => store.readCheckpoint(s),
      bufferedEventCount: () => buffered,
      takeIn(stream: string, events: IncomingEvent[]): TakeInResult {
        const result = store.takeIn(stream, events);
        buffered += result.takenIn;
        return result;
      },
    };
    const stream = new VcenterStream({
      config: streamConfig({ pageSize: 2, maxBufferedEvents: 2 }),
      source: 'https://vc.test/sdk',
      openSession: vcenter.open,
      store: boundedStore,
      counters: noCounters,
      logger: silentLogger(),
      onTakenIn: () => undefined,
    });
    stream.start();
    await until(() => stream.health().state === 'paused', 'the pause');
    assert.deepEqual(storedKeys(), [1, 2]);
    assert.match(stream.health().reason ?? '', /buffer full: 2 events wait/);
    buffered = 0;
    await until(() => storedKeys().length === 4, 'reading resumed');
    buffered = 0;
    await until(() => storedKeys().length === 6, 'the rest');
    await stream.stop();
  });
});
