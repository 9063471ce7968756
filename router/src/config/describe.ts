// The config as it may appear in a log line: every default filled in, secrets replaced.
import type { ProcessorConfig, RouterConfig } from './types';

export const hidden = '***';

/** An AWS access key id is not a secret, but half of one; its last four characters suffice. */
function maskAccessKeyId(id: string): string {
  return id.length > 8 ? `${hidden}${id.slice(-4)}` : hidden;
}

function redactProcessor(processor: ProcessorConfig): ProcessorConfig {
  switch (processor.provider) {
    case 'openfaas':
      return processor.auth
        ? { ...processor, auth: { ...processor.auth, password: hidden } }
        : { ...processor };
    case 'aws_event_bridge':
      return processor.credentials
        ? {
            ...processor,
            credentials: {
              accessKeyId: maskAccessKeyId(processor.credentials.accessKeyId),
              secretAccessKey: hidden,
            },
          }
        : { ...processor };
    default:
      return { ...processor };
  }
}

/** A copy of `config` with passwords and secret keys replaced by `***`. */
export function redactConfig(config: RouterConfig): RouterConfig {
  return {
    streams: config.streams.map((stream) => ({ ...stream, password: hidden })),
    processors: config.processors.map(redactProcessor),
    ...(config.metrics
      ? {
          metrics: config.metrics.auth
            ? { ...config.metrics, auth: { ...config.metrics.auth, password: hidden } }
            : { ...config.metrics },
        }
      : {}),
  };
}

/** One JSON line for the log, secrets replaced by `***`. */
export function describeConfig(config: RouterConfig): string {
  return JSON.stringify(redactConfig(config));
}
