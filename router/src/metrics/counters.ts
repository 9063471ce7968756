// The counters every part updates, behind one small interface, so streams and the dispatcher
// do not depend on prom-client. registry.ts implements it; /stats and /metrics read it.

export type DeliveryCount = 'delivered' | 'failed' | 'retried' | 'dead';

export interface Counters {
  /** Events read from vCenter and taken in (duplicates not counted). */
  streamEvents(stream: string, count: number): void;
  /** A vCenter problem: a failed call, a lost session, a TLS failure. */
  streamError(stream: string, reason: string): void;
  /** The collector was recreated because it stopped returning events. */
  streamStallRecovered(stream: string): void;
  /** An event that could not be fully decoded (it is still emitted with what was decoded). */
  streamUndecodable(stream: string): void;
  /** One delivery outcome of one event to one target. */
  delivery(processor: string, target: string, subject: string, what: DeliveryCount): void;
}

/** Counters that count nothing, for unit tests. */
export const noCounters: Counters = {
  streamEvents: () => undefined,
  streamError: () => undefined,
  streamStallRecovered: () => undefined,
  streamUndecodable: () => undefined,
  delivery: () => undefined,
};
