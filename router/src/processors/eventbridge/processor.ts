// The aws_event_bridge processor: puts the events the configured rule's pattern matches on an
// EventBridge bus. It owns the protocol only: which events go (route), PutEvents batching and
// what each entry's result means (deliver). Backoff, ordering and counting are the
// dispatcher's.
import { PutEventsCommand, type PutEventsResponse } from '@aws-sdk/client-eventbridge';
import type { EventBridgeClient, PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { eventBusName, parseEventBridgeRuleArn } from '../../config/eventbridge-arn';
import type { EventBridgeProcessorConfig } from '../../config/types';
import type { RouterCloudEvent } from '../../events/cloudevent-json';
import type { Logger } from '../../log';
import type { BufferedEvent, DeliveryResult, Processor, ProcessorHealth } from '../processor';
import { splitIntoCalls } from './batches';
import { createEventBridgeClient } from './client';
import { buildEntry, entrySizeBytes, eventBridgeEvent, maxEntryBytes } from './entry';
import type { BusContext } from './entry';
import { classifyCallError, classifyEntryError } from './failures';
import { ProblemLog } from './problem-log';
import { RuleWatcher, type WatchedRule } from './rule-watcher';

export interface EventBridgeProcessorOptions {
  /** How soon to read the rule again while it has never been read (default 15 s). */
  unreadRuleRetryIntervalMs?: number;
  /** A client to use instead of one made from the configuration. */
  client?: EventBridgeClient;
}

/** One event ready to send: its entry, its size, and where its result goes. */
interface PreparedEntry {
  index: number;
  event: BufferedEvent;
  entry: PutEventsRequestEntry;
  sizeBytes: number;
}

/** What came of one PutEvents call; `stopReason` when later calls should not be tried. */
interface CallOutcome {
  results: DeliveryResult[];
  stopReason?: string;
}

export class EventBridgeProcessor implements Processor {
  readonly name: string;
  readonly provider = 'aws_event_bridge';
  readonly maxBatchSize = 10;

  private readonly rule: WatchedRule;
  private readonly client: EventBridgeClient;
  private readonly watcher: RuleWatcher;
  private readonly logger: Logger;
  private readonly secrets: string[];
  private readonly busContext: BusContext;
  private readonly callProblems: ProblemLog;
  private readonly authProblems: ProblemLog;
  /** Why the last PutEvents call failed as a whole; undefined after one went through. */
  private lastCallProblem: string | undefined;

  /**
   * `logger` is the child for component `eventbridge`; lines get the processor's name too.
   * Throws when the rule ARN is not one (a configuration error, not a target that is down).
   */
  constructor(
    private readonly config: EventBridgeProcessorConfig,
    logger: Logger,
    options: EventBridgeProcessorOptions = {},
  ) {
    this.name = config.name;
    this.rule = watchedRule(config.ruleArn);
    this.logger = logger.child({ processor: config.name });
    this.secrets = config.credentials === undefined ? [] : [config.credentials.secretAccessKey];
    this.client = options.client ?? createEventBridgeClient(config);
    this.busContext = { account: this.rule.account, region: config.region };
    this.callProblems = new ProblemLog(this.logger, 'warn');
    this.authProblems = new ProblemLog(this.logger, 'error');
    this.watcher = new RuleWatcher(
      this.client,
      this.rule,
      {
        refreshIntervalMs: config.ruleRefreshIntervalMs,
        unreadRetryIntervalMs: options.unreadRuleRetryIntervalMs ?? 15_000,
        secrets: this.secrets,
      },
      this.logger,
    );
  }

  async start(): Promise<void> {
    if (eventBusName(this.config.eventBus) !== this.rule.eventBus) {
      this.logger.warn(
        { rule: this.rule.arn, ruleBus: this.rule.eventBus, eventBus: this.config.eventBus },
        'the rule is on another bus than the one events are put on: it will see none of them',
      );
    }
    this.logger.info(
      {
        eventBus: this.config.eventBus,
        rule: this.rule.arn,
        region: this.config.region,
        credentials: this.config.credentials === undefined ? 'default chain' : 'access key',
      },
      'EventBridge processor starting',
    );
    await this.watcher.start();
  }

  async stop(): Promise<void> {
    await this.watcher.stop();
    this.client.destroy();
  }

  /** The bus when the rule's pattern matches; undefined while there is no usable pattern. */
  route(event: RouterCloudEvent): string[] | undefined {
    const rule = this.watcher.current();
    if (rule.kind !== 'ready') return undefined;
    const matches = rule.pattern.matches(eventBridgeEvent(event, this.busContext));
    return matches ? [this.config.eventBus] : [];
  }

  // Limitation: when EventBridge accepts some entries of a call and fails others (throttled,
  // internal error), the accepted ones are on the bus already and only the failed ones are sent
  // again, so they arrive after later events: vCenter's order holds per bus only while calls
  // succeed whole. Taking accepted entries back is not possible, and EventBridge does not
  // promise delivery order to its targets anyway; consumers that need order sort by
  // detail.data.CreatedTime (or Key within one vCenter).
  async deliver(target: string, events: BufferedEvent[]): Promise<DeliveryResult[]> {
    const results: DeliveryResult[] = new Array<DeliveryResult>(events.length);
    const sendable: PreparedEntry[] = [];
    events.forEach((event, index) => {
      const prepared = this.prepare(target, event, index);
      if ('outcome' in prepared) results[index] = prepared;
      else sendable.push(prepared);
    });

    let stopReason: string | undefined;
    for (const call of splitIntoCalls(sendable)) {
      const outcome: CallOutcome =
        stopReason === undefined
          ? await this.put(target, call)
          : { results: call.map(() => notSent(stopReason as string)) };
      call.forEach((prepared, i) => (results[prepared.index] = outcome.results[i]));
      stopReason ??= outcome.stopReason;
    }
    return results;
  }

  health(): ProcessorHealth {
    const rule = this.watcher.current();
    if (rule.kind !== 'ready') return { healthy: false, reason: rule.problem };
    if (this.lastCallProblem !== undefined) {
      return { healthy: false, reason: this.lastCallProblem };
    }
    return rule.problem === undefined
      ? { healthy: true }
      : { healthy: true, reason: rule.problem };
  }

  /** Builds the entry, or the dead result of an event no PutEvents call can take. */
  private prepare(
    target: string,
    event: BufferedEvent,
    index: number,
  ): PreparedEntry | DeliveryResult {
    let entry: PutEventsRequestEntry;
    try {
      entry = buildEntry(event.cloudEvent, target);
    } catch (error) {
      // Only a CloudEvent that is not plain JSON gets here; no attempt will fare better.
      return { outcome: 'dead', reason: `cannot make a PutEvents entry of it: ${error}` };
    }
    const sizeBytes = entrySizeBytes(entry);
    if (sizeBytes <= maxEntryBytes) return { index, event, entry, sizeBytes };
    const reason =
      `event ${event.cloudEvent.id} is ${sizeBytes} bytes as a PutEvents entry; ` +
      `EventBridge takes at most ${maxEntryBytes}`;
    this.logger.warn({ event: event.cloudEvent.id, subject: event.cloudEvent.subject }, reason);
    return { outcome: 'dead', reason };
  }

  /** One PutEvents call; a request EventBridge refuses is split to find the entries at fault. */
  private async put(target: string, call: PreparedEntry[]): Promise<CallOutcome> {
    let response: PutEventsResponse;
    try {
      response = await this.client.send(
        new PutEventsCommand({ Entries: call.map((prepared) => prepared.entry) }),
      );
    } catch (error) {
      return this.callFailed(target, call, error);
    }
    this.lastCallProblem = undefined;
    this.callProblems.resolve('PutEvents works again', { eventBus: target });
    this.authProblems.resolve('EventBridge accepts the credentials again', { eventBus: target });
    return { results: this.entryResults(call, response) };
  }

  private async callFailed(
    target: string,
    call: PreparedEntry[],
    error: unknown,
  ): Promise<CallOutcome> {
    const failure = classifyCallError(error, this.secrets);
    const reason = `PutEvents to ${target}: ${failure.reason}`;
    if (failure.kind === 'retry') {
      this.lastCallProblem = reason;
      if (failure.auth) {
        this.authProblems.report(
          failure.category,
          reason,
          'EventBridge refused the credentials: fix the access key or role of this ' +
            'processor; events wait in the store',
          { eventBus: target },
        );
      } else {
        this.callProblems.report(failure.category, reason, 'PutEvents failed; will retry', {
          eventBus: target,
        });
      }
      return { results: call.map(() => ({ outcome: 'retry', reason })), stopReason: reason };
    }
    if (call.length === 1) {
      const id = call[0].event.cloudEvent.id;
      this.logger.warn({ event: id, eventBus: target, reason }, 'EventBridge rejected an event');
      return { results: [{ outcome: 'dead', reason: `${reason} (event ${id})` }] };
    }
    // The request as a whole was refused, and not for throttling or credentials: some entry
    // is at fault. Sending them one by one finds it and lets the others through.
    const results: DeliveryResult[] = [];
    for (const [i, single] of call.entries()) {
      const outcome = await this.put(target, [single]);
      results.push(...outcome.results);
      if (outcome.stopReason !== undefined) {
        const rest = call.slice(i + 1).map(() => notSent(outcome.stopReason as string));
        return { results: [...results, ...rest], stopReason: outcome.stopReason };
      }
    }
    return { results };
  }

  /** Response entries are in request order, one per request entry. */
  private entryResults(call: PreparedEntry[], response: PutEventsResponse): DeliveryResult[] {
    const entries = response.Entries ?? [];
    if (entries.length !== call.length) {
      const reason = `PutEvents answered ${entries.length} entries for ${call.length} sent`;
      this.logger.warn({ failedEntryCount: response.FailedEntryCount }, reason);
      return call.map(() => ({ outcome: 'retry', reason }));
    }
    const results = entries.map((entry): DeliveryResult => {
      if (entry.ErrorCode === undefined || entry.ErrorCode === '') {
        return entry.EventId === undefined
          ? {
              outcome: 'retry',
              reason: 'PutEvents answered an entry with neither EventId nor ErrorCode',
            }
          : { outcome: 'done' };
      }
      return classifyEntryError(entry.ErrorCode, entry.ErrorMessage);
    });
    const failed = results.filter((result) => result.outcome !== 'done').length;
    if (failed !== (response.FailedEntryCount ?? 0)) {
      this.logger.warn(
        { failedEntryCount: response.FailedEntryCount, failedEntries: failed },
        'PutEvents FailedEntryCount disagrees with its entries; going by the entries',
      );
    }
    results.forEach((result, i) => {
      if (result.outcome === 'dead') {
        const { id, subject } = call[i].event.cloudEvent;
        this.logger.warn(
          { event: id, subject, reason: result.reason },
          'EventBridge rejected an event',
        );
      }
    });
    return results;
  }
}

function watchedRule(arn: string): WatchedRule {
  const parsed = parseEventBridgeRuleArn(arn);
  if (parsed === undefined) {
    throw new Error(
      `rule ARN "${arn}" is not an EventBridge rule ARN ` +
        '(arn:aws:events:REGION:ACCOUNT:rule/NAME or rule/BUS/NAME)',
    );
  }
  return { arn, name: parsed.ruleName, eventBus: parsed.eventBus, account: parsed.account };
}

function notSent(reason: string): DeliveryResult {
  return {
    outcome: 'retry',
    reason: `not sent: an earlier call of this batch failed (${reason})`,
  };
}
