// One end-to-end run: vcsims holding a burst each (posted before the router starts), the
// router process reading them from the beginning, and a target that answers at once. Timed
// from the router's first "connected" log line to the last event reaching every function
// (or the EventBridge bus); CPU time from the probe at those two moments.
import { startVcsim, type Vcsim } from '../../test/support/vcsim';
import { eventBridgeEntry, openFaasEntry, streamEntry } from './config';
import { cpuSeconds } from './figures';
import { startRouterChild } from './router-child';
import { waitUntil } from './steady-poster';
import { startEventBridge, startOpenFaas, type DeliveryRecorder, type KeyRange } from './targets';

export interface PipelineOptions {
  vcenters: number;
  eventsPerVcenter: number;
  target: 'openfaas' | 'eventbridge';
  /** OpenFaaS functions subscribed to every event; default 1. */
  functions?: number;
}

export interface PipelineRun {
  /** vCenter events (each delivered to every function). */
  events: number;
  eventsPerSec: number;
  /** Function calls (or EventBridge entries) a second: events/s times the functions. */
  deliveriesPerSec: number;
  cpuSecondsPer1000Events: number;
  peakRssMb: number;
}

const connectedLog = /connected \(vSphere API/;

export async function pipelineRun(options: PipelineOptions): Promise<PipelineRun> {
  const vcsims: Vcsim[] = [];
  const stops: Array<() => Promise<void>> = [];
  try {
    for (let i = 0; i < options.vcenters; i++) {
      const vcsim = await startVcsim({ eventHistorySize: options.eventsPerVcenter + 10_000 });
      vcsims.push(vcsim);
      stops.push(() => vcsim.stop());
    }
    const ranges: KeyRange[] = [];
    for (const [i, vcsim] of vcsims.entries()) {
      const burst = await vcsim.burst(options.eventsPerVcenter, i + 1);
      ranges.push({ source: vcsim.sdkUrl, firstKey: burst.firstKey, lastKey: burst.lastKey });
    }

    const { entry, recorders, stop } = await startTarget(options);
    stops.push(stop);
    const streams = vcsims.map((vcsim, i) => streamEntry(vcsim, `vc${i + 1}`));
    const router = await startRouterChild([...streams, entry]);
    stops.push(() => router.stop());

    const connectedMs = await router.waitForLog(connectedLog, 60_000);
    const before = await router.probe();
    const doneMs = await waitUntil(
      () => recorders.every((r) => ranges.every((range) => r.hasAll(range))),
      'every event at every target',
      1_800_000,
    );
    const after = await router.probe();

    const events = ranges.reduce((sum, r) => sum + r.lastKey - r.firstKey + 1, 0);
    const seconds = (doneMs - connectedMs) / 1000;
    return {
      events,
      eventsPerSec: events / seconds,
      deliveriesPerSec: (events * recorders.length) / seconds,
      cpuSecondsPer1000Events: ((cpuSeconds(after.cpu) - cpuSeconds(before.cpu)) * 1000) / events,
      peakRssMb: after.maxRssKb / 1024,
    };
  } finally {
    for (const stop of stops.reverse()) await stop();
  }
}

async function startTarget(options: PipelineOptions): Promise<{
  entry: unknown;
  recorders: DeliveryRecorder[];
  stop: () => Promise<void>;
}> {
  if (options.target === 'eventbridge') {
    const eventBridge = await startEventBridge();
    return {
      entry: eventBridgeEntry(eventBridge.target),
      recorders: [eventBridge.recorder],
      stop: () => eventBridge.stop(),
    };
  }
  const openFaas = await startOpenFaas(options.functions ?? 1);
  return {
    entry: openFaasEntry(openFaas.gateway.url),
    recorders: [...openFaas.recorders.values()],
    stop: () => openFaas.stop(),
  };
}
