// The wiring: config -> one store, one read loop per stream, one dispatcher per processor, and
// the metrics server. The stream side and the dispatchers meet only in the store: a stream
// calls notify() after a take in, and each dispatcher finds its work there.
//
// A reload (SIGHUP) stops the streams, dispatchers, processors and metrics server and starts
// them again from the new config; the store stays open, streams resume from their
// checkpoints and buffered deliveries wait. Counters survive the reload.
import type { ProcessorConfig, RouterConfig, StreamConfig } from './config/types';
import { Dispatcher } from './delivery/dispatcher';
import type { Logger } from './log';
import { MetricsRegistry } from './metrics/registry';
import { MetricsServer } from './metrics/server';
import type { RouterSnapshot } from './metrics/snapshot';
import { createProcessor, processorAddress } from './processors/create';
import type { Processor } from './processors/processor';
import { RouterStore } from './store/store';
import { vcenterSource, VimClient } from './vcenter/client';
import { VcenterStream } from './vcenter/stream';

export interface RouterOptions {
  dataDir: string;
  logger: Logger;
}

interface RunningProcessor {
  config: ProcessorConfig;
  processor: Processor;
  dispatcher: Dispatcher;
  started: string;
}

interface RunningStream {
  config: StreamConfig;
  stream: VcenterStream;
  started: string;
}

export class Router {
  readonly metrics = new MetricsRegistry();
  private config: RouterConfig;
  private streams: RunningStream[] = [];
  private processors: RunningProcessor[] = [];
  private metricsServer?: MetricsServer;
  private readonly log: Logger;

  private constructor(
    config: RouterConfig,
    private readonly store: RouterStore,
    private readonly options: RouterOptions,
  ) {
    this.config = config;
    this.log = options.logger.child({ component: 'router' });
  }

  /** Opens the store (throws a StoreOperatorError an operator can act on) and starts all. */
  static async start(config: RouterConfig, options: RouterOptions): Promise<Router> {
    // The store asks for a stream's replay window of the config in force, which a reload changes.
    const holder: { router?: Router } = {};
    const store = RouterStore.open({
      dataDir: options.dataDir,
      maxReplayAgeMs: (stream) =>
        holder.router?.streamConfig(stream)?.maxReplayAgeMs ?? 86_400_000,
    });
    const router = new Router(config, store, options);
    holder.router = router;
    try {
      await router.startAll();
    } catch (error) {
      await router.stop();
      throw error;
    }
    return router;
  }

  /** The port the metrics server listens on, when one is configured. */
  metricsPort?: number;

  async reload(config: RouterConfig): Promise<void> {
    this.log.info('reloading the configuration');
    await this.stopAll();
    this.config = config;
    await this.startAll();
    this.log.info(
      `configuration reloaded: ${config.streams.length} streams, ` +
        `${config.processors.length} processors`,
    );
  }

  async stop(): Promise<void> {
    await this.stopAll();
    this.store.close();
  }

  snapshot(): RouterSnapshot {
    const status = this.store.status();
    const nowMs = Date.now();
    return {
      streams: this.streams.map(({ config, stream, started }) => {
        const checkpoint = status.streams.find((s) => s.stream === config.name);
        return {
          name: config.name,
          address: vcenterSource(config.address),
          started,
          health: stream.health(),
          checkpoint: checkpoint && {
            lastKey: checkpoint.lastKey,
            lastCreatedTime: checkpoint.lastCreatedTime,
            updatedAt: checkpoint.updatedAt,
            ageSeconds: Math.round((nowMs - Date.parse(checkpoint.updatedAt)) / 1000),
          },
        };
      }),
      processors: this.processors.map(({ config, processor, started }) => {
        const stored = status.processors.find((p) => p.processor === config.name);
        return {
          name: config.name,
          provider: config.provider,
          address: processorAddress(config),
          started,
          health: processor.health(),
          buffered: (stored?.deliveries ?? 0) + (stored?.notRouted ?? 0),
          retrying: stored?.retrying ?? 0,
          deadLetters: stored?.deadLetters ?? 0,
          oldestBufferedAgeSeconds:
            stored?.oldestAgeMs === undefined ? undefined : Math.round(stored.oldestAgeMs / 1000),
        };
      }),
    };
  }

  private streamConfig(name: string): StreamConfig | undefined {
    return this.config.streams.find((s) => s.name === name);
  }

  private async startAll(): Promise<void> {
    const { added, removed } = this.store.routing.syncProcessors(
      this.config.processors.map((p) => p.name),
      Date.now(),
    );
    for (const name of added) {
      this.log.info(`processor ${name} added; it gets every event taken in from now on`);
    }
    for (const name of removed) {
      this.log.warn(
        `processor ${name} is no longer configured; its waiting deliveries became dead letters ` +
          `(vmware-event-router dead-letters list --processor ${name})`,
      );
    }
    for (const config of this.config.processors) await this.startProcessor(config);
    for (const config of this.config.streams) this.startStream(config);
    if (this.config.metrics) {
      this.metricsServer = new MetricsServer(
        this.config.metrics,
        this.metrics,
        () => this.snapshot(),
        this.options.logger,
      );
      this.metricsPort = await this.metricsServer.start();
    }
  }

  private async startProcessor(config: ProcessorConfig): Promise<void> {
    const processor = createProcessor(config, this.options.logger);
    await processor.start();
    const dispatcher = new Dispatcher({
      processor,
      store: this.store,
      retry: config.retry,
      concurrency: config.concurrency,
      counters: this.metrics,
      logger: this.options.logger,
    });
    dispatcher.start();
    this.processors.push({ config, processor, dispatcher, started: new Date().toISOString() });
  }

  private startStream(config: StreamConfig): void {
    const stream = new VcenterStream({
      config,
      source: vcenterSource(config.address),
      openSession: () => VimClient.open(config),
      store: this.store,
      counters: this.metrics,
      logger: this.options.logger,
      onTakenIn: () => {
        for (const { dispatcher } of this.processors) dispatcher.notify();
      },
    });
    stream.start();
    this.streams.push({ config, stream, started: new Date().toISOString() });
  }

  /** Streams first, so nothing new is taken in while the dispatchers finish what is in flight. */
  private async stopAll(): Promise<void> {
    await Promise.all(this.streams.map(({ stream }) => stream.stop()));
    this.streams = [];
    await Promise.all(this.processors.map(({ dispatcher }) => dispatcher.stop()));
    await Promise.all(this.processors.map(({ processor }) => processor.stop()));
    this.processors = [];
    await this.metricsServer?.stop();
    this.metricsServer = undefined;
  }
}
