// End to end: vcsim -> router process (store, dispatcher) -> OpenFaaS or EventBridge stand-in.
// - throughput: a burst posted before start, read from the beginning, to one function (topic
//   `*`) or one EventBridge bus; events/s and CPU seconds per 1,000 events;
// - steady latency: events posted at a fixed rate while the router follows; latency from each
//   event's CreatedTime to its function call;
// - catch-up: a backlog posted before start, then events at the same fixed rate while the
//   router works through the backlog; how long the backlog takes and what the new events wait.
import { startVcsim } from '../test/support/vcsim';
import { openFaasEntry, streamEntry } from './support/config';
import { latencyFigures, medianOfRuns, round, type LatencyFigures } from './support/figures';
import { pipelineRun, type PipelineRun } from './support/pipeline';
import { startRouterChild } from './support/router-child';
import { postAtRate, waitUntil } from './support/steady-poster';
import { startOpenFaas, type KeyRange } from './support/targets';

export interface ThroughputFigures {
  events: number;
  runs: PipelineRun[];
  median: PipelineRun;
}

export async function throughputBench(
  target: 'openfaas' | 'eventbridge',
  events: number,
  runs: number,
): Promise<ThroughputFigures> {
  const results: PipelineRun[] = [];
  for (let run = 0; run < runs; run++) {
    results.push(await pipelineRun({ vcenters: 1, eventsPerVcenter: events, target }));
  }
  return { events, runs: results, median: medianOfRuns(results) };
}

export interface SteadyFigures {
  ratePerSec: number;
  durationSec: number;
  runs: LatencyFigures[];
  median: LatencyFigures;
}

export async function steadyLatencyBench(
  ratePerSec: number,
  durationMs: number,
  runs: number,
): Promise<SteadyFigures> {
  const results: LatencyFigures[] = [];
  for (let run = 0; run < runs; run++) results.push(await steadyRun(ratePerSec, durationMs));
  return {
    ratePerSec,
    durationSec: durationMs / 1000,
    runs: results,
    median: medianOfRuns(results),
  };
}

async function steadyRun(ratePerSec: number, durationMs: number): Promise<LatencyFigures> {
  const expected = Math.ceil((ratePerSec * durationMs) / 1000) + 10_000;
  const vcsim = await startVcsim({ eventHistorySize: expected });
  const openFaas = await startOpenFaas(1);
  const router = await startRouterChild([
    streamEntry(vcsim, 'vc1'),
    openFaasEntry(openFaas.gateway.url),
  ]);
  try {
    const recorder = openFaas.recorders.get('sink-1')!;
    await router.waitForLog(/connected \(vSphere API/, 60_000);
    // The inventory's events of vcsim's start go first, so the posting starts on a quiet router.
    const { lastEventKey } = await vcsim.status();
    const history: KeyRange = { source: vcsim.sdkUrl, firstKey: 1, lastKey: lastEventKey };
    await waitUntil(() => recorder.hasAll(history), 'the start-up history delivered', 60_000);

    const untilMs = Date.now() + durationMs;
    const posted = await postAtRate(vcsim, ratePerSec, () => Date.now() >= untilMs);
    const range: KeyRange = { source: vcsim.sdkUrl, ...posted };
    await waitUntil(() => recorder.hasAll(range), 'every posted event delivered', 120_000);
    return roundLatency(latencyFigures(recorder.latenciesIn(range)));
  } finally {
    await router.stop();
    await openFaas.stop();
    await vcsim.stop();
  }
}

export interface CatchUpFigures {
  backlog: number;
  ratePerSec: number;
  /** From "connected" to the last backlog event at the function. */
  catchUpSec: number;
  backlogEventsPerSec: number;
  /** Of the events posted at the fixed rate while the backlog was worked through. */
  newEvents: LatencyFigures;
}

/** One run: a 100,000-event backlog takes minutes, so it is not repeated. */
export async function catchUpBench(backlog: number, ratePerSec: number): Promise<CatchUpFigures> {
  const vcsim = await startVcsim({ eventHistorySize: backlog * 2 + 10_000 });
  const openFaas = await startOpenFaas(1);
  const stops = [() => openFaas.stop(), () => vcsim.stop()];
  try {
    const burst = await vcsim.burst(backlog, 1);
    const backlogRange: KeyRange = { source: vcsim.sdkUrl, firstKey: 1, lastKey: burst.lastKey };
    const recorder = openFaas.recorders.get('sink-1')!;
    const router = await startRouterChild([
      streamEntry(vcsim, 'vc1'),
      openFaasEntry(openFaas.gateway.url),
    ]);
    stops.unshift(() => router.stop());
    const connectedMs = await router.waitForLog(/connected \(vSphere API/, 60_000);

    let caughtUpMs = 0;
    const posted = await postAtRate(vcsim, ratePerSec, () => {
      if (caughtUpMs === 0 && recorder.hasAll(backlogRange)) caughtUpMs = Date.now();
      return caughtUpMs !== 0;
    });
    const range: KeyRange = { source: vcsim.sdkUrl, ...posted };
    await waitUntil(() => recorder.hasAll(range), 'every new event delivered', 600_000);
    const catchUpSec = (caughtUpMs - connectedMs) / 1000;
    return {
      backlog: burst.lastKey,
      ratePerSec,
      catchUpSec: round(catchUpSec, 1),
      backlogEventsPerSec: round(burst.lastKey / catchUpSec),
      newEvents: roundLatency(latencyFigures(recorder.latenciesIn(range))),
    };
  } finally {
    for (const stop of stops) await stop();
  }
}

function roundLatency(figures: LatencyFigures): LatencyFigures {
  return {
    count: figures.count,
    p50Ms: round(figures.p50Ms),
    p99Ms: round(figures.p99Ms),
    maxMs: round(figures.maxMs),
  };
}
