// The read loop of one stream: log in, open an EventHistoryCollector at the checkpoint, read
// pages until empty, take each page into the store, sleep poll_interval, repeat. It never
// exits on a vCenter problem: it backs off, logs in again and resumes from the checkpoint.
//
// State worth knowing about: `resumeFrom` is the createdTime the next collector starts at. It
// follows the store's checkpoint after every take in, so a reconnect re-reads at most the events
// of that same second, which the store recognises and skips.
import { setTimeout as sleep } from 'node:timers/promises';

import type { StreamConfig } from '../config/types';
import { toCloudEvent } from '../events/cloudevent';
import type { DecodedEvent } from '../events/vcenter-event';
import type { Logger } from '../log';
import { retryDelayMs } from '../delivery/backoff';
import type { Counters } from '../metrics/counters';
import { StoreFullError, type IncomingEvent, type StreamStore } from '../store/types';
import { VcenterError } from './errors';
import type { CollectorRef, SessionOpener, VcenterSession } from './session';

export type StreamState = 'starting' | 'connected' | 'reconnecting' | 'paused' | 'stopped';

export interface StreamHealth {
  state: StreamState;
  /** Why the stream is not reading (the last error, a full buffer); absent when all is well. */
  reason?: string;
  /** Since when the stream is in this state (ISO time). */
  since: string;
  stallRecoveries: number;
}

export interface StreamDependencies {
  config: StreamConfig;
  /** The vCenter URL without credentials: the CloudEvent `source`. */
  source: string;
  openSession: SessionOpener;
  store: StreamStore;
  counters: Counters;
  logger: Logger;
  /** Called after a take in stored new events, so the dispatchers wake up. */
  onTakenIn: () => void;
}

const reconnectBackoff = { initialBackoffMs: 1_000, maxBackoffMs: 60_000 };
const storeFullBackoff = { initialBackoffMs: 1_000, maxBackoffMs: 30_000 };
/** How often an idle or paused stream calls CurrentTime so the session does not expire. */
const keepAliveIntervalMs = 60_000;
/** Default wait, with nothing read, before asking vCenter whether the collector is stuck. */
export const defaultStallCheckIntervalMs = 60_000;

export class VcenterStream {
  private readonly abort = new AbortController();
  private session?: VcenterSession;
  private collector?: CollectorRef;
  private resumeFrom?: string;
  private failures = 0;
  private lastReadAt = Date.now();
  private lastStallCheckAt = Date.now();
  private lastKeepAliveAt = Date.now();
  private loop?: Promise<void>;
  private current: StreamHealth = {
    state: 'starting',
    since: new Date().toISOString(),
    stallRecoveries: 0,
  };
  private readonly log: Logger;

  constructor(private readonly deps: StreamDependencies) {
    this.log = deps.logger.child({ component: 'vcenter', stream: deps.config.name });
  }

  get name(): string {
    return this.deps.config.name;
  }

  start(): void {
    this.loop ??= this.run();
  }

