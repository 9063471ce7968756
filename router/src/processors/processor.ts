// The one interface a processor implements. A processor owns only its protocol: which targets
// an event has, and how to hand events to a target. The dispatcher (delivery/) owns the store,
// backoff, ordering, concurrency and counting.
import type { RouterCloudEvent } from '../events/cloudevent-json';

/** What became of one event handed to deliver(). */
export type DeliveryResult =
  | { outcome: 'done' }
  /** Worth another attempt later (network error, timeout, 408, 429, 5xx, throttling). */
  | { outcome: 'retry'; reason: string }
  /** Will never succeed (a 4xx, an event the target rejects); kept as a dead letter. */
  | { outcome: 'dead'; reason: string };

/** An event as the store holds it for delivery. */
export interface BufferedEvent {
  /** The store's sequence number: vCenter's order within a stream, arrival order across. */
  seq: number;
  stream: string;
  cloudEvent: RouterCloudEvent;
}

export interface ProcessorHealth {
  healthy: boolean;
  /** Why not, in words for an operator (`gateway http://…: 401 Unauthorized`). */
  reason?: string;
}

export interface Processor {
  readonly name: string;
  readonly provider: string;
  /** Most events one deliver() call takes for one target. */
  readonly maxBatchSize: number;

  /** Starts background work (subscription or rule refresh). Never throws for a target that is
   * down: the processor reports that through health() and route() instead. */
  start(): Promise<void>;
  stop(): Promise<void>;

  /**
   * The targets this event goes to, decided once when the processor first takes it up.
   * `[]`: none (nothing subscribed, the rule does not match); the event is done here.
   * `undefined`: cannot tell yet (subscriptions never listed); ask again later.
   */
  route(event: RouterCloudEvent): string[] | undefined;

  /** Sends events (in order) to one target; one result per event, in the same order. Must not
   * throw: a failure is a `retry` or `dead` result with the reason. */
  deliver(target: string, events: BufferedEvent[]): Promise<DeliveryResult[]>;

  health(): ProcessorHealth;
}
