// The HTTP side of one OpenFaaS gateway: one axios instance over keep-alive agents, the basic
// auth header, a per-call time limit, and the gateway's address as it may be shown to a person.
//
// Secrets: the credentials live only in the request headers. Axios errors carry their request
// config (headers included), so none of them is ever kept as a cause or handed to the logger;
// callers get a GatewayCallError that holds only a code and words.
import http from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';
import axios, { type AxiosInstance } from 'axios';
import type { BasicAuth } from '../../config/types';

/** What came back from one call, with at most `maxBodyBytes` of the body kept. */
export interface GatewayResponse {
  status: number;
  statusText: string;
  contentType: string;
  headers: Record<string, string | string[] | undefined>;
  /** The start of the body, decoded as UTF-8. */
  body: string;
}

/** A call that got no HTTP answer: refused, reset, timed out, name not found. */
export class GatewayCallError extends Error {
  /** `timeout`, or the network code (`ECONNREFUSED`, `ECONNRESET`, `ENOTFOUND`, ...). */
  readonly code: string;
  constructor(message: string, code: string) {
    super(message);
    this.name = 'GatewayCallError';
    this.code = code;
  }
}

export interface GatewayCall {
  method: 'GET' | 'POST';
  /** Path and query, beginning with `/`. */
  path: string;
  headers?: Record<string, string>;
  body?: string;
  /** Most body bytes kept; the rest is read and dropped so the connection can be reused. */
  maxBodyBytes: number;
}

export class GatewayHttp {
  /** The address without credentials or a trailing slash, for messages and logs. */
  readonly displayAddress: string;
  private readonly http: AxiosInstance;
  private readonly httpAgent = new http.Agent({ keepAlive: true });
  private readonly httpsAgent = new https.Agent({ keepAlive: true });
  private readonly authorization?: string;
  private readonly inFlight = new Set<AbortController>();

  constructor(
    address: string,
    auth: BasicAuth | undefined,
    private readonly timeoutMs: number,
  ) {
    let url: URL;
    try {
      url = new URL(address);
    } catch {
      // Not echoed: a mistyped address may hold credentials.
      throw new Error('OpenFaaS address is not a URL (expected e.g. http://127.0.0.1:8080)');
    }
    url.username = '';
    url.password = '';
    this.displayAddress = url.toString().replace(/\/+$/, '');
    if (auth !== undefined) {
      const token = Buffer.from(`${auth.username}:${auth.password}`, 'utf8').toString('base64');
      this.authorization = `Basic ${token}`;
    }
    this.http = axios.create({
      baseURL: address.replace(/\/+$/, ''),
      httpAgent: this.httpAgent,
      httpsAgent: this.httpsAgent,
      responseType: 'stream',
      // Every status is an answer to classify, not an exception.
      validateStatus: () => true,
      // A redirect from a gateway is a misconfiguration to report, not to follow.
      maxRedirects: 0,
      // Keep axios from turning our JSON string into something else.
      transformRequest: [(data: unknown) => data],
      proxy: false,
    });
  }

  /**
   * Makes one call, limited to timeoutMs from sending to the last byte kept. Resolves with
   * any HTTP status; rejects only with GatewayCallError.
   */
  async call(call: GatewayCall): Promise<GatewayResponse> {
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.timeoutMs);
    this.inFlight.add(controller);
    try {
      const response = await this.http.request<Readable>({
        method: call.method,
        url: call.path,
        data: call.body,
        headers: { ...call.headers, ...this.authHeader() },
        signal: controller.signal,
      });
      const body = await readStart(response.data, call.maxBodyBytes, controller.signal);
      const headers = { ...response.headers } as GatewayResponse['headers'];
      return {
        status: response.status,
        statusText: response.statusText ?? '',
        contentType: String(response.headers['content-type'] ?? ''),
        headers,
        body,
      };
    } catch (error) {
      if (timedOut) throw this.timeoutError();
      if (error instanceof GatewayCallError) throw error;
      throw networkError(error);
    } finally {
      clearTimeout(timer);
      this.inFlight.delete(controller);
    }
  }

  /** Aborts calls in flight and closes idle connections. */
  close(): void {
    for (const controller of this.inFlight) controller.abort();
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  private authHeader(): Record<string, string> {
    return this.authorization === undefined ? {} : { Authorization: this.authorization };
  }

  private timeoutError(): GatewayCallError {
    return new GatewayCallError(`no answer within ${this.timeoutMs} ms`, 'timeout');
  }
}

/** Only the code and message of the underlying error: never its request config. */
function networkError(error: unknown): GatewayCallError {
  const code = (error as { code?: unknown })?.code;
  const message = error instanceof Error ? error.message : String(error);
  const codeText = typeof code === 'string' && code.length > 0 ? code : 'ERR_NETWORK';
  if (message.length === 0) return new GatewayCallError(codeText, codeText);
  // "socket hang up" alone does not say what happened to the connection.
  const words = message.includes(codeText) ? message : `${message} (${codeText})`;
  return new GatewayCallError(words, codeText);
}

/** Reads a response body, keeping its first maxBytes; resolves when the body ends. */
function readStart(stream: Readable, maxBytes: number, signal: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    const kept: Buffer[] = [];
    let keptBytes = 0;
    const onAbort = (): void => {
      stream.destroy();
      reject(new GatewayCallError('aborted', 'aborted'));
    };
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    stream.on('data', (chunk: Buffer) => {
      if (keptBytes >= maxBytes) return;
      const part = chunk.subarray(0, maxBytes - keptBytes);
      kept.push(part);
      keptBytes += part.length;
    });
    stream.once('end', () => {
      signal.removeEventListener('abort', onAbort);
      resolve(Buffer.concat(kept).toString('utf8'));
    });
    stream.once('error', (error) => {
      signal.removeEventListener('abort', onAbort);
      reject(networkError(error));
    });
  });
}
