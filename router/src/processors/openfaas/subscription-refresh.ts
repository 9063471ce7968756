// Keeps the subscription table fresh: lists the gateway's functions every refresh interval.
//
// Surprising state: a failed listing never clears the table. The last good listing keeps
// routing while the gateway is down, slow, or refusing us (the original router exited
// instead); health() and one log line per outage say so. Before the first good listing there
// is no table at all, and route() answers "cannot tell yet" so events wait in the store.
import type { Logger } from '../../log';
import { GatewayCallError, type GatewayHttp } from './gateway-http';
import { GatewayAnswerError, listFunctions, type FunctionListing } from './list-functions';
import { SubscriptionTable } from './subscriptions';
import type { ProcessorHealth } from '../processor';

export interface RefreshOptions {
  processorName: string;
  intervalMs: number;
  /** Whether basic_auth is configured, to say the right thing about a 401. */
  hasCredentials: boolean;
}

export class SubscriptionRefresher {
  private table?: SubscriptionTable;
  /** Why the latest listing failed; undefined while listings succeed. */
  private failure?: string;
  private failingSince?: Date;
  private running?: Promise<void>;
  private timer?: NodeJS.Timeout;
  private stopped = true;
  /** Listing problems already logged, so a bad entry is reported once, not every interval. */
  private readonly reportedProblems = new Set<string>();

  constructor(
    private readonly gateway: GatewayHttp,
    private readonly options: RefreshOptions,
    private readonly logger: Logger,
  ) {}

  /** Lists once (waiting for it, at most the call timeout), then keeps refreshing. */
  async start(): Promise<void> {
    this.stopped = false;
    await this.refreshNow();
    this.schedule();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** The table of the last good listing; undefined before the first. */
  current(): SubscriptionTable | undefined {
    return this.table;
  }

  /** Lists now; joins a listing already under way rather than starting a second. */
  refreshNow(): Promise<void> {
    this.running ??= this.refresh().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  health(): ProcessorHealth {
    if (this.failure === undefined && this.table !== undefined) return { healthy: true };
    if (this.failure === undefined) return { healthy: false, reason: 'functions not listed yet' };
    if (this.table === undefined) return { healthy: false, reason: this.failure };
    const listedAt = this.table.listedAt.toISOString();
    return { healthy: false, reason: `${this.failure} (routing by the listing of ${listedAt})` };
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.refreshNow()
        .catch((error: unknown) => {
          // refresh() handles gateway failures; this is a bug, and must not end the loop.
          this.logger.error({ err: error }, 'refreshing subscriptions failed unexpectedly');
        })
        .finally(() => this.schedule());
    }, this.options.intervalMs);
    // The refresh alone must not keep the process alive at shutdown.
    this.timer.unref();
  }

  private async refresh(): Promise<void> {
    let listing: FunctionListing;
    try {
      listing = await listFunctions(this.gateway);
    } catch (error) {
      if (!this.stopped) this.listingFailed(this.describeFailure(error));
      return;
    }
    this.listingSucceeded(listing);
  }

  private listingSucceeded(listing: FunctionListing): void {
    const previous = this.table;
    this.table = new SubscriptionTable(listing.functions, new Date());
    if (this.failure !== undefined) {
      const downMs = Date.now() - (this.failingSince?.getTime() ?? Date.now());
      this.logger.info(
        { gateway: this.gateway.displayAddress, outageMs: downMs },
        'gateway lists functions again',
      );
      this.failure = undefined;
      this.failingSince = undefined;
    }
    this.logChanges(previous, this.table);
    for (const problem of listing.problems) {
      if (this.reportedProblems.has(problem)) continue;
      this.reportedProblems.add(problem);
      this.logger.warn({ gateway: this.gateway.displayAddress, problem }, 'function skipped');
    }
  }

  private listingFailed(reason: string): void {
    const firstOfOutage = this.failure === undefined;
    this.failure = reason;
    if (!firstOfOutage) {
      this.logger.debug({ reason }, 'listing functions still fails');
      return;
    }
    this.failingSince = new Date();
    const consequence =
      this.table === undefined
        ? 'events wait in the store until the first listing'
        : `routing by the ${this.table.targets.length} subscribed functions of the last listing`;
    this.logger.warn(
      { reason, retryEveryMs: this.options.intervalMs },
      `cannot list functions; ${consequence}`,
    );
  }

  private logChanges(previous: SubscriptionTable | undefined, next: SubscriptionTable): void {
    const before = previous?.describe() ?? new Map<string, string[]>();
    const after = next.describe();
    for (const [target, topics] of after) {
      const old = before.get(target);
      if (old === undefined) this.logger.info({ function: target, topics }, 'function subscribed');
      else if (old.join(',') !== topics.join(',')) {
        this.logger.info({ function: target, topics }, 'function topics changed');
      }
    }
    for (const target of before.keys()) {
      if (!after.has(target)) this.logger.info({ function: target }, 'function unsubscribed');
    }
    if (previous === undefined) {
      this.logger.info(
        { gateway: this.gateway.displayAddress, functions: after.size },
        'functions listed',
      );
    }
  }

  /** Words for an operator; never a credential (see gateway-http.ts). */
  private describeFailure(error: unknown): string {
    const gateway = `OpenFaaS gateway ${this.gateway.displayAddress}`;
    if (error instanceof GatewayAnswerError && error.status === 401) {
      const advice = this.options.hasCredentials
        ? `check the basic_auth credentials of processor "${this.options.processorName}"`
        : `it requires basic auth and processor "${this.options.processorName}" has no basic_auth`;
      return `${gateway}: ${error.message}; ${advice}`;
    }
    if (error instanceof GatewayAnswerError || error instanceof GatewayCallError) {
      return `${gateway}: listing functions: ${error.message}`;
    }
    return `${gateway}: listing functions: ${error instanceof Error ? error.message : error}`;
  }
}
