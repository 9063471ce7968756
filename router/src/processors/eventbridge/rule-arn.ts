// The rule ARN of the configuration, taken apart: DescribeRule wants the rule's name and bus,
// and the event EventBridge builds carries the account the ARN names.
// arn:aws:events:eu-central-1:123456789012:rule/NAME       (a rule on the default bus)
// arn:aws:events:eu-central-1:123456789012:rule/BUS/NAME   (a custom or partner bus;
//   partner bus names hold slashes themselves: aws.partner/example.com/123)

export interface RuleArn {
  arn: string;
  partition: string;
  region: string;
  account: string;
  /** The bus the rule is on; `default` when the ARN names none. */
  eventBus: string;
  name: string;
}

const ruleArnShape = /^arn:([a-z-]+):events:([a-z0-9-]+):(\d{12}):rule\/(.+)$/;

/** Throws an error naming the ARN and the expected shape when it is not a rule ARN. */
export function parseRuleArn(arn: string): RuleArn {
  const match = ruleArnShape.exec(arn);
  const resource = match?.[4] ?? '';
  const slash = resource.lastIndexOf('/');
  const name = resource.slice(slash + 1);
  const eventBus = slash < 0 ? 'default' : resource.slice(0, slash);
  if (match === null || name === '' || eventBus === '') {
    throw new Error(
      `rule ARN "${arn}" is not an EventBridge rule ARN ` +
        '(arn:aws:events:REGION:ACCOUNT:rule/NAME or rule/BUS/NAME)',
    );
  }
  return { arn, partition: match[1], region: match[2], account: match[3], eventBus, name };
}

/** The name of a bus given by name or by ARN (arn:aws:events:...:event-bus/NAME). */
export function eventBusName(nameOrArn: string): string {
  const marker = ':event-bus/';
  const at = nameOrArn.startsWith('arn:') ? nameOrArn.indexOf(marker) : -1;
  return at < 0 ? nameOrArn : nameOrArn.slice(at + marker.length);
}
