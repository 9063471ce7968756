// Config entries in the file format an operator writes (the original appliance's JSON array),
// so the router child reads them through the same loader as in production.
import type { Vcsim } from '../../test/support/vcsim';

/** A stream reading the whole history, checkpoints (durability) on, 1000-event pages. */
export function streamEntry(vcsim: Vcsim, name: string, pageSize = 1000): unknown {
  return {
    type: 'stream',
    provider: 'vmware_vcenter',
    name,
    address: vcsim.sdkUrl,
    auth: {
      method: 'user_password',
      secret: { username: vcsim.username, password: vcsim.password },
    },
    options: {
      ca_file: vcsim.caFile,
      start_from: 'beginning',
      checkpoint: true,
      page_size: pageSize,
      // The default (1s) would add up to a second of latency; 100 ms is the smallest allowed.
      poll_interval: '100ms',
    },
  };
}

export function stdoutEntry(): unknown {
  return { type: 'processor', provider: 'stdout', name: 'stdout' };
}

export function openFaasEntry(gatewayUrl: string, name = 'openfaas'): unknown {
  return {
    type: 'processor',
    provider: 'openfaas',
    name,
    address: gatewayUrl,
    auth: { method: 'none' },
    // The function list is read every second, so new functions are seen soon after start.
    options: { async: 'false', topic_refresh_interval: '1s' },
  };
}

export interface EventBridgeTarget {
  url: string;
  region: string;
  ruleArn: string;
  accessKeyId: string;
  secretAccessKey: string;
}

export function eventBridgeEntry(target: EventBridgeTarget, name = 'eventbridge'): unknown {
  return {
    type: 'processor',
    provider: 'aws_event_bridge',
    name,
    auth: {
      method: 'access_key',
      secret: {
        aws_access_key_id: target.accessKeyId,
        aws_secret_access_key: target.secretAccessKey,
      },
    },
    options: {
      aws_region: target.region,
      aws_eventbridge_rule_arn: target.ruleArn,
      endpoint: target.url,
    },
  };
}
