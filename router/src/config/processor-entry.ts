// A `processor` entry (stdout, openfaas, aws_event_bridge) as a ProcessorConfig.
import { readBasicAuth } from './basic-auth';
import type { EntryReader } from './entry-reader';
import { formatDurationMs } from './duration';
import { eventBusName, parseEventBridgeRuleArn } from './eventbridge-arn';
import type {
  EventBridgeProcessorConfig,
  OpenFaasProcessorConfig,
  ProcessorConfig,
  RetryOptions,
} from './types';
import { urlProblem } from './urls';

export function readProcessorEntry(entry: EntryReader, provider: string): ProcessorConfig {
  const common = {
    name: entry.string('name') ?? provider,
    retry: readRetry(entry),
    concurrency: entry.integer('concurrency'),
  };
  switch (provider) {
    case 'openfaas':
      return { ...common, ...readOpenFaas(entry) };
    case 'aws_event_bridge':
      return { ...common, ...readEventBridge(entry) };
    default:
      return { ...common, provider: 'stdout' };
  }
}

function readRetry(entry: EntryReader): RetryOptions {
  const retry = {
    initialBackoffMs: entry.duration('initial_backoff'),
    maxBackoffMs: entry.duration('max_backoff'),
    maxRetryAgeMs: entry.duration('max_retry_age'),
  };
  if (retry.maxBackoffMs < retry.initialBackoffMs) {
    entry.fail(
      `options.max_backoff (${formatDurationMs(retry.maxBackoffMs)}) must not be shorter than ` +
        `options.initial_backoff (${formatDurationMs(retry.initialBackoffMs)})`,
    );
  }
  return retry;
}

type OpenFaasPart = Omit<OpenFaasProcessorConfig, 'name' | 'retry' | 'concurrency'>;

function readOpenFaas(entry: EntryReader): OpenFaasPart {
  const address = entry.string('address') ?? '';
  if (entry.usable('address')) {
    const problem = urlProblem(address, 'http://127.0.0.1:8080');
    if (problem) entry.fail(`address ${problem}`);
  }
  const auth = readBasicAuth(entry);
  return {
    provider: 'openfaas',
    address,
    ...(auth ? { auth } : {}),
    async: entry.boolean('async'),
    timeoutMs: entry.duration('timeout'),
    topicRefreshIntervalMs: entry.duration('topic_refresh_interval'),
  };
}

type EventBridgePart = Omit<EventBridgeProcessorConfig, 'name' | 'retry' | 'concurrency'>;

function readEventBridge(entry: EntryReader): EventBridgePart {
  const region = entry.optionString('aws_region') ?? '';
  const ruleArn = entry.optionString('aws_eventbridge_rule_arn') ?? '';
  const rule = parseEventBridgeRuleArn(ruleArn);
  const configuredBus = entry.optionString('aws_eventbridge_event_bus');
  // The original router defaulted the bus; the rule's own bus is the only one that can match.
  const eventBus = configuredBus ?? rule?.eventBus ?? 'default';
  if (rule && region && rule.region !== region) {
    entry.fail(
      `options.aws_eventbridge_rule_arn is a rule in region ${rule.region}, ` +
        `but options.aws_region is ${region}`,
    );
  }
  if (rule && configuredBus && eventBusName(configuredBus) !== rule.eventBus) {
    entry.fail(
      `options.aws_eventbridge_rule_arn is a rule on event bus ${rule.eventBus}, ` +
        `but options.aws_eventbridge_event_bus is ${eventBusName(configuredBus)}`,
    );
  }
  const endpoint = entry.optionString('endpoint');
  if (endpoint !== undefined) {
    const problem = urlProblem(endpoint, 'https://events.eu-central-1.amazonaws.com');
    if (problem) entry.fail(`options.endpoint ${problem}`);
  }
  const accessKeyId = entry.string('auth.secret.aws_access_key_id');
  const secretAccessKey = entry.string('auth.secret.aws_secret_access_key');
  const credentials =
    entry.string('auth.method') === 'access_key'
      ? { accessKeyId: accessKeyId ?? '', secretAccessKey: secretAccessKey ?? '' }
      : undefined;
  return {
    provider: 'aws_event_bridge',
    region,
    eventBus,
    ruleArn,
    ...(credentials ? { credentials } : {}),
    ...(endpoint !== undefined ? { endpoint } : {}),
    ruleRefreshIntervalMs: entry.duration('rule_refresh_interval'),
    timeoutMs: entry.duration('timeout'),
  };
}
