// STAND-IN for the OpenFaaS gateway, for tests only: a real OpenFaaS cannot run on this machine.
//
// It follows the gateway's documented HTTP API (api-docs/spec.openapi.yml of openfaas/faas and
// the faas-provider types):
// - basic auth on /system/* only, as the gateway's basic_auth option protects /system and /ui;
//   a failure is 401 with `WWW-Authenticate: Basic realm="Restricted"` and "invalid credentials";
// - GET /system/functions lists the default namespace, or `?namespace=NS`, as FunctionStatus
//   objects with the faas-provider JSON names (`omitempty` fields left out when empty);
// - GET /system/namespaces answers a JSON array of names, or 404 when namespaces are off;
// - POST /function/{name} and /function/{name}.{namespace} run the test's handler; a function
//   that is not deployed gets 404 `error finding function NAME.NS: ...`, as the gateway's
//   scaling handler answers;
// - POST /async-function/... answers 202 Accepted with an X-Call-Id and runs the handler after
//   the answer, as the queue worker would.
// Controls for tests: add and remove functions, go down and come back on the same port, fail
// /system/* with a status or HTML, answer slowly, and a record of every call.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';

export interface RecordedCall {
  method: string;
  /** Path without the query. */
  path: string;
  query: Record<string, string>;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** For function calls: the function as `name.namespace`. */
  function?: string;
  /** For function calls: through /async-function (run after the 202). */
  async?: boolean;
}

export interface FunctionAnswer {
  status?: number;
  body?: string;
  headers?: Record<string, string>;
}

export type FunctionHandler = (call: RecordedCall) => FunctionAnswer | Promise<FunctionAnswer>;

export interface StandInFunction {
  name: string;
  /** Default: the gateway's default namespace. */
  namespace?: string;
  image?: string;
  annotations?: Record<string, string>;
  labels?: Record<string, string>;
  replicas?: number;
  /** Default: 200 with an empty body. */
  handler?: FunctionHandler;
}

export interface StandInGatewayOptions {
  /** Basic auth for /system/*; none when left out. */
  credentials?: { username: string; password: string };
  /** Namespaces /system/namespaces lists; left out: it answers 404 (a gateway without them). */
  namespaces?: string[];
  /** Default `openfaas-fn`, as in OpenFaaS. */
  defaultNamespace?: string;
}

/** What /system/* answers instead of the truth, while a test wants a broken gateway. */
export type SystemFailure = { status: number; body?: string; contentType?: string };

interface DeployedFunction extends Required<Omit<StandInFunction, 'labels' | 'annotations'>> {
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  createdAt: string;
  invocationCount: number;
}

export class OpenFaasGatewayStandIn {
  readonly calls: RecordedCall[] = [];
  private readonly functions = new Map<string, DeployedFunction>();
  private readonly server: http.Server;
  private port = 0;
  private systemFailure?: SystemFailure;
  private systemDelayMs = 0;
  private functionDelayMs = 0;
  private readonly pendingAsync = new Set<Promise<void>>();
  private readonly defaultNamespace: string;

  constructor(private readonly options: StandInGatewayOptions = {}) {
    this.defaultNamespace = options.defaultNamespace ?? 'openfaas-fn';
    this.server = http.createServer((request, response) => {
      void this.handle(request, response);
    });
  }

