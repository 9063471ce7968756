// The OpenFaaS processor: an event goes to every function whose `topic` annotation names it,
// one POST to the gateway per event and function.
//
// Routing happens once per event, with the subscriptions of that moment: a function deployed
// after an event was routed gets only the events routed after the listing that found it, and
// a function removed after routing still gets its events (the gateway's 404 dead-letters them).
import type { RouterCloudEvent } from '../../events/cloudevent-json';
import type { OpenFaasProcessorConfig } from '../../config/types';
import type { Logger } from '../../log';
import type { BufferedEvent, DeliveryResult, Processor, ProcessorHealth } from '../processor';
import { GatewayHttp } from './gateway-http';
import { invokeFunction } from './invoke-function';
import { SubscriptionRefresher } from './subscription-refresh';

/** When the configuration leaves it out (or sets 0): list functions every 10 s. */
export const defaultTopicRefreshIntervalMs = 10_000;

export class OpenFaasProcessor implements Processor {
  readonly provider = 'openfaas';
  /** The gateway takes one event per call. */
  readonly maxBatchSize = 1;
  readonly name: string;

  private readonly gateway: GatewayHttp;
  private readonly refresher: SubscriptionRefresher;
  private readonly logger: Logger;

  /** @param logger the router's logger or its `openfaas` child; lines carry the processor name. */
  constructor(
    private readonly config: OpenFaasProcessorConfig,
    logger: Logger,
  ) {
    this.name = config.name;
    const component = logger.bindings().component === undefined ? { component: 'openfaas' } : {};
    this.logger = logger.child({ ...component, processor: config.name });
    this.gateway = new GatewayHttp(config.address, config.auth, config.timeoutMs);
    this.refresher = new SubscriptionRefresher(
      this.gateway,
      {
        processorName: config.name,
        intervalMs: config.topicRefreshIntervalMs || defaultTopicRefreshIntervalMs,
        hasCredentials: config.auth !== undefined,
      },
      this.logger,
    );
  }

  /** Lists the functions once (at most timeoutMs), then keeps refreshing; never throws. */
  async start(): Promise<void> {
    this.logger.info(
      { gateway: this.gateway.displayAddress, async: this.config.async },
      'starting OpenFaaS processor',
    );
    await this.refresher.start();
  }

  async stop(): Promise<void> {
    // The refresher first, so the listing aborted by close() is not reported as an outage.
    const refresherStopped = this.refresher.stop();
    this.gateway.close();
    await refresherStopped;
  }

  /** Lists the gateway's functions now rather than at the next interval. */
  refreshSubscriptions(): Promise<void> {
    return this.refresher.refreshNow();
  }

  route(event: RouterCloudEvent): string[] | undefined {
    return this.refresher.current()?.targetsFor(event.subject);
  }

  async deliver(target: string, events: BufferedEvent[]): Promise<DeliveryResult[]> {
    const results: DeliveryResult[] = [];
    for (const buffered of events) {
      const result = await this.deliverOne(target, buffered);
      results.push(result);
      if (result.outcome === 'retry') {
        // Later events wait behind this one, so the function still sees vCenter's order.
        const reason = `not sent: event ${buffered.seq} before it is being retried`;
        while (results.length < events.length) results.push({ outcome: 'retry', reason });
        break;
      }
    }
    return results;
  }

  health(): ProcessorHealth {
    return this.refresher.health();
  }

  private async deliverOne(target: string, buffered: BufferedEvent): Promise<DeliveryResult> {
    const event = buffered.cloudEvent;
    const topic = this.refresher.current()?.topicFor(target, event.subject) ?? event.subject;
    try {
      const result = await invokeFunction(this.gateway, {
        target,
        async: this.config.async,
        topic,
        event,
      });
      this.logger.debug({ function: target, event: event.id, outcome: result.outcome }, 'sent');
      return result;
    } catch (error) {
      // invokeFunction classifies every answer; this is a bug, and still must not throw.
      const reason = `function ${target}: ${error instanceof Error ? error.message : error}`;
      return { outcome: 'retry', reason };
    }
  }
}
