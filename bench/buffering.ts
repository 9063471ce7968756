// Cost of buffering: the router's RSS and database size while events pile up because their
// only target fails. One OpenFaaS function is subscribed to everything. Memory is read after
// garbage collection settled:
// 1. at start, idle, with vcsim's few start-up events;
// 2. after a warm-up: 20,000 events (or one step) taken in and delivered (the function answers
//    200), so nothing is buffered but the router has done the same kind of work as the steps;
// 3. then the function answers 503, events are posted in steps, and after each step (once the
//    checkpoint has the newest key) every event taken in waits in the store.
// The figure that says whether buffering costs memory is step 3 against step 2; step 1 against
// step 2 is what any work costs once (allocator and SQLite page cache high-water marks).
import fs from 'node:fs';
import path from 'node:path';

import Database from 'better-sqlite3';

import { startVcsim } from '../test/support/vcsim';
import { openFaasEntry, streamEntry } from './support/config';
import { round } from './support/figures';
import { startRouterChild, type RouterChild } from './support/router-child';
import { waitUntil } from './support/steady-poster';
import { startOpenFaas } from './support/targets';

export interface BufferingStep {
  buffered: number;
  rssMb: number;
  /** Of the RSS: anonymous memory (heaps, malloc) and mapped files (node, libraries). */
  rssAnonMb: number;
  rssFileMb: number;
  heapTotalMb: number;
  heapUsedMb: number;
  /** Memory outside the V8 heap: SQLite's page cache, buffers, the addon. */
  externalMb: number;
  databaseMb: number;
}

export interface BufferingFigures {
  pageSize: number;
  /** Idle at start, before any work. */
  idle: BufferingStep;
  /** After the warm-up was delivered: nothing buffered. */
  warm: BufferingStep;
  warmUpEvents: number;
  steps: BufferingStep[];
  /** RSS with the most events buffered over RSS after the warm-up (nothing buffered). */
  rssRatio: number;
  databaseMbPer100k: number;
  /** Average length of the stored CloudEvent JSON, the bulk of each row. */
  averageCloudEventBytes: number;
  peakRssMb: number;
}

/** Events of the warm-up, or one step if that is smaller. */
const warmUpEventsAtMost = 20_000;

const mb = (bytes: number) => round(bytes / 1024 / 1024, 1);

export async function bufferingBench(
  total: number,
  step: number,
  pageSize: number,
): Promise<BufferingFigures> {
  const warmUpEvents = Math.min(warmUpEventsAtMost, step);
  const vcsim = await startVcsim({ eventHistorySize: total + warmUpEvents + 10_000 });
  const target = await startOpenFaas(1, 200);
  let router: RouterChild | undefined;
  try {
    router = await startRouterChild([
      streamEntry(vcsim, 'vc1', pageSize),
      openFaasEntry(target.gateway.url),
    ]);
    await router.waitForLog(/connected \(vSphere API/, 60_000);
    const recorder = target.recorders.get('sink-1')!;
    const startUp = await vcsim.status();
    const history = { source: vcsim.sdkUrl, firstKey: 1, lastKey: startUp.lastEventKey };
    await waitUntil(() => recorder.hasAll(history), 'the start-up history delivered', 60_000);
    const idle = await measure(router);

    const warmUp = await vcsim.burst(warmUpEvents, 99);
    const warmRange = { source: vcsim.sdkUrl, firstKey: 1, lastKey: warmUp.lastKey };
    await waitUntil(() => recorder.hasAll(warmRange), 'the warm-up delivered', 600_000, 200);
    await router.waitForStats((s) => s.processors.openfaas?.buffered === 0, 'empty', 60_000);
    const warm = await measure(router);

    target.answer(503);
    const steps = [warm];
    let posted = 0;
    for (let seed = 1; posted < total; seed++) {
      const count = Math.min(step, total - posted);
      const burst = await vcsim.burst(count, seed);
      await router.waitForStats(
        (s) => (s.streams.vc1?.checkpoint?.lastKey ?? -Infinity) >= burst.lastKey,
        `the checkpoint at key ${burst.lastKey}`,
        1_800_000,
        200,
      );
      posted += count;
      steps.push(await measure(router));
    }
    const final = await router.probe({ settled: true });
    const averageCloudEventBytes = averageStoredEventBytes(router.dataDir);
    const most = steps[steps.length - 1];
    return {
      pageSize,
      steps,
      idle,
      warm,
      warmUpEvents,
      rssRatio: round(most.rssMb / warm.rssMb, 2),
      // From the idle size: pages the delivered warm-up freed are reused by the steps.
      databaseMbPer100k: round(((most.databaseMb - idle.databaseMb) * 100_000) / posted, 1),
      averageCloudEventBytes,
      peakRssMb: round(final.maxRssKb / 1024, 1),
    };
  } finally {
    await router?.stop();
    await target.stop();
    await vcsim.stop();
  }
}

async function measure(router: RouterChild): Promise<BufferingStep> {
  const stats = await router.stats();
  const sample = await router.probe({ settled: true });
  return {
    buffered: stats.processors.openfaas?.buffered ?? 0,
    rssMb: mb(sample.memory.rss),
    ...rssParts(router.pid),
    heapTotalMb: mb(sample.memory.heapTotal),
    heapUsedMb: mb(sample.memory.heapUsed),
    externalMb: mb(sample.memory.external + sample.memory.arrayBuffers),
    databaseMb: mb(router.databaseBytes()),
  };
}

/** Read through a second, read-only connection (WAL lets it read beside the router). */
function averageStoredEventBytes(dataDir: string): number {
  const db = new Database(path.join(dataDir, 'router.db'), { readonly: true });
  try {
    const average = db.prepare('SELECT avg(length(cloud_event)) FROM events').pluck().get();
    return round(Number(average), 0);
  } finally {
    db.close();
  }
}

/** RssAnon and RssFile of /proc/PID/status (Linux), read right after the settled probe. */
function rssParts(pid: number): { rssAnonMb: number; rssFileMb: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) =>
    Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]);
  return { rssAnonMb: round(kb('RssAnon') / 1024, 1), rssFileMb: round(kb('RssFile') / 1024, 1) };
}
