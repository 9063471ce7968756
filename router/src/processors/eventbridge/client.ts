// The EventBridge client of one processor, from its configuration.
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { EventBridgeProcessorConfig } from '../../config/types';

/**
 * Access key credentials when configured, else the SDK's default chain (environment, shared
 * files, container or instance role: `auth.method` aws_iam_role). One attempt per call: the
 * dispatcher owns retries and backoff, and SDK retries inside a call would hide the failure
 * from it and hold the target for tens of seconds.
 */
export function createEventBridgeClient(config: EventBridgeProcessorConfig): EventBridgeClient {
  return new EventBridgeClient({
    region: config.region,
    ...(config.endpoint === undefined ? {} : { endpoint: config.endpoint }),
    ...(config.credentials === undefined
      ? {}
      : {
          credentials: {
            accessKeyId: config.credentials.accessKeyId,
            secretAccessKey: config.credentials.secretAccessKey,
          },
        }),
    maxAttempts: 1,
    requestHandler: {
      connectionTimeout: config.timeoutMs,
      requestTimeout: config.timeoutMs,
      throwOnRequestTimeout: true,
    },
  });
}
