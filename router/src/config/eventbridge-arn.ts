// The parts of an EventBridge rule ARN: arn:PARTITION:events:REGION:ACCOUNT:rule/[BUS/]NAME.
// A rule on the default bus has no bus in its ARN.
import { ruleArnPattern } from './options';

export interface EventBridgeRuleArn {
  partition: string;
  region: string;
  account: string;
  /** 'default' when the ARN names no bus. */
  eventBus: string;
  ruleName: string;
}

export function parseEventBridgeRuleArn(arn: string): EventBridgeRuleArn | undefined {
  if (!new RegExp(ruleArnPattern).test(arn)) return undefined;
  const [, partition, , region, account, resource] = arn.split(':');
  const parts = resource.slice('rule/'.length).split('/');
  const ruleName = parts.pop()!;
  return {
    partition,
    region,
    account,
    eventBus: parts.length > 0 ? parts.join('/') : 'default',
    ruleName,
  };
}

/** The bus name in `aws_eventbridge_event_bus`, which may be a name or an event-bus ARN. */
export function eventBusName(value: string): string {
  const marker = ':event-bus/';
  const at = value.indexOf(marker);
  return value.startsWith('arn:') && at >= 0 ? value.slice(at + marker.length) : value;
}
