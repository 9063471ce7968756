// The counters behind /stats and /metrics. One Prometheus registry per router (not prom-client's
// global one), so tests and a config reload never see counters of another instance.
import client from 'prom-client';

import type { Counters, DeliveryCount } from './counters';

/** Events per second over a short window, in one-second buckets. */
class RateWindow {
  private readonly buckets = new Map<number, number>();
  constructor(private readonly windowSeconds = 10) {}

  add(count: number, nowMs = Date.now()): void {
    const second = Math.floor(nowMs / 1000);
    this.buckets.set(second, (this.buckets.get(second) ?? 0) + count);
    for (const key of this.buckets.keys()) {
      if (key <= second - this.windowSeconds) this.buckets.delete(key);
    }
  }

  perSecond(nowMs = Date.now()): number {
    const newestComplete = Math.floor(nowMs / 1000) - 1;
    let sum = 0;
    for (const [second, count] of this.buckets) {
      if (second > newestComplete - this.windowSeconds && second <= newestComplete) sum += count;
    }
    return Math.round((sum / this.windowSeconds) * 100) / 100;
  }
}

export interface StreamCounts {
  eventsTotal: number;
  eventsErr: number;
  eventsPerSec: number;
  undecodable: number;
  stallRecoveries: number;
}

export interface ProcessorCounts {
  delivered: number;
  failed: number;
  retried: number;
  dead: number;
  eventsPerSec: number;
  /** Delivered events per subject, as the original's `invocations`. */
  invocations: Record<string, number>;
  /** Per target (function, bus): the same four counts. */
  targets: Record<string, Record<DeliveryCount, number>>;
}

const emptyDeliveryCounts = (): Record<DeliveryCount, number> => ({
  delivered: 0,
  failed: 0,
  retried: 0,
  dead: 0,
});

export class MetricsRegistry implements Counters {
  readonly prometheus = new client.Registry();
  private readonly streams = new Map<string, StreamCounts & { rate: RateWindow }>();
  private readonly processors = new Map<string, ProcessorCounts & { rate: RateWindow }>();

  private readonly streamEventsTotal = new client.Counter({
    name: 'vmware_event_router_stream_events_total',
    help: 'Events read from vCenter and taken into the store',
    labelNames: ['stream'],
    registers: [this.prometheus],
  });
  private readonly streamErrorsTotal = new client.Counter({
    name: 'vmware_event_router_stream_errors_total',
    help: 'Failed vCenter calls, by kind (session, login, tls, transient)',
    labelNames: ['stream', 'kind'],
    registers: [this.prometheus],
  });
  private readonly streamStallsTotal = new client.Counter({
    name: 'vmware_event_router_stream_stall_recoveries_total',
    help: 'Collectors recreated because they stopped returning events',
    labelNames: ['stream'],
    registers: [this.prometheus],
  });
  private readonly streamUndecodableTotal = new client.Counter({
    name: 'vmware_event_router_stream_undecodable_events_total',
    help: 'Events that could be decoded only in part',
    labelNames: ['stream'],
    registers: [this.prometheus],
  });
  private readonly deliveriesTotal = new client.Counter({
    name: 'vmware_event_router_deliveries_total',
    help: 'Delivery outcomes per processor, target and subject',
    labelNames: ['processor', 'target', 'subject', 'outcome'],
    registers: [this.prometheus],
  });

  constructor() {
    client.collectDefaultMetrics({ register: this.prometheus, prefix: 'vmware_event_router_' });
  }

  streamEvents(stream: string, count: number): void {
    const s = this.stream(stream);
    s.eventsTotal += count;
    s.rate.add(count);
    this.streamEventsTotal.inc({ stream }, count);
  }

  streamError(stream: string, kind: string): void {
    this.stream(stream).eventsErr += 1;
    this.streamErrorsTotal.inc({ stream, kind });
  }

  streamStallRecovered(stream: string): void {
    this.stream(stream).stallRecoveries += 1;
    this.streamStallsTotal.inc({ stream });
  }

  streamUndecodable(stream: string): void {
    this.stream(stream).undecodable += 1;
    this.streamUndecodableTotal.inc({ stream });
  }

  delivery(processor: string, target: string, subject: string, what: DeliveryCount): void {
    const p = this.processor(processor);
    p[what] += 1;
    p.targets[target] ??= emptyDeliveryCounts();
    p.targets[target][what] += 1;
    if (what === 'delivered') {
      p.invocations[subject] = (p.invocations[subject] ?? 0) + 1;
      p.rate.add(1);
    }
    this.deliveriesTotal.inc({ processor, target, subject, outcome: what });
  }

  streamCounts(stream: string): StreamCounts {
    const { rate, ...counts } = this.stream(stream);
    return { ...counts, eventsPerSec: rate.perSecond() };
  }

  processorCounts(processor: string): ProcessorCounts {
    const { rate, ...counts } = this.processor(processor);
    return { ...counts, eventsPerSec: rate.perSecond() };
  }

  private stream(name: string): StreamCounts & { rate: RateWindow } {
    let s = this.streams.get(name);
    if (!s) {
      s = {
        eventsTotal: 0,
        eventsErr: 0,
        eventsPerSec: 0,
        undecodable: 0,
        stallRecoveries: 0,
        rate: new RateWindow(),
      };
      this.streams.set(name, s);
    }
    return s;
  }

  private processor(name: string): ProcessorCounts & { rate: RateWindow } {
    let p = this.processors.get(name);
    if (!p) {
      p = {
        ...emptyDeliveryCounts(),
        eventsPerSec: 0,
        invocations: {},
        targets: {},
        rate: new RateWindow(),
      };
      this.processors.set(name, p);
    }
    return p;
  }
}