  /** Listens on 127.0.0.1 (a free port the first time, the same port after goDown()). */
  async start(): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.port, '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.port = (this.server.address() as AddressInfo).port;
    return this.url;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Closes the listener and every open connection, keep-alive ones included. */
  async goDown(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  /** Listens again on the same port. */
  async comeBack(): Promise<void> {
    await this.start();
  }

  async stop(): Promise<void> {
    if (this.server.listening) await this.goDown();
    await Promise.all(this.pendingAsync);
  }

  deploy(fn: StandInFunction): void {
    const namespace = fn.namespace ?? this.defaultNamespace;
    this.functions.set(`${fn.name}.${namespace}`, {
      name: fn.name,
      namespace,
      image: fn.image ?? `functions/${fn.name}:latest`,
      annotations: fn.annotations,
      labels: fn.labels,
      replicas: fn.replicas ?? 1,
      handler: fn.handler ?? (() => ({ status: 200 })),
      createdAt: new Date().toISOString(),
      invocationCount: 0,
    });
  }

  remove(name: string, namespace = this.defaultNamespace): void {
    this.functions.delete(`${name}.${namespace}`);
  }

  /** /system/* answers this until cleared with undefined. */
  failSystem(failure: SystemFailure | undefined): void {
    this.systemFailure = failure;
  }

  /** Delays answers by this many milliseconds (0: at once). */
  slowDown(delays: { systemMs?: number; functionMs?: number }): void {
    this.systemDelayMs = delays.systemMs ?? this.systemDelayMs;
    this.functionDelayMs = delays.functionMs ?? this.functionDelayMs;
  }

  /** Calls that reached a function (sync, or async once run), as `name.namespace`. */
  invocationsOf(name: string, namespace = this.defaultNamespace): RecordedCall[] {
    return this.calls.filter((call) => call.function === `${name}.${namespace}`);
  }

  /** Waits until async invocations already accepted have run. */
  async settled(): Promise<void> {
    await Promise.all(this.pendingAsync);
  }

  private async handle(request: http.IncomingMessage, response: http.ServerResponse) {
    const body = await readBody(request);
    const url = new URL(request.url ?? '/', 'http://stand-in');
    const call: RecordedCall = {
      method: request.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: request.headers,
      body,
    };
    try {
      if (url.pathname.startsWith('/system/')) {
        this.calls.push(call);
        await delay(this.systemDelayMs);
        return this.handleSystem(call, response);
      }
      const invocation = /^\/(function|async-function)\/([^/]+)/.exec(url.pathname);
      if (invocation !== null) {
        await delay(this.functionDelayMs);
        return await this.handleInvocation(
          call,
          invocation[1] === 'async-function',
          decodeURIComponent(invocation[2]),
          response,
        );
      }
      this.calls.push(call);
      send(response, 404, '404 page not found\n');
    } catch (error) {
      if (!response.headersSent) send(response, 500, String(error));
    }
  }

  private handleSystem(call: RecordedCall, response: http.ServerResponse): void {
    // A gateway without namespaces has no such route: its router answers before auth.
    if (call.path === '/system/namespaces' && this.options.namespaces === undefined) {
      return send(response, 404, '404 page not found\n');
    }
    if (!this.authorized(call)) {
      response.setHeader('WWW-Authenticate', 'Basic realm="Restricted"');
      return send(response, 401, 'invalid credentials');
    }
    if (this.systemFailure !== undefined) {
      const { status, body, contentType } = this.systemFailure;
      return send(response, status, body ?? '', contentType ?? 'text/plain; charset=utf-8');
    }
    if (call.method === 'GET' && call.path === '/system/functions') {
      const namespace = call.query.namespace ?? this.defaultNamespace;
      if (this.options.namespaces !== undefined && !this.options.namespaces.includes(namespace)) {
        return send(response, 400, `namespace ${namespace} is not allowed`);
      }
      return sendJson(response, this.functionStatuses(namespace));
    }
    if (call.method === 'GET' && call.path === '/system/namespaces') {
      return sendJson(response, this.options.namespaces);
    }
    send(response, 404, '404 page not found\n');
  }

  private async handleInvocation(
    call: RecordedCall,
    async: boolean,
    target: string,
    response: http.ServerResponse,
  ): Promise<void> {
    const dot = target.indexOf('.');
    const name = dot < 0 ? target : target.slice(0, dot);
    const namespace = dot < 0 ? this.defaultNamespace : target.slice(dot + 1);
    const fn = this.functions.get(`${name}.${namespace}`);
    if (fn === undefined) {
      this.calls.push(call);
      const message = `error finding function ${name}.${namespace}: function not found`;
      return send(response, 404, message);
    }
    if (async) {
      this.calls.push({ ...call, async: true });
      const callId = randomUUID();
      response.setHeader('X-Call-Id', callId);
      send(response, 202, '');
      const run = Promise.resolve()
        .then(() => this.runFunction(fn, { ...call, async: true }))
        .then(
          () => undefined,
          () => undefined,
        );
      this.pendingAsync.add(run);
      void run.finally(() => this.pendingAsync.delete(run));
      return;
    }
    const answer = await this.runFunction(fn, call);
    response.setHeader('X-Call-Id', randomUUID());
    for (const [header, value] of Object.entries(answer.headers ?? {})) {
      response.setHeader(header, value);
    }
    send(response, answer.status ?? 200, answer.body ?? '');
  }

  private async runFunction(fn: DeployedFunction, call: RecordedCall): Promise<FunctionAnswer> {
    const recorded = { ...call, function: `${fn.name}.${fn.namespace}` };
    this.calls.push(recorded);
    fn.invocationCount += 1;
    return fn.handler(recorded);
  }

  private authorized(call: RecordedCall): boolean {
    const credentials = this.options.credentials;
    if (credentials === undefined) return true;
    const header = call.headers.authorization ?? '';
    if (!header.startsWith('Basic ')) return false;
    const decoded = Buffer.from(header.slice('Basic '.length), 'base64').toString('utf8');
    return decoded === `${credentials.username}:${credentials.password}`;
  }

  /** FunctionStatus objects, field names and omissions as faas-provider's JSON. */
  private functionStatuses(namespace: string): Record<string, unknown>[] {
    return [...this.functions.values()]
      .filter((fn) => fn.namespace === namespace)
      .map((fn) => ({
        name: fn.name,
        image: fn.image,
        namespace: fn.namespace,
        ...(fn.labels === undefined ? {} : { labels: fn.labels }),
        ...(fn.annotations === undefined ? {} : { annotations: fn.annotations }),
        ...(fn.invocationCount === 0 ? {} : { invocationCount: fn.invocationCount }),
        ...(fn.replicas === 0 ? {} : { replicas: fn.replicas, availableReplicas: fn.replicas }),
        createdAt: fn.createdAt,
      }));
  }
}

function readBody(request: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.once('error', reject);
  });
}

function send(
  response: http.ServerResponse,
  status: number,
  body: string,
  contentType = 'text/plain; charset=utf-8',
): void {
  if (response.destroyed) return;
  response.writeHead(status, { 'Content-Type': contentType });
  response.end(body);
}

function sendJson(response: http.ServerResponse, value: unknown): void {
  send(response, 200, JSON.stringify(value), 'application/json');
}

function delay(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}
