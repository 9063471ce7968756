// Every option of every provider, with its kind, default and range, in one table. The JSON
// Schema is generated from these tables (schema-build.ts) and the loader reads options through
// them, so the published schema, the defaults and the messages cannot drift apart.
import { formatDurationMs, parseDurationMs } from './duration';

interface OptionBase {
  description: string;
}

export interface BooleanOption extends OptionBase {
  kind: 'boolean';
  default: boolean;
}

export interface IntegerOption extends OptionBase {
  kind: 'integer';
  default: number;
  min: number;
  max: number;
}

export interface DurationOption extends OptionBase {
  kind: 'duration';
  /** Go form, as an operator would write it. */
  default: string;
  minMs: number;
  maxMs: number;
}

export interface StringOption extends OptionBase {
  kind: 'string';
  /** What a valid value is, completing "options.x must be ...". */
  title: string;
  pattern?: string;
  required?: boolean;
}

export type OptionSpec = BooleanOption | IntegerOption | DurationOption | StringOption;
export type OptionTable = Record<string, OptionSpec>;

const hour = 3_600_000;
const year = 8_760 * hour;

/** What a valid value of `spec` is, completing "options.x must be ...". */
export function optionTitle(spec: OptionSpec): string {
  switch (spec.kind) {
    case 'boolean':
      return 'true or false';
    case 'integer':
      return `an integer from ${spec.min} to ${spec.max}`;
    case 'duration':
      return (
        `a duration from ${formatDurationMs(spec.minMs)} to ${formatDurationMs(spec.maxMs)}` +
        `, such as "${spec.default}"`
      );
    case 'string':
      return spec.title;
  }
}

/** The default of a duration option in milliseconds. */
export function defaultMs(spec: DurationOption): number {
  const ms = parseDurationMs(spec.default);
  if (ms === undefined) throw new Error(`bad default duration ${spec.default}`);
  return ms;
}

// 40 or 64 hex digits, bare or as colon-separated pairs.
const pair = '[0-9A-Fa-f]{2}';
const bare = '[0-9A-Fa-f]{40}|[0-9A-Fa-f]{64}';
export const thumbprintPattern = `^(${bare}|(${pair}:){19}${pair}|(${pair}:){31}${pair})$`;

export const rfc3339Pattern =
  '[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?' +
  '([Zz]|[+-][0-9]{2}:[0-9]{2})';

export const awsRegionPattern = '^[a-z]{2}(-[a-z]+)+-[0-9]+$';

// Event bus names may hold '/' (partner buses: aws.partner/example.com/123/name); rule names not.
const busName = '[./_A-Za-z0-9-]{1,256}';
const awsArnPrefix = 'arn:aws[a-z-]*:events:[a-z0-9-]+:[0-9]{12}';
export const ruleArnPattern = `^${awsArnPrefix}:rule/(${busName}/)?[._A-Za-z0-9-]{1,64}$`;
export const eventBusPattern = `^(${busName}|${awsArnPrefix}:event-bus/${busName})$`;

export const vcenterOptions: OptionTable = {
  insecure: {
    kind: 'boolean',
    default: false,
    description: 'Skip TLS certificate verification of the vCenter.',
  },
  checkpoint: {
    kind: 'boolean',
    default: true,
    description: 'Keep a checkpoint and resume from it after a restart.',
  },
  poll_interval: {
    kind: 'duration',
    default: '1s',
    minMs: 100,
    maxMs: hour,
    description: 'Pause between reads of the event history collector when it has nothing new.',
  },
  page_size: {
    kind: 'integer',
    default: 100,
    min: 1,
    max: 1000,
    description: 'Events read from the collector at a time.',
  },
  ca_file: {
    kind: 'string',
    title: 'the path of a readable PEM file',
    description: 'PEM certificates trusted besides the system roots (relative to this file).',
  },
  thumbprint: {
    kind: 'string',
    title: 'a SHA-256 or SHA-1 fingerprint in hex (64 or 40 digits, colons allowed)',
    pattern: thumbprintPattern,
    description: 'Pin the vCenter certificate to this fingerprint instead of checking its chain.',
  },
  start_from: {
    kind: 'string',
    title: 'now, beginning or an RFC 3339 time such as 2026-01-31T08:00:00Z',
    pattern: `^(now|beginning|${rfc3339Pattern})$`,
    description: 'Where a stream without a checkpoint starts reading.',
  },
  max_replay_age: {
    kind: 'duration',
    default: '24h',
    minMs: 0,
    maxMs: year,
    description: 'Events older than this are not replayed when resuming from a checkpoint.',
  },
  max_buffered_events: {
    kind: 'integer',
    default: 1_000_000,
    min: 1,
    max: 1_000_000_000,
    description: 'The stream stops reading while this many events wait for delivery.',
  },
};

export const commonProcessorOptions: OptionTable = {
  concurrency: {
    kind: 'integer',
    default: 1,
    min: 1,
    max: 64,
    description: 'Deliveries in flight per target; 1 keeps the order of vCenter.',
  },
  max_retry_age: {
    kind: 'duration',
    default: '24h',
    minMs: 0,
    maxMs: year,
    description: 'A delivery still failing this long after its first attempt is dead-lettered.',
  },
  max_backoff: {
    kind: 'duration',
    default: '5m',
    minMs: 100,
    maxMs: 24 * hour,
    description: 'The longest wait between two attempts of one delivery.',
  },
  initial_backoff: {
    kind: 'duration',
    default: '1s',
    minMs: 10,
    maxMs: hour,
    description: 'The wait after the first failed attempt; it doubles up to max_backoff.',
  },
};

export const openFaasOptions: OptionTable = {
  async: {
    kind: 'boolean',
    default: false,
    description: 'Invoke functions through /async-function instead of waiting for them.',
  },
  timeout: {
    kind: 'duration',
    default: '15s',
    minMs: 100,
    maxMs: hour,
    description: 'How long one invocation may take.',
  },
  topic_refresh_interval: {
    kind: 'duration',
    default: '10s',
    minMs: 1_000,
    maxMs: 24 * hour,
    description: 'How often the function list (their topic annotations) is read again.',
  },
  ...commonProcessorOptions,
};

export const eventBridgeOptions: OptionTable = {
  aws_region: {
    kind: 'string',
    title: 'an AWS region such as eu-central-1',
    pattern: awsRegionPattern,
    required: true,
    description: 'The region of the event bus.',
  },
  aws_eventbridge_event_bus: {
    kind: 'string',
    title: 'an event bus name or ARN',
    pattern: eventBusPattern,
    description: 'The event bus events are put on; default: the bus of the rule ARN.',
  },
  aws_eventbridge_rule_arn: {
    kind: 'string',
    title: 'an EventBridge rule ARN such as arn:aws:events:eu-central-1:123456789012:rule/NAME',
    pattern: ruleArnPattern,
    required: true,
    description: 'The rule whose event pattern (detail.subject) selects the events to send.',
  },
  endpoint: {
    kind: 'string',
    title: 'an http or https URL',
    pattern: '^[Hh][Tt][Tt][Pp][Ss]?://\\S+$',
    description: 'A VPC or test endpoint instead of the regional one.',
  },
  rule_refresh_interval: {
    kind: 'duration',
    default: '5m',
    minMs: 1_000,
    maxMs: 24 * hour,
    description: 'How often the rule is read again.',
  },
  timeout: {
    kind: 'duration',
    default: '15s',
    minMs: 100,
    maxMs: hour,
    description: 'How long one PutEvents call may take.',
  },
  ...commonProcessorOptions,
};

export const stdoutOptions: OptionTable = { ...commonProcessorOptions };
