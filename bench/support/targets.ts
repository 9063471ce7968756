// The delivery targets of a benchmark: the OpenFaaS gateway and EventBridge stand-ins of
// test/stand-ins (real OpenFaaS and EventBridge cannot run here), with a recorder that keeps
// only what the figures need. The stand-ins remember every call; over 100,000 events that
// would be the harness's memory, not the router's, so the recorder empties their logs as it
// reads them.
import type { RouterCloudEvent } from '../../router/src/events/cloudevent-json';
import { EventBridgeEndpoint } from '../../test/stand-ins/eventbridge-endpoint';
import {
  OpenFaasGatewayStandIn,
  type FunctionAnswer,
  type RecordedCall,
} from '../../test/stand-ins/openfaas-gateway';
import type { EventBridgeTarget } from './config';

/** What a function saw: each (vCenter, key) once, and for each call the latency from the
 * event's CreatedTime (vcsim's clock, the same machine) to the call reaching the function.
 * Sources are CloudEvent `source`s: the vCenter SDK URL. */
export class DeliveryRecorder {
  calls = 0;
  private readonly keys = new Map<string, Set<number>>();
  private readonly latencies: Array<{ source: string; key: number; latencyMs: number }> = [];

  record(event: RouterCloudEvent, atMs: number): void {
    const key = Number(event.data.Key);
    this.calls++;
    let keys = this.keys.get(event.source);
    if (keys === undefined) this.keys.set(event.source, (keys = new Set()));
    keys.add(key);
    const created = Date.parse(String(event.data.CreatedTime));
    if (Number.isFinite(created)) {
      this.latencies.push({ source: event.source, key, latencyMs: atMs - created });
    }
  }

  /** Every key from first to last (int32, no wrap in a benchmark) has arrived. */
  hasAll(range: KeyRange): boolean {
    const keys = this.keys.get(range.source);
    if (keys === undefined) return false;
    for (let key = range.firstKey; key <= range.lastKey; key++) if (!keys.has(key)) return false;
    return true;
  }

  countIn(range: KeyRange): number {
    let count = 0;
    for (const key of this.keys.get(range.source) ?? []) {
      if (key >= range.firstKey && key <= range.lastKey) count++;
    }
    return count;
  }

  latenciesIn(range: KeyRange): number[] {
    return this.latencies
      .filter(
        ({ source, key }) =>
          source === range.source && key >= range.firstKey && key <= range.lastKey,
      )
      .map(({ latencyMs }) => latencyMs);
  }
}

/** Keys firstKey..lastKey of one vCenter (its SDK URL, the CloudEvent source). */
export interface KeyRange {
  source: string;
  firstKey: number;
  lastKey: number;
}

export interface OpenFaasTarget {
  gateway: OpenFaasGatewayStandIn;
  /** One recorder per function, by name. */
  recorders: Map<string, DeliveryRecorder>;
  /** What every function answers from now on (only 200 answers are recorded). */
  answer(status: number): void;
  stop(): Promise<void>;
}

/**
 * A gateway with `functions` functions subscribed to every event (topic `*`). A function
 * answers at once with `status` (200 by default; 503 keeps events buffered), which answer()
 * changes.
 */
export async function startOpenFaas(functions: number, status = 200): Promise<OpenFaasTarget> {
  let answering = status;
  const gateway = new OpenFaasGatewayStandIn();
  const recorders = new Map<string, DeliveryRecorder>();
  for (let i = 1; i <= functions; i++) {
    const name = `sink-${i}`;
    const recorder = new DeliveryRecorder();
    recorders.set(name, recorder);
    gateway.deploy({
      name,
      annotations: { topic: '*' },
      handler: (call: RecordedCall): FunctionAnswer => {
        const answer = answering;
        if (answer === 200) recorder.record(JSON.parse(call.body) as RouterCloudEvent, Date.now());
        else recorder.calls++;
        return { status: answer };
      },
    });
  }
  await gateway.start();
  // The stand-in keeps every call; nobody reads them here.
  const trim = setInterval(() => gateway.calls.splice(0, gateway.calls.length), 200);
  return {
    gateway,
    recorders,
    answer(next) {
      answering = next;
    },
    async stop() {
      clearInterval(trim);
      await gateway.stop();
    },
  };
}

export interface EventBridgeStandIn {
  target: EventBridgeTarget;
  recorder: DeliveryRecorder;
  stop(): Promise<void>;
}

const accessKeyId = 'AKIABENCHKEY00000000';
// Not a real secret: the stand-in checks SigV4 signatures with it.
const secretAccessKey = 'bench/EventBridge+StandIn/Key0000000000';

/** An EventBridge endpoint with a rule that matches every event from the router. */
export async function startEventBridge(): Promise<EventBridgeStandIn> {
  const endpoint = await EventBridgeEndpoint.start({ accessKeyId, secretAccessKey });
  endpoint.setRule({
    name: 'all-events',
    eventBus: 'bench',
    pattern: { source: [{ prefix: '' }] },
  });
  const recorder = new DeliveryRecorder();
  // Entries are read off the endpoint's list as they arrive; the arrival time is when they are
  // read (at most 20 ms late), which is only good enough for rates, not latency.
  const drain = setInterval(() => {
    const now = Date.now();
    for (const entry of endpoint.received.splice(0, endpoint.received.length)) {
      recorder.record(entry.detail as unknown as RouterCloudEvent, now);
    }
    endpoint.calls.splice(0, endpoint.calls.length);
  }, 20);
  return {
    target: {
      url: endpoint.url,
      region: endpoint.region,
      ruleArn: endpoint.ruleArn('all-events', 'bench'),
      accessKeyId,
      secretAccessKey,
    },
    recorder,
    async stop() {
      clearInterval(drain);
      await endpoint.stop();
    },
  };
}
