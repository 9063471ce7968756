// STAND-IN for Amazon EventBridge, for tests only: the real service cannot run here. It speaks
// the service's JSON protocol as the AWS SDK uses it (POST /, application/x-amz-json-1.1,
// X-Amz-Target AWSEvents.PutEvents and AWSEvents.DescribeRule, errors as {"__type", "message"}
// with the HTTP status AWS uses), checks SigV4 (Authorization and X-Amz-Date present, the
// expected access key id, and the signature itself when it is given the secret), and keeps
// PutEvents' documented limits: 1 to 10 entries, 256 KB per call counted as AWS counts entry
// sizes, per-entry InvalidArgument and MalformedDetail.
// https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEvents.html
// https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_DescribeRule.html
// Controls: the rule's pattern, partial failures for chosen entries, failing calls
// (throttling, 5xx), going down and coming back on the same port; every call is recorded.
// It binds 127.0.0.1 only and never logs anything, least of all the secret.
import { createHash, createHmac, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type Operation = 'PutEvents' | 'DescribeRule';

export interface EndpointOptions {
  accessKeyId: string;
  /** When given, the signature is verified with it (InvalidSignatureException otherwise). */
  secretAccessKey?: string;
  region?: string;
  account?: string;
}

export interface RecordedCall {
  operation: string;
  /** Access key id of the Credential in the Authorization header, if there was one. */
  accessKeyId?: string;
  body: unknown;
  /** HTTP status answered. */
  status: number;
  /** `__type` of the error answered, if any. */
  errorType?: string;
}

export interface ReceivedEvent {
  eventId: string;
  eventBusName: string;
  source: string;
  detailType: string;
  detail: Record<string, unknown>;
  /** Entry Time as sent: epoch seconds, as the JSON protocol carries timestamps. */
  time?: number;
  resources: string[];
}

export interface ServiceError {
  status: number;
  type: string;
  message: string;
}

export interface EntryFailure {
  code: string;
  message: string;
}

interface PutEventsEntry {
  Source?: unknown;
  DetailType?: unknown;
  Detail?: unknown;
  EventBusName?: unknown;
  Time?: unknown;
  Resources?: unknown;
}

interface Rule {
  name: string;
  eventBus: string;
  pattern?: string;
  state: string;
}

const jsonType = 'application/x-amz-json-1.1';
/** AWS4-HMAC-SHA256 Credential=KEY/DATE/REGION/SERVICE/aws4_request, SignedHeaders=, Signature= */
const authorizationShape = new RegExp(
  '^AWS4-HMAC-SHA256 Credential=([^/]+)/(\\d{8})/([^/]+)/([^/]+)/aws4_request, ?' +
    'SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$',
);
const maxCallBytes = 262_144;

export class EventBridgeEndpoint {
  /** Every call in arrival order, failed ones included. */
  readonly calls: RecordedCall[] = [];
  /** Every entry accepted by PutEvents, in order. */
  readonly received: ReceivedEvent[] = [];

  private readonly rules = new Map<string, Rule>();
  private readonly failures: Array<{ operation: Operation; error: ServiceError }> = [];
  private entryFailure: ((entry: PutEventsEntry) => EntryFailure | undefined) | undefined;
  private readonly sockets = new Set<Socket>();
  private server: http.Server | undefined;
  private portNumber = 0;

  private constructor(private readonly options: EndpointOptions) {}

  static async start(options: EndpointOptions): Promise<EventBridgeEndpoint> {
    const endpoint = new EventBridgeEndpoint(options);
    await endpoint.up();
    return endpoint;
  }

  get url(): string {
    return `http://127.0.0.1:${this.portNumber}`;
  }

  get region(): string {
    return this.options.region ?? 'eu-central-1';
  }

  get account(): string {
    return this.options.account ?? '123456789012';
  }

  ruleArn(name: string, eventBus = 'default'): string {
    const resource = eventBus === 'default' ? name : `${eventBus}/${name}`;
    return `arn:aws:events:${this.region}:${this.account}:rule/${resource}`;
  }

  /** Creates or replaces a rule; `pattern` undefined makes a rule without one (a schedule). */
  setRule(rule: { name: string; eventBus?: string; pattern?: unknown; state?: string }): void {
    const eventBus = rule.eventBus ?? 'default';
    const pattern =
      rule.pattern === undefined || typeof rule.pattern === 'string'
        ? rule.pattern
        : JSON.stringify(rule.pattern);
    this.rules.set(`${eventBus}/${rule.name}`, {
      name: rule.name,
      eventBus,
      pattern,
      state: rule.state ?? 'ENABLED',
    });
  }

  deleteRule(name: string, eventBus = 'default'): void {
    this.rules.delete(`${eventBus}/${name}`);
  }

  /** The next `count` calls of `operation` answer `error` instead. */
  failNext(operation: Operation, count: number, error: ServiceError): void {
    for (let i = 0; i < count; i++) this.failures.push({ operation, error });
  }

  /** Decides per PutEvents entry whether it fails (and how); undefined: entries succeed. */
  failEntries(decide: ((entry: PutEventsEntry) => EntryFailure | undefined) | undefined): void {
    this.entryFailure = decide;
  }

  callsOf(operation: Operation): RecordedCall[] {
    return this.calls.filter((call) => call.operation === operation);
  }

  /** Listens again on the same port after down() (a fresh port the first time). */
  async up(): Promise<void> {
    if (this.server !== undefined) return;
    const server = http.createServer((request, response) => this.handle(request, response));
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.portNumber, '127.0.0.1', () => resolve());
    });
    this.portNumber = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Stops answering: the listener closes and open connections are cut. */
  async down(): Promise<void> {
    const server = this.server;
    if (server === undefined) return;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }

  async stop(): Promise<void> {
    await this.down();
  }

  private handle(request: http.IncomingMessage, response: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const raw = Buffer.concat(chunks);
      const answer = this.answer(request, raw);
      response.writeHead(answer.status, {
        'content-type': jsonType,
        'x-amzn-requestid': randomUUID(),
      });
      response.end(JSON.stringify(answer.body));
    });
  }

  private answer(request: http.IncomingMessage, raw: Buffer): { status: number; body: unknown } {
    const target = String(request.headers['x-amz-target'] ?? '');
    const operation = target.startsWith('AWSEvents.') ? target.slice('AWSEvents.'.length) : target;
    const call: RecordedCall = { operation, body: undefined, status: 200 };
    this.calls.push(call);
    const fail = (error: ServiceError) => {
      call.status = error.status;
      call.errorType = error.type;
      return { status: error.status, body: { __type: error.type, message: error.message } };
    };

    let parsed = true;
    try {
      call.body = JSON.parse(raw.toString('utf8'));
    } catch {
      parsed = false;
    }
    const auth = this.checkSignature(request, raw);
    call.accessKeyId = auth.accessKeyId;
    if (auth.error !== undefined) return fail(auth.error);
    if (request.method !== 'POST' || request.headers['content-type'] !== jsonType || !parsed) {
      return fail(clientError('SerializationException', `expected a JSON POST as ${jsonType}`));
    }
    const failure = this.takeFailure(operation);
    if (failure !== undefined) return fail(failure);

    let result: { body: unknown } | { error: ServiceError };
    if (operation === 'PutEvents') result = this.putEvents(call.body);
    else if (operation === 'DescribeRule') result = this.describeRule(call.body);
    else result = { error: clientError('UnknownOperationException', `unknown ${target}`) };
    return 'error' in result ? fail(result.error) : { status: 200, body: result.body };
  }

  private takeFailure(operation: string): ServiceError | undefined {
    const at = this.failures.findIndex((failure) => failure.operation === operation);
    return at < 0 ? undefined : this.failures.splice(at, 1)[0].error;
  }

  private describeRule(body: unknown): { body: unknown } | { error: ServiceError } {
    const { Name: name, EventBusName: bus } = (body ?? {}) as Record<string, unknown>;
    const eventBus = typeof bus === 'string' && bus !== '' ? bus : 'default';
    const rule = this.rules.get(`${eventBus}/${String(name)}`);
    if (rule === undefined) {
      const message = `Rule ${String(name)} does not exist on EventBus ${eventBus}.`;
      return { error: clientError('ResourceNotFoundException', message) };
    }
    const answer: Record<string, unknown> = {
      Name: rule.name,
      Arn: this.ruleArn(rule.name, rule.eventBus),
      State: rule.state,
      EventBusName: rule.eventBus,
      CreatedBy: this.account,
    };
    if (rule.pattern !== undefined) answer.EventPattern = rule.pattern;
    else answer.ScheduleExpression = 'rate(5 minutes)';
    return { body: answer };
  }

  private putEvents(body: unknown): { body: unknown } | { error: ServiceError } {
    const entries = (body as { Entries?: unknown } | undefined)?.Entries;
    if (!Array.isArray(entries) || entries.length < 1 || entries.length > 10) {
      return {
        error: clientError('ValidationException', 'Entries must hold between 1 and 10 entries.'),
      };
    }
    const total = entries.reduce((sum: number, entry) => sum + entrySize(entry), 0);
    if (total > maxCallBytes) {
      const message = 'Total size of the entries in the request is over the limit.';
      return { error: clientError('ValidationException', message) };
    }
    const results = entries.map((entry: PutEventsEntry) => this.putEntry(entry));
    const failed = results.filter((result) => 'ErrorCode' in result).length;
    return { body: { FailedEntryCount: failed, Entries: results } };
  }

  private putEntry(entry: PutEventsEntry): Record<string, string> {
    const invalid = (message: string) => ({ ErrorCode: 'InvalidArgument', ErrorMessage: message });
    if (typeof entry.Source !== 'string' || entry.Source === '') {
      return invalid('Parameter Source is not valid. Reason: Source is a required argument.');
    }
    if (typeof entry.DetailType !== 'string' || entry.DetailType === '') {
      return invalid(
        'Parameter DetailType is not valid. Reason: DetailType is a required argument.',
      );
    }
    if (typeof entry.Detail !== 'string') {
      return invalid('Parameter Detail is not valid. Reason: Detail is a required argument.');
    }
    let detail: unknown;
    try {
      detail = JSON.parse(entry.Detail);
    } catch {
      detail = undefined;
    }
    if (detail === null || typeof detail !== 'object' || Array.isArray(detail)) {
      return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
    }
    const failure = this.entryFailure?.(entry);
    if (failure !== undefined) return { ErrorCode: failure.code, ErrorMessage: failure.message };
    const eventId = randomUUID();
    this.received.push({
      eventId,
      eventBusName: typeof entry.EventBusName === 'string' ? entry.EventBusName : 'default',
      source: entry.Source,
      detailType: entry.DetailType,
      detail: detail as Record<string, unknown>,
      time: typeof entry.Time === 'number' ? entry.Time : undefined,
      resources: Array.isArray(entry.Resources) ? entry.Resources.map(String) : [],
    });
    return { EventId: eventId };
  }

  /** AWS SigV4 as the SDK signs JSON requests: header-based, unsigned query, signed payload. */
  private checkSignature(
    request: http.IncomingMessage,
    body: Buffer,
  ): { accessKeyId?: string; error?: ServiceError } {
    const authorization = String(request.headers.authorization ?? '');
    const amzDate = request.headers['x-amz-date'];
    const parsed = authorizationShape.exec(authorization);
    if (parsed === null || typeof amzDate !== 'string') {
      return {
        error: {
          status: 400,
          type: 'MissingAuthenticationTokenException',
          message: 'Missing Authentication Token',
        },
      };
    }
    const [, accessKeyId, date, region, service, signedHeaders, signature] = parsed;
    if (accessKeyId !== this.options.accessKeyId) {
      const message = 'The security token included in the request is invalid.';
      return { accessKeyId, error: clientError('UnrecognizedClientException', message) };
    }
    const secret = this.options.secretAccessKey;
    if (secret === undefined) return { accessKeyId };

    const payloadHash = sha256(body);
    const declaredHash = request.headers['x-amz-content-sha256'];
    const canonicalHeaders = signedHeaders
      .split(';')
      .map((name) => `${name}:${headerValue(request, name)}\n`)
      .join('');
    const canonicalRequest = [
      request.method,
      '/',
      '',
      canonicalHeaders,
      signedHeaders,
      typeof declaredHash === 'string' ? declaredHash : payloadHash,
    ].join('\n');
    const scope = `${date}/${region}/${service}/aws4_request`;
    const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonicalRequest)].join('\n');
    let key = hmac(`AWS4${secret}`, date);
    for (const part of [region, service, 'aws4_request']) key = hmac(key, part);
    const expected = createHmac('sha256', key).update(stringToSign).digest('hex');
    if (expected !== signature || (declaredHash !== undefined && declaredHash !== payloadHash)) {
      const message =
        'The request signature we calculated does not match the signature you provided. ' +
        'Check your AWS Secret Access Key and signing method.';
      return { accessKeyId, error: clientError('InvalidSignatureException', message) };
    }
    return { accessKeyId };
  }
}

export function clientError(type: string, message: string): ServiceError {
  return { status: 400, type, message };
}

export const throttling: ServiceError = {
  status: 400,
  type: 'ThrottlingException',
  message: 'Rate exceeded',
};

export const internalError: ServiceError = {
  status: 500,
  type: 'InternalException',
  message: 'An internal error occurred.',
};

/** The size AWS counts for an entry: Time 14 bytes, the rest by their UTF-8 bytes. */
function entrySize(entry: PutEventsEntry): number {
  const texts = [entry.Source, entry.DetailType, entry.Detail];
  if (Array.isArray(entry.Resources)) texts.push(...entry.Resources);
  let size = entry.Time === undefined ? 0 : 14;
  for (const text of texts) if (typeof text === 'string') size += Buffer.byteLength(text, 'utf8');
  return size;
}

function headerValue(request: http.IncomingMessage, name: string): string {
  const value = request.headers[name];
  const text = Array.isArray(value) ? value.join(',') : (value ?? '');
  return text.trim().replace(/\s+/g, ' ');
}

function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

function hmac(key: Buffer | string, data: string): Buffer {
  return createHmac('sha256', key).update(data).digest();
}
