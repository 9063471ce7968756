// The router's configuration file for the settings: the JSON array documented in
// router/src/config/ (the original appliance's format). Written with JSON.stringify, never by
// pasting values into text, so a `DOMAIN\user` name or a password with quotes stays intact.
import type { ApplianceSettings, ProcessorSettings } from './settings';

/** The OpenFaaS gateway faasd runs on the appliance itself. */
export const applianceGatewayAddress = 'http://127.0.0.1:8080';
export const openFaasAdminUser = 'admin';

export function renderRouterConfig(settings: ApplianceSettings): string {
  const { vcenter } = settings;
  const streamOptions: Record<string, unknown> = { insecure: vcenter.insecure };
  if (vcenter.thumbprint !== undefined) streamOptions.thumbprint = vcenter.thumbprint;
  const entries: unknown[] = [
    {
      type: 'stream',
      provider: 'vmware_vcenter',
      address: vcenter.address,
      auth: {
        method: 'user_password',
        secret: { username: vcenter.username, password: vcenter.password },
      },
      options: streamOptions,
    },
    processorEntry(settings.processor),
    metricsEntry(settings.processor),
  ];
  return `${JSON.stringify(entries, null, 2)}\n`;
}

function processorEntry(processor: ProcessorSettings): unknown {
  if (processor.kind === 'openfaas') {
    return {
      type: 'processor',
      provider: 'openfaas',
      address: applianceGatewayAddress,
      auth: {
        method: 'basic_auth',
        secret: { username: openFaasAdminUser, password: processor.adminPassword },
      },
      options: { async: false },
    };
  }
  return {
    type: 'processor',
    provider: 'aws_event_bridge',
    auth: {
      method: 'access_key',
      secret: {
        aws_access_key_id: processor.accessKeyId,
        aws_secret_access_key: processor.secretAccessKey,
      },
    },
    options: {
      aws_region: processor.region,
      aws_eventbridge_event_bus: processor.eventBus,
      aws_eventbridge_rule_arn: processor.ruleArn,
    },
  };
}

/**
 * With OpenFaaS the metrics server listens on every address behind the same admin password as
 * the gateway, as the original appliance did. With EventBridge there is no password meant for
 * a web endpoint (the root password must not become one), so it listens on loopback only:
 * reach it through `ssh -L 8082:127.0.0.1:8082`, or edit the file to expose it.
 */
function metricsEntry(processor: ProcessorSettings): unknown {
  if (processor.kind === 'openfaas') {
    return {
      type: 'metrics',
      provider: 'internal',
      address: '0.0.0.0:8082',
      auth: {
        method: 'basic_auth',
        secret: { username: openFaasAdminUser, password: processor.adminPassword },
      },
    };
  }
  return {
    type: 'metrics',
    provider: 'internal',
    address: '127.0.0.1:8082',
    auth: { method: 'none' },
  };
}
