// The dispatcher of one processor: routes the events its cursor has not passed yet, then runs
// one lane per target, each sending that target's deliveries in seq order, up to
// `concurrency` batches in flight. It meets the stream side and the other processors only in
// the store, so a slow or failing target delays its own lane and nothing else.
//
// State kept in memory, all of it rebuilt from the store at start: the lanes, which deliveries
// are in flight, and the timers. A delivery in flight is not marked in the store; after a
// crash it is simply due again and goes out with the same stored CloudEvent (same id).
//
// The processor's own start() and stop() belong to the router's wiring, not to this class.
import type { Logger } from '../log';
import type { RetryOptions } from '../config/types';
import type { Counters } from '../metrics/counters';
import type { BufferedEvent, DeliveryResult, Processor } from '../processors/processor';
import type { PendingDelivery, DeliveryUpdate } from '../store/deliveries';
import type { StoredEventRow } from '../store/buffered-events';
import type { RouterStore } from '../store/store';
import type { RouterCloudEvent } from '../events/cloudevent-json';
import { messageOf } from '../store/errors';
import { formatElapsedMs } from './backoff';
import { decideUpdate } from './outcome';

export interface DispatcherOptions {
  processor: Processor;
  store: RouterStore;
  retry: RetryOptions;
  /** Batches in flight per target; 1 keeps vCenter's order strictly. */
  concurrency: number;
  counters: Counters;
  logger: Logger;
  random?: () => number;
  /** Events routed per store transaction. */
  routePageSize?: number;
  /** How soon to ask route() again after it could not decide an event. */
  routeRetryMs?: number;
  /** Pause after the store itself failed (disk full) before trying again. */
  storeRetryMs?: number;
  /** How often to look for writes by other processes (a `dead-letters replay`). */
  externalCheckMs?: number;
  /** How long stop() waits for deliveries in flight. */
  stopTimeoutMs?: number;
}

interface Lane {
  target: string;
  inFlight: number;
  inFlightSeqs: Set<number>;
  timer?: NodeJS.Timeout;
  timerAtMs?: number;
  /** The store could not record results; the lane rests until then. */
  pausedUntilMs: number;
  /** Since when the target has been failing (retry results); undefined while healthy. */
  failingSinceMs?: number;
}

const maxTimerMs = 2 ** 31 - 1;
const routePagesPerTurn = 5;

export class Dispatcher {
  private readonly processor: Processor;
  private readonly store: RouterStore;
  private readonly log: Logger;
  private readonly lanes = new Map<string, Lane>();
  private readonly dirty = new Set<Lane>();
  private readonly inFlight = new Set<Promise<void>>();
  private state: 'new' | 'running' | 'stopping' | 'stopped' = 'new';
  private turnScheduled = false;
  private routeWanted = true;
  private routeTimer?: NodeJS.Timeout;
  private externalTimer?: NodeJS.Timeout;
  private externalGeneration = 0;
  private routeErrorSeq?: number;
  private stopping?: Promise<void>;

  constructor(private readonly options: DispatcherOptions) {
    this.processor = options.processor;
    this.store = options.store;
    this.log = options.logger.child({ component: 'dispatcher', processor: this.processor.name });
  }

  /** Registers the processor in the store if needed and starts delivering what is due. */
  start(): void {
    if (this.state !== 'new') return;
    this.state = 'running';
    this.store.routing.register(this.processor.name, this.store.now());
    this.store.deliveries.forgetIdleTargets(this.processor.name);
    this.externalGeneration = this.store.externalWriteGeneration();
    this.loadLanes();
    this.externalTimer = setInterval(
      () => this.checkExternalWrites(),
      this.options.externalCheckMs ?? 5_000,
    );
    this.externalTimer.unref();
    this.scheduleTurn();
  }

  /** New events were taken in: route them and deliver. Cheap; call after every take in. */
  notify(): void {
    this.routeWanted = true;
    this.scheduleTurn();
  }

