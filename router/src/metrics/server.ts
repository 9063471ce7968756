// The `metrics` entry's HTTP server: /stats (JSON in the shape of the original appliance's
// expvar map), /metrics (Prometheus text) and /healthz. Basic auth when configured.
import { timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg } from 'node:os';

import client from 'prom-client';

import type { MetricsConfig } from '../config/types';
import type { Logger } from '../log';
import type { MetricsRegistry } from './registry';
import { healthProblems, type RouterSnapshot } from './snapshot';

export class MetricsServer {
  private readonly server: http.Server;
  private readonly log: Logger;

  constructor(
    private readonly config: MetricsConfig,
    private readonly registry: MetricsRegistry,
    private readonly snapshot: () => RouterSnapshot,
    logger: Logger,
  ) {
    this.log = logger.child({ component: 'metrics' });
    this.server = http.createServer((request, response) => {
      this.handle(request, response).catch((error: Error) => {
        this.log.error({ err: error }, `${request.url}: ${error.message}`);
        if (!response.headersSent) response.writeHead(500);
        response.end();
      });
    });
    this.registerStoreGauges();
  }

  /** Listens on the configured host:port; resolves with the port actually bound. */
  async start(): Promise<number> {
    const { host, port } = splitAddress(this.config.address);
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => resolve());
    });
    const bound = (this.server.address() as AddressInfo).port;
    this.log.info(`serving /stats, /metrics and /healthz on ${host}:${bound}`);
    return bound;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(
    request: http.IncomingMessage,
    response: http.ServerResponse,
  ): Promise<void> {
    if (!this.authorized(request)) {
      response.writeHead(401, { 'WWW-Authenticate': 'Basic realm="vmware-event-router"' });
      response.end('unauthorized\n');
      return;
    }
    const path = (request.url ?? '/').split('?')[0];
    if (path === '/healthz') return this.healthz(response);
    if (path === '/stats') return this.stats(response);
    if (path === '/metrics') {
      response.writeHead(200, { 'Content-Type': this.registry.prometheus.contentType });
      response.end(await this.registry.prometheus.metrics());
      return;
    }
    response.writeHead(404, { 'Content-Type': 'text/plain' });
    response.end('not found: try /stats, /metrics or /healthz\n');
  }

  private healthz(response: http.ServerResponse): void {
    const problems = healthProblems(this.snapshot());
    response.writeHead(problems.length === 0 ? 200 : 503, { 'Content-Type': 'application/json' });
    response.end(JSON.stringify({ healthy: problems.length === 0, problems }) + '\n');
  }

  private stats(response: http.ServerResponse): void {
    const snapshot = this.snapshot();
    const stats: Record<string, unknown> = {};
    for (const stream of snapshot.streams) {
      const counts = this.registry.streamCounts(stream.name);
      stats[stream.name] = {
        type: 'EventStream',
        address: stream.address,
        started: stream.started,
        events_total: counts.eventsTotal,
        events_err: counts.eventsErr,
        events_per_sec: counts.eventsPerSec,
        undecodable: counts.undecodable,
        stall_recoveries: counts.stallRecoveries,
        state: stream.health.state,
        reason: stream.health.reason,
        checkpoint: stream.checkpoint,
      };
    }
    for (const processor of snapshot.processors) {
      const counts = this.registry.processorCounts(processor.name);
      stats[processor.name] = {
        type: 'EventProcessor',
        provider: processor.provider,
        address: processor.address,
        started: processor.started,
        events_total: counts.delivered,
        events_err: counts.failed,
        events_per_sec: counts.eventsPerSec,
        invocations: counts.invocations,
        retried: counts.retried,
        dead_letters_total: counts.dead,
        targets: counts.targets,
        buffered: processor.buffered,
        retrying: processor.retrying,
        dead_letters: processor.deadLetters,
        oldest_buffered_age_seconds: processor.oldestBufferedAgeSeconds,
        healthy: processor.health.healthy,
        reason: processor.health.reason,
      };
    }
    const [load1, load5, load15] = loadavg();
    const body = {
      'vmware.event.router.stats': stats,
      'system.stats': { Load1: load1, Load5: load5, Load15: load15 },
      memstats: process.memoryUsage(),
    };
    response.writeHead(200, { 'Content-Type': 'application/json' });
    response.end(JSON.stringify(body, null, 2) + '\n');
  }

  /** Gauges read from the store at scrape time, so they are never stale. */
  private registerStoreGauges(): void {
    const snapshot = this.snapshot;
    const gauge = (
      name: string,
      help: string,
      labelNames: string[],
      read: (g: client.Gauge) => void,
    ) => {
      // A reload builds a new server on the same registry: the old server's gauge (which reads
      // the old snapshot) gives way, where registering the name twice would throw.
      this.registry.prometheus.removeSingleMetric(name);
      return new client.Gauge({
        name,
        help,
        labelNames,
        registers: [this.registry.prometheus],
        collect() {
          this.reset();
          read(this);
        },
      });
    };
    gauge('vmware_event_router_buffered_deliveries', 'Deliveries waiting', ['processor'], (g) => {
      for (const p of snapshot().processors) g.set({ processor: p.name }, p.buffered);
    });
    gauge(
      'vmware_event_router_retrying_deliveries',
      'Deliveries that failed at least once',
      ['processor'],
      (g) => {
        for (const p of snapshot().processors) g.set({ processor: p.name }, p.retrying);
      },
    );
    gauge(
      'vmware_event_router_dead_letters',
      'Dead letters kept for replay',
      ['processor'],
      (g) => {
        for (const p of snapshot().processors) g.set({ processor: p.name }, p.deadLetters);
      },
    );
    gauge(
      'vmware_event_router_checkpoint_age_seconds',
      'Age of the stream checkpoint',
      ['stream'],
      (g) => {
        for (const s of snapshot().streams) {
          if (s.checkpoint) g.set({ stream: s.name }, s.checkpoint.ageSeconds);
        }
      },
    );
    gauge(
      'vmware_event_router_stream_connected',
      '1 while the stream reads vCenter',
      ['stream'],
      (g) => {
        for (const s of snapshot().streams)
          g.set({ stream: s.name }, s.health.state === 'connected' ? 1 : 0);
      },
    );
  }

  private authorized(request: http.IncomingMessage): boolean {
    const auth = this.config.auth;
    if (!auth) return true;
    const header = request.headers.authorization ?? '';
    if (!header.startsWith('Basic ')) return false;
    const given = Buffer.from(header.slice(6), 'base64');
    const expected = Buffer.from(`${auth.username}:${auth.password}`);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}

function splitAddress(address: string): { host: string; port: number } {
  const at = address.lastIndexOf(':');
  const host = address.slice(0, at).replace(/^\[|\]$/g, '') || '0.0.0.0';
  return { host, port: Number(address.slice(at + 1)) };
}