  /** Stops reading, destroys the collector and logs out. Events already taken in stay stored. */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.loop;
    await this.closeSession();
    this.setState('stopped');
  }

  health(): StreamHealth {
    return { ...this.current };
  }

  private get stopping(): boolean {
    return this.abort.signal.aborted;
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      try {
        await this.follow();
      } catch (error) {
        if (this.stopping) break;
        await this.recoverFrom(error);
      }
    }
  }

  /** One connection's life: returns only when stopping, throws on any vCenter problem. */
  private async follow(): Promise<void> {
    const session = await this.deps.openSession();
    this.session = session;
    const beginTime = await this.beginTime(session);
    this.collector = await session.createCollector(beginTime);
    this.noteConnected(beginTime);

    while (!this.stopping) {
      if (this.bufferIsFull()) {
        await this.waitForRoom(session);
        continue;
      }
      const page = await session.readNextEvents(this.collector, this.deps.config.pageSize);
      if (page.length > 0) {
        await this.takeIn(session, page);
        this.lastReadAt = Date.now();
        // A full page means vCenter has more: catch up at full speed.
        if (page.length >= this.deps.config.pageSize) continue;
      } else {
        await this.checkForStall(session);
        await this.keepAlive(session);
      }
      await this.pause(this.deps.config.pollIntervalMs);
    }
  }

  /** Where the collector starts: the checkpoint, bounded by max_replay_age, else start_from. */
  private async beginTime(session: VcenterSession): Promise<string | undefined> {
    if (this.resumeFrom === undefined && this.deps.config.checkpoint) {
      this.resumeFrom = this.deps.store.readCheckpoint(this.name)?.lastCreatedTime;
    }
    if (this.resumeFrom !== undefined) return this.boundedByReplayAge(session, this.resumeFrom);

    const startFrom = this.deps.config.startFrom;
    if (startFrom.kind === 'beginning') return undefined;
    // Limitation: until the first event is taken in there is no checkpoint, so a router that
    // starts fresh with start_from `now` and dies before any event arrives starts at `now`
    // again, and misses what vCenter logged in between.
    const begin = startFrom.kind === 'time' ? startFrom.time : await session.currentTime();
    this.resumeFrom = begin.toISOString();
    return this.resumeFrom;
  }

  private async boundedByReplayAge(
    session: VcenterSession,
    checkpointTime: string,
  ): Promise<string> {
    const vcenterNow = await session.currentTime();
    const oldestAllowed = vcenterNow.getTime() - this.deps.config.maxReplayAgeMs;
    if (Date.parse(checkpointTime) >= oldestAllowed) return checkpointTime;
    const resumeAt = new Date(oldestAllowed).toISOString();
    const skippedMinutes = Math.round((oldestAllowed - Date.parse(checkpointTime)) / 60_000);
    this.log.warn(
      { checkpoint: checkpointTime, resumeAt },
      `checkpoint ${checkpointTime} is older than max_replay_age; resuming at ${resumeAt}: ` +
        `${skippedMinutes} minutes of vCenter history are skipped`,
    );
    this.resumeFrom = resumeAt;
    return resumeAt;
  }

  private async takeIn(session: VcenterSession, page: DecodedEvent[]): Promise<void> {
    const incoming = this.toIncoming(session.apiVersion, page);
    for (let failures = 1; !this.stopping; failures++) {
      try {
        const result = this.deps.store.takeIn(this.name, incoming);
        this.resumeFrom = result.checkpoint.lastCreatedTime;
        this.deps.counters.streamEvents(this.name, result.takenIn);
        if (result.takenIn > 0) this.deps.onTakenIn();
        if (failures > 1) this.resumeReading('the store has room again');
        return;
      } catch (error) {
        if (!(error instanceof StoreFullError)) throw error;
        // The page stays in memory and is offered again; the checkpoint has not moved, so
        // even a crash meanwhile loses nothing: vCenter still has these events.
        this.pauseReading(`store full: ${error.message}`, failures === 1);
        await this.pause(retryDelayMs(failures, storeFullBackoff));
        await this.keepAlive(session);
      }
    }
  }

  private toIncoming(apiVersion: string, page: DecodedEvent[]): IncomingEvent[] {
    const incoming: IncomingEvent[] = [];
    const source = this.deps.source;
    for (const event of page) {
      if (event.problems.length > 0) {
        this.deps.counters.streamUndecodable(this.name);
        this.log.warn(
          { key: event.key, eventType: event.className, problems: event.problems },
          `event ${event.key} (${event.className}) only partly decoded: ` +
            event.problems.join('; '),
        );
      }
      try {
        const cloudEvent = toCloudEvent(event, { source, apiVersion });
        incoming.push({ key: event.key, createdTime: event.createdTime, cloudEvent });
      } catch (error) {
        this.deps.counters.streamUndecodable(this.name);
        this.log.error(
          { key: event.key, eventType: event.className, err: error },
          `event ${event.key} (${event.className}) could not become a CloudEvent and is skipped`,
        );
      }
    }
    return incoming;
  }

  private bufferIsFull(): boolean {
    return this.deps.store.bufferedEventCount() >= this.deps.config.maxBufferedEvents;
  }

  private async waitForRoom(session: VcenterSession): Promise<void> {
    const buffered = this.deps.store.bufferedEventCount();
    this.pauseReading(
      `buffer full: ${buffered} events wait for delivery (max_buffered_events ` +
        `${this.deps.config.maxBufferedEvents}); vCenter keeps the history`,
      this.current.state !== 'paused',
    );
    await this.pause(this.deps.config.pollIntervalMs);
    await this.keepAlive(session);
    if (!this.bufferIsFull()) this.resumeReading('the buffer has room again');
  }

  /**
   * A collector can get stuck in large environments while vCenter keeps producing events.
   * Keys can wrap, so the test is on times: vCenter's newest event is newer than where we stand,
   * was created a whole check interval ago by vCenter's clock, and we read nothing since.
   */
  private async checkForStall(session: VcenterSession): Promise<void> {
    const intervalMs = this.deps.config.stallCheckIntervalMs ?? defaultStallCheckIntervalMs;
    const now = Date.now();
    if (now - this.lastStallCheckAt < intervalMs || now - this.lastReadAt < intervalMs) return;
    this.lastStallCheckAt = now;
    const collector = this.collector;
    if (!collector || this.resumeFrom === undefined) return;

    const latest = await session.latestPage(collector);
    const newest = latest.reduce<(typeof latest)[number] | undefined>(
      (a, b) => (a && Date.parse(a.createdTime) >= Date.parse(b.createdTime) ? a : b),
      undefined,
    );
    if (!newest || Date.parse(newest.createdTime) <= Date.parse(this.resumeFrom)) return;
    const vcenterNow = (await session.currentTime()).getTime();
    if (vcenterNow - Date.parse(newest.createdTime) < intervalMs) return;

    this.current.stallRecoveries += 1;
    this.deps.counters.streamStallRecovered(this.name);
    this.log.warn(
      {
        newestKey: newest.key,
        newestCreatedTime: newest.createdTime,
        resumeFrom: this.resumeFrom,
      },
      `collector returned nothing while vCenter has event ${newest.key} of ` +
        `${newest.createdTime}; recreating the collector from ${this.resumeFrom}`,
    );
    await session.destroyCollector(collector).catch(() => undefined);
    this.collector = await session.createCollector(this.resumeFrom);
    this.lastReadAt = Date.now();
  }

  private async keepAlive(session: VcenterSession): Promise<void> {
    if (Date.now() - this.lastKeepAliveAt < keepAliveIntervalMs) return;
    this.lastKeepAliveAt = Date.now();
    await session.currentTime();
  }

  private noteConnected(beginTime: string | undefined): void {
    const from = beginTime ?? 'the beginning of vCenter history';
    if (this.failures > 0) {
      this.log.info(`reconnected after ${this.failures} failed attempts; reading from ${from}`);
    } else {
      this.log.info(`connected (vSphere API ${this.session?.apiVersion}); reading from ${from}`);
    }
    this.failures = 0;
    this.lastReadAt = Date.now();
    this.lastStallCheckAt = Date.now();
    this.setState('connected');
  }

  private async recoverFrom(error: unknown): Promise<void> {
    this.failures += 1;
    const reason = error instanceof Error ? error.message : String(error);
    const kind = error instanceof VcenterError ? error.kind : 'transient';
    this.deps.counters.streamError(this.name, kind);
    const firstOfOutage = this.failures === 1 || this.current.reason !== reason;
    this.setState('reconnecting', reason);
    const delayMs = retryDelayMs(this.failures, reconnectBackoff);
    const fields = { attempt: this.failures, retryInMs: delayMs, kind };
    if (!(error instanceof VcenterError)) {
      // Not a vCenter problem (a bug or the store): keep the stack for whoever reads the log.
      this.log.error({ ...fields, err: error }, `read loop failed: ${reason}; retrying`);
    } else if (firstOfOutage) {
      this.log.error(fields, `${reason}; retrying in ${Math.round(delayMs / 1000)} s`);
    } else {
      this.log.debug(fields, `${reason}; still retrying`);
    }
    await this.closeSession();
    await this.pause(delayMs);
  }

  private pauseReading(reason: string, logIt: boolean): void {
    if (logIt) this.log.warn(`${reason}; reading from vCenter paused`);
    this.setState('paused', reason);
  }

  private resumeReading(why: string): void {
    this.log.info(`${why}; reading from vCenter resumed`);
    this.setState('connected');
  }

  private setState(state: StreamState, reason?: string): void {
    if (this.current.state !== state || this.current.reason !== reason) {
      this.current = { ...this.current, state, reason, since: new Date().toISOString() };
    }
  }

  /** Best effort: a vCenter that is gone cannot be told, and a new login replaces both. */
  private async closeSession(): Promise<void> {
    const { session, collector } = this;
    this.session = undefined;
    this.collector = undefined;
    if (!session) return;
    if (collector) await session.destroyCollector(collector).catch(() => undefined);
    await session.logout().catch(() => undefined);
  }

  /** Sleeps, but wakes at once when the stream stops. */
  private async pause(ms: number): Promise<void> {
    await sleep(ms, undefined, { signal: this.abort.signal }).catch(() => undefined);
  }
}
