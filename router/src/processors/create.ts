// One Processor per `processor` entry, by provider.
import type { ProcessorConfig } from '../config/types';
import type { Logger } from '../log';
import { EventBridgeProcessor } from './eventbridge/processor';
import { OpenFaasProcessor } from './openfaas/openfaas-processor';
import type { Processor } from './processor';
import { StdoutProcessor } from './stdout';

export function createProcessor(config: ProcessorConfig, logger: Logger): Processor {
  switch (config.provider) {
    case 'stdout':
      return new StdoutProcessor(config);
    case 'openfaas':
      return new OpenFaasProcessor(config, logger.child({ component: 'openfaas' }));
    case 'aws_event_bridge':
      return new EventBridgeProcessor(config, logger.child({ component: 'eventbridge' }));
  }
}

/** The address a processor sends to, for /stats; never with credentials. */
export function processorAddress(config: ProcessorConfig): string | undefined {
  switch (config.provider) {
    case 'stdout':
      return undefined;
    case 'openfaas':
      return withoutCredentials(config.address);
    case 'aws_event_bridge':
      return config.endpoint
        ? withoutCredentials(config.endpoint)
        : `eventbridge ${config.region} bus ${config.eventBus}`;
  }
}

function withoutCredentials(address: string): string {
  try {
    const url = new URL(address);
    url.username = '';
    url.password = '';
    return url.toString();
  } catch {
    return '(address not a URL)';
  }
}
