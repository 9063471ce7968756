// The typed configuration the rest of the router works with. load.ts turns the JSON array of
// the original appliance (strings for booleans and durations allowed) into these, after the
// JSON Schema has accepted the file. Durations are milliseconds, named with `Ms`.

export interface TlsOptions {
  /** Skip certificate verification entirely (`options.insecure`). */
  insecure: boolean;
  /** Extra PEM roots trusted besides the system's (`options.ca_file`). */
  caFile?: string;
  /** SHA-256 (or SHA-1) fingerprint the server certificate must have (`options.thumbprint`). */
  thumbprint?: string;
}

export type StartFrom = { kind: 'now' } | { kind: 'beginning' } | { kind: 'time'; time: Date };

export interface StreamConfig {
  /** Entry `name`, else the vCenter's host name. Unique among streams. */
  name: string;
  /** https://vc01.example.com/sdk, exactly as configured. */
  address: string;
  username: string;
  password: string;
  tls: TlsOptions;
  /** Keep a checkpoint and resume from it (default true). */
  checkpoint: boolean;
  pollIntervalMs: number;
  pageSize: number;
  startFrom: StartFrom;
  maxReplayAgeMs: number;
  /** The stream stops reading while this many events wait for delivery (all processors). */
  maxBufferedEvents: number;
  /** How long nothing may be read before checking whether the collector is stuck. */
  stallCheckIntervalMs?: number;
}

export interface RetryOptions {
  initialBackoffMs: number;
  maxBackoffMs: number;
  /** A delivery still failing this long after its first attempt becomes a dead letter. */
  maxRetryAgeMs: number;
}

export interface BasicAuth {
  username: string;
  password: string;
}

interface ProcessorConfigBase {
  /** Entry `name`, else the provider. Unique among processors. */
  name: string;
  retry: RetryOptions;
  /** Deliveries in flight per target; 1 keeps vCenter's order. */
  concurrency: number;
}

export interface StdoutProcessorConfig extends ProcessorConfigBase {
  provider: 'stdout';
}

export interface OpenFaasProcessorConfig extends ProcessorConfigBase {
  provider: 'openfaas';
  /** Gateway URL, e.g. http://127.0.0.1:8080 */
  address: string;
  auth?: BasicAuth;
  async: boolean;
  timeoutMs: number;
  topicRefreshIntervalMs: number;
}

export interface AwsAccessKey {
  accessKeyId: string;
  secretAccessKey: string;
}

export interface EventBridgeProcessorConfig extends ProcessorConfigBase {
  provider: 'aws_event_bridge';
  region: string;
  eventBus: string;
  ruleArn: string;
  /** undefined: the SDK's default credential chain (`auth.method` aws_iam_role). */
  credentials?: AwsAccessKey;
  /** A VPC or test endpoint instead of the regional one. */
  endpoint?: string;
  ruleRefreshIntervalMs: number;
  timeoutMs: number;
}

export type ProcessorConfig =
  StdoutProcessorConfig | OpenFaasProcessorConfig | EventBridgeProcessorConfig;

export interface MetricsConfig {
  /** host:port to listen on, e.g. 127.0.0.1:8082 */
  address: string;
  auth?: BasicAuth;
}

export interface RouterConfig {
  streams: StreamConfig[];
  processors: ProcessorConfig[];
  metrics?: MetricsConfig;
}
