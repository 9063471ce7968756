// Keeps the configured rule's event pattern, read with DescribeRule and read again every
// ruleRefreshIntervalMs. Module state worth knowing:
// - A refresh that fails keeps the last good pattern (the original router emptied its map
//   first and dropped every event until the next good read).
// - Until the rule has been read once, and while the rule's pattern is one we cannot match
//   (an operator we do not support, no pattern at all), there is no usable pattern: route()
//   answers "cannot tell yet" and the events wait in the store. Matching with an older
//   pattern instead could drop events the operator's new pattern takes.
// - Refreshes never overlap: the next one is scheduled when the last one has ended.
import { DescribeRuleCommand, type EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { Logger } from '../../log';
import { EventPattern } from './event-pattern';
import { classifyCallError } from './failures';
import { EventPatternError } from './pattern-error';
import { ProblemLog } from './problem-log';

export type RuleStatus =
  /** Never read yet; `problem` says why (still reading, or the last attempt's error). */
  | { kind: 'unread'; problem: string }
  /** A pattern to match with; `problem` when the last refresh failed and this one is kept. */
  | { kind: 'ready'; pattern: EventPattern; readAt: Date; problem?: string }
  /** The rule was read but its pattern cannot be used; events wait until it changes. */
  | { kind: 'unusable'; problem: string };

/** The rule as DescribeRule wants it, from its ARN. */
export interface WatchedRule {
  arn: string;
  name: string;
  /** `default` for a rule whose ARN names no bus. */
  eventBus: string;
  account: string;
}

export interface RuleWatcherOptions {
  refreshIntervalMs: number;
  /** How soon to try again while the rule has never been read (capped by refreshIntervalMs). */
  unreadRetryIntervalMs: number;
  /** Replaced in every message (the secret access key). */
  secrets: string[];
}

export class RuleWatcher {
  private status: RuleStatus = { kind: 'unread', problem: 'rule not read yet' };
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  private stopped = false;
  private readonly refreshProblems: ProblemLog;
  private readonly patternProblems: ProblemLog;
  private disabledReported = false;

  constructor(
    private readonly client: EventBridgeClient,
    private readonly rule: WatchedRule,
    private readonly options: RuleWatcherOptions,
    private readonly logger: Logger,
  ) {
    this.refreshProblems = new ProblemLog(logger, 'warn');
    this.patternProblems = new ProblemLog(logger, 'error');
  }

  /** Reads the rule once (never throws), then keeps refreshing it in the background. */
  async start(): Promise<void> {
    this.stopped = false;
    await this.refreshNow();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    await this.inFlight;
  }

  current(): RuleStatus {
    return this.status;
  }

  /** Reads the rule now (or waits for the read in progress) and schedules the next read. */
  async refreshNow(): Promise<void> {
    if (this.inFlight === undefined) {
      this.inFlight = this.refresh().finally(() => {
        this.inFlight = undefined;
        this.schedule();
      });
    }
    await this.inFlight;
  }

  private schedule(): void {
    if (this.stopped) return;
    if (this.timer !== undefined) clearTimeout(this.timer);
    const { refreshIntervalMs, unreadRetryIntervalMs } = this.options;
    const delayMs =
      this.status.kind === 'unread'
        ? Math.min(refreshIntervalMs, unreadRetryIntervalMs)
        : refreshIntervalMs;
    this.timer = setTimeout(() => void this.refreshNow(), delayMs);
    // The refresh alone must not keep the process alive.
    this.timer.unref();
  }

  private async refresh(): Promise<void> {
    let patternText: string | undefined;
    let state: string | undefined;
    try {
      const answer = await this.client.send(
        new DescribeRuleCommand({ Name: this.rule.name, EventBusName: this.rule.eventBus }),
      );
      patternText = answer.EventPattern;
      state = answer.State;
    } catch (error) {
      const failure = classifyCallError(error, this.options.secrets);
      // One log line per kind of trouble (unreachable, auth, ...), not per refresh.
      this.refreshFailed(
        failure.kind === 'retry' ? failure.category : failure.reason,
        failure.reason,
      );
      return;
    }
    this.refreshProblems.resolve('rule read again', { rule: this.rule.arn });
    this.reportDisabled(state);
    this.usePattern(patternText);
  }

  private refreshFailed(kind: string, error: string): void {
    const problem = `DescribeRule ${this.rule.arn}: ${error}`;
    const fields = { rule: this.rule.arn };
    const previous = this.status;
    if (previous.kind === 'ready') {
      this.status = { ...previous, problem: `${problem}; using the pattern read earlier` };
      const message = 'rule refresh failed; keeping the last pattern read';
      this.refreshProblems.report(kind, problem, message, {
        ...fields,
        readAt: previous.readAt.toISOString(),
      });
    } else if (previous.kind === 'unread') {
      this.status = { kind: 'unread', problem: `${problem}; events wait in the store` };
      const message = 'cannot read the rule; events wait in the store';
      this.refreshProblems.report(kind, problem, message, fields);
    } else {
      // Still unusable: the pattern read last cannot be used, whatever the refresh says.
      this.refreshProblems.report(kind, problem, 'rule refresh failed', fields);
    }
  }

  private usePattern(patternText: string | undefined): void {
    const arn = this.rule.arn;
    if (patternText === undefined || patternText === '') {
      const problem =
        `rule ${arn} has no event pattern (a schedule rule?); ` + 'events wait in the store';
      this.status = { kind: 'unusable', problem };
      this.patternProblems.report(problem, problem, 'rule has no event pattern', { rule: arn });
      return;
    }
    const previous = this.status;
    if (previous.kind === 'ready' && previous.pattern.source === patternText) {
      this.status = { kind: 'ready', pattern: previous.pattern, readAt: new Date() };
      return;
    }
    try {
      const pattern = EventPattern.parse(patternText);
      this.status = { kind: 'ready', pattern, readAt: new Date() };
      this.patternProblems.resolve('rule pattern usable again', { rule: arn });
      this.logger.info({ rule: arn, pattern: patternText }, 'rule pattern loaded');
    } catch (error) {
      // EventPatternError names field and operator; anything else is still no usable pattern.
      const why = error instanceof EventPatternError ? error.message : `event pattern: ${error}`;
      const problem = `rule ${arn}: ${why}; events wait in the store`;
      this.status = { kind: 'unusable', problem };
      this.patternProblems.report(problem, problem, 'cannot use the rule pattern', { rule: arn });
    }
  }

  private reportDisabled(state: string | undefined): void {
    const disabled = state !== undefined && state !== 'ENABLED';
    if (disabled && !this.disabledReported) {
      this.logger.warn(
        { rule: this.rule.arn, state },
        'rule is not enabled: matching events are still put on the bus, but this rule sends ' +
          'them to none of its targets',
      );
    }
    this.disabledReported = disabled;
  }
}