  /**
   * Stops taking up work and waits (at most stopTimeoutMs) for the deliveries in flight; what
   * they return is recorded. Anything still in flight then, and everything not yet sent, stays
   * in the store for the next start.
   */
  stop(): Promise<void> {
    // A second caller waits for the same stop, not less.
    this.stopping ??= this.stopNow();
    return this.stopping;
  }

  private async stopNow(): Promise<void> {
    this.state = 'stopping';
    this.clearTimers();
    let timeout: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timeout = setTimeout(() => resolve('timeout'), this.options.stopTimeoutMs ?? 10_000);
    });
    const settled = Promise.allSettled([...this.inFlight]).then(() => 'settled' as const);
    const how = await Promise.race([settled, timedOut]);
    clearTimeout(timeout);
    if (how === 'timeout') {
      this.log.warn(
        { inFlight: this.inFlight.size },
        'stopped with deliveries still in flight; they stay in the store and go out again ' +
          'at the next start',
      );
    }
    this.state = 'stopped';
  }

  private loadLanes(): void {
    for (const target of this.store.deliveries.targets(this.processor.name)) {
      this.dirty.add(this.lane(target));
    }
  }

  private lane(target: string): Lane {
    let lane = this.lanes.get(target);
    if (!lane) {
      lane = { target, inFlight: 0, inFlightSeqs: new Set(), pausedUntilMs: 0 };
      this.lanes.set(target, lane);
    }
    return lane;
  }

  private scheduleTurn(): void {
    if (this.state !== 'running' || this.turnScheduled) return;
    this.turnScheduled = true;
    setImmediate(() => {
      this.turnScheduled = false;
      this.turn();
    });
  }

  /** One turn of the loop: route a few pages, then fill the lanes that may have work. */
  private turn(): void {
    if (this.state !== 'running') return;
    try {
      if (this.routeWanted) this.route();
    } catch (error) {
      this.log.error({ err: messageOf(error) }, 'routing failed; trying again shortly');
      this.retryRoutingIn(this.options.storeRetryMs ?? 5_000);
    }
    const lanes = [...this.dirty];
    this.dirty.clear();
    for (const lane of lanes) {
      try {
        this.fill(lane);
      } catch (error) {
        this.log.error(
          { target: lane.target, err: messageOf(error) },
          'reading deliveries failed',
        );
        this.rest(lane, this.options.storeRetryMs ?? 5_000);
      }
    }
    if (this.routeWanted) this.scheduleTurn();
  }

  private route(): void {
    const name = this.processor.name;
    for (let page = 0; page < routePagesPerTurn; page++) {
      const result = this.store.routing.routePage(
        name,
        (event) => this.routeOne(event),
        this.options.routePageSize ?? 200,
        this.store.now(),
      );
      for (const target of result.targets) this.dirty.add(this.lane(target));
      if (result.waiting) {
        this.retryRoutingIn(this.options.routeRetryMs ?? 1_000);
        return;
      }
      if (!result.more) {
        this.routeWanted = false;
        return;
      }
    }
    // More to route: leave routeWanted set; the next turn goes on after lanes had theirs.
  }

  private routeOne(event: StoredEventRow): string[] | undefined {
    try {
      return this.processor.route(JSON.parse(event.cloudEventJson) as RouterCloudEvent);
    } catch (error) {
      // route() must not throw; if it does, the event waits (it is not dropped) and the
      // problem is logged once per event rather than at every retry.
      // Limitation: an event on which route() always throws holds up this processor's routing
      // until the processor is fixed; it cannot be dead-lettered, having no target yet.
      if (this.routeErrorSeq !== event.seq) {
        this.routeErrorSeq = event.seq;
        this.log.error(
          { seq: event.seq, err: messageOf(error) },
          'route() threw; routing waits at this event',
        );
      }
      return undefined;
    }
  }

  private retryRoutingIn(ms: number): void {
    this.routeWanted = false;
    if (this.routeTimer || this.state !== 'running') return;
    this.routeTimer = setTimeout(() => {
      this.routeTimer = undefined;
      this.notify();
    }, ms);
    this.routeTimer.unref();
  }

  private fill(lane: Lane): void {
    const nowMs = this.store.now();
    if (lane.pausedUntilMs > nowMs) return this.wakeAt(lane, lane.pausedUntilMs);
    while (lane.inFlight < this.options.concurrency && this.state === 'running') {
      const batch = this.pickBatch(lane, nowMs);
      if (batch.length === 0) return;
      this.send(lane, batch, nowMs);
    }
  }

  /** The next batch of a lane, or [] (then a timer is set for when one is due). */
  private pickBatch(lane: Lane, nowMs: number): PendingDelivery[] {
    const name = this.processor.name;
    const maxBatchSize = Math.max(1, Math.floor(this.processor.maxBatchSize) || 1);
    const deliveries = this.store.deliveries;
    if (this.options.concurrency <= 1) {
      // Strict order: only the head of the lane may go, and only once it is due.
      if (lane.inFlight > 0) return [];
      const head = deliveries.head(name, lane.target, maxBatchSize);
      const dueCount = head.findIndex((d) => d.nextAttemptMs > nowMs);
      if (dueCount === 0) this.wakeAt(lane, head[0].nextAttemptMs);
      return dueCount < 0 ? head : head.slice(0, dueCount);
    }
    const due = deliveries
      .due(name, lane.target, nowMs, maxBatchSize + lane.inFlightSeqs.size)
      .filter((d) => !lane.inFlightSeqs.has(d.seq))
      .slice(0, maxBatchSize);
    if (due.length === 0) {
      const next = deliveries.nextAttemptAfter(name, lane.target, nowMs);
      if (next !== undefined) this.wakeAt(lane, next);
    }
    return due;
  }

  private wakeAt(lane: Lane, atMs: number): void {
    if (this.state !== 'running') return;
    if (lane.timer && lane.timerAtMs !== undefined && lane.timerAtMs <= atMs) return;
    if (lane.timer) clearTimeout(lane.timer);
    const delayMs = Math.min(Math.max(atMs - this.store.now(), 0), maxTimerMs);
    lane.timerAtMs = atMs;
    lane.timer = setTimeout(() => {
      lane.timer = undefined;
      lane.timerAtMs = undefined;
      this.dirty.add(lane);
      this.scheduleTurn();
    }, delayMs);
    lane.timer.unref();
  }

  private rest(lane: Lane, ms: number): void {
    lane.pausedUntilMs = this.store.now() + ms;
    this.wakeAt(lane, lane.pausedUntilMs);
  }

  private send(lane: Lane, batch: PendingDelivery[], startedMs: number): void {
    lane.inFlight++;
    for (const delivery of batch) lane.inFlightSeqs.add(delivery.seq);
    const task: Promise<void> = this.deliverBatch(lane, batch, startedMs)
      .catch((error: unknown) => {
        // Only a bug or a damaged stored event gets here; the batch stays in the store, and
        // the lane rests so the failure is not repeated in a tight loop.
        this.log.error({ target: lane.target, err: messageOf(error) }, 'delivery failed');
        this.rest(lane, this.options.storeRetryMs ?? 5_000);
      })
      .finally(() => {
        lane.inFlight--;
        for (const delivery of batch) lane.inFlightSeqs.delete(delivery.seq);
        this.inFlight.delete(task);
        this.dirty.add(lane);
        this.scheduleTurn();
      });
    this.inFlight.add(task);
  }

  private async deliverBatch(
    lane: Lane,
    batch: PendingDelivery[],
    startedMs: number,
  ): Promise<void> {
    const events: BufferedEvent[] = batch.map((d) => ({
      seq: d.seq,
      stream: d.stream,
      cloudEvent: JSON.parse(d.cloudEventJson) as RouterCloudEvent,
    }));
    const results = await this.callDeliver(lane.target, events);
    // stop() gave up waiting: the store may be closed already; the batch goes out again.
    if (this.state === 'stopped') return;

    const nowMs = this.store.now();
    const random = this.options.random ?? Math.random;
    const updates = batch.map((delivery, i) =>
      decideUpdate({ delivery, result: results[i], startedMs }, this.options.retry, nowMs, random),
    );
    try {
      this.store.deliveries.apply(this.processor.name, lane.target, updates, nowMs);
    } catch (error) {
      this.log.error(
        { target: lane.target, err: messageOf(error), events: batch.length },
        'could not record delivery results; these events will be delivered again',
      );
      this.rest(lane, this.options.storeRetryMs ?? 5_000);
      return;
    }
    this.report(lane, events, updates, results, nowMs);
  }

  /** deliver(), with a throw or a malformed answer turned into retries for the batch. */
  private async callDeliver(target: string, events: BufferedEvent[]): Promise<DeliveryResult[]> {
    let results: unknown;
    try {
      results = await this.processor.deliver(target, events);
    } catch (error) {
      this.log.error(
        { target, err: messageOf(error), events: events.length },
        'deliver() threw; the whole batch will be retried',
      );
      return events.map(() => ({
        outcome: 'retry',
        reason: `deliver() threw: ${messageOf(error)}`,
      }));
    }
    const list = Array.isArray(results) ? (results as unknown[]) : [];
    if (list.length !== events.length) {
      this.log.error(
        { target, results: list.length, events: events.length },
        'deliver() returned a result count that does not match the batch',
      );
    }
    return events.map((_, i) => validResult(list[i]));
  }

  private report(
    lane: Lane,
    events: BufferedEvent[],
    updates: DeliveryUpdate[],
    results: DeliveryResult[],
    nowMs: number,
  ): void {
    const { name } = this.processor;
    const count = this.options.counters;
    updates.forEach((update, i) => {
      const subject = events[i].cloudEvent.subject;
      if (update.outcome === 'done')
        return count.delivery(name, lane.target, subject, 'delivered');
      // `failed` counts every attempt that did not succeed; `retried` and `dead` say what next.
      count.delivery(name, lane.target, subject, 'failed');
      if (update.outcome === 'retry') return count.delivery(name, lane.target, subject, 'retried');
      count.delivery(name, lane.target, subject, 'dead');
      this.log.warn(
        {
          eventId: events[i].cloudEvent.id,
          subject,
          target: lane.target,
          reason: update.reason,
        },
        'dead letter: delivery will not be retried (see `dead-letters list`)',
      );
    });

    const firstRetry = results.find((r) => r.outcome === 'retry');
    if (firstRetry && lane.failingSinceMs === undefined) {
      lane.failingSinceMs = nowMs;
      this.log.warn(
        { target: lane.target, reason: firstRetry.outcome === 'retry' ? firstRetry.reason : '' },
        'target failing; retrying with backoff',
      );
    } else if (!firstRetry && lane.failingSinceMs !== undefined) {
      const failedFor = formatElapsedMs(nowMs - lane.failingSinceMs);
      lane.failingSinceMs = undefined;
      this.log.info({ target: lane.target, failedFor }, 'target recovered');
    }
  }

  private checkExternalWrites(): void {
    if (this.state !== 'running') return;
    try {
      const generation = this.store.externalWriteGeneration();
      if (generation === this.externalGeneration) return;
      this.externalGeneration = generation;
      this.loadLanes();
      for (const lane of this.lanes.values()) this.dirty.add(lane);
      this.scheduleTurn();
    } catch (error) {
      this.log.error({ err: messageOf(error) }, 'checking the store for outside writes failed');
    }
  }

  private clearTimers(): void {
    if (this.routeTimer) clearTimeout(this.routeTimer);
    if (this.externalTimer) clearInterval(this.externalTimer);
    this.routeTimer = undefined;
    this.externalTimer = undefined;
    for (const lane of this.lanes.values()) {
      if (lane.timer) clearTimeout(lane.timer);
      lane.timer = undefined;
      lane.timerAtMs = undefined;
    }
  }
}

function validResult(result: unknown): DeliveryResult {
  const r = result as Partial<{ outcome: string; reason: unknown }> | undefined;
  if (r?.outcome === 'done') return { outcome: 'done' };
  if ((r?.outcome === 'retry' || r?.outcome === 'dead') && typeof r.reason === 'string') {
    return { outcome: r.outcome, reason: r.reason };
  }
  return { outcome: 'retry', reason: 'deliver() gave no valid result for this event' };
}
