// The EventBridge event-pattern language, table-driven from the examples AWS documents:
// eb-event-patterns.md, eb-create-pattern-operators.md (content filtering), arrays, null values
// and empty strings in the EventBridge User Guide. Each row names the behaviour it proves.
import assert from 'node:assert/strict';
import { EventPattern } from '../../router/src/processors/eventbridge/event-pattern';
import { EventPatternError } from '../../router/src/processors/eventbridge/pattern-error';

/** The sample event of the EventBridge documentation (an EC2 state change). */
const ec2Event = {
  version: '0',
  id: 'ddddd4-aaaa-7777-4444-345dd43cc333',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '012345679012',
  time: '2017-10-02T16:24:49Z',
  region: 'us-east-1',
  resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-000000aaaaaa00000'],
  detail: {
    'c-count': 5,
    'd-count': 3,
    'x-limit': 301.8,
    'source-ip': '10.0.0.33',
    'instance-id': 'i-000000aaaaaa00000',
    state: 'running',
  },
};

/** The documentation's example for null values and empty strings. */
const autoscalingEvent = {
  version: '0',
  id: '3e3c153a-8339-4e30-8c35-687ebef853fe',
  'detail-type': 'EC2 Instance Launch Successful',
  source: 'aws.autoscaling',
  account: '123456789012',
  time: '2015-11-11T21:31:47Z',
  region: 'us-east-1',
  resources: [],
  detail: { eventVersion: '', responseElements: null },
};

/** The event that comes out of this router: detail is the CloudEvent. */
const routerEvent = {
  version: '0',
  'detail-type': 'VmPoweredOffEvent',
  source: 'https://vc01.example.com/sdk',
  account: '123456789012',
  time: '2020-02-11T21:28:23Z',
  region: 'eu-central-1',
  resources: ['Datacenter:datacenter-2', 'HostSystem:host-21', 'VirtualMachine:vm-56'],
  detail: {
    specversion: '1.0',
    id: '08179137-b8e0-4973-b05f-8f212bf5003b',
    source: 'https://vc01.example.com/sdk',
    type: 'com.vmware.event.router/event',
    subject: 'VmPoweredOffEvent',
    data: {
      Key: 9902,
      UserName: 'VSPHERE.LOCAL\\Administrator',
      Vm: { Name: 'test-01', Vm: { Type: 'VirtualMachine', Value: 'vm-56' } },
      Ds: null,
      ChangeTag: '',
      Template: false,
      Arguments: [
        { Key: 'owner', Value: 'alice' },
        { Key: 'team', Value: 'storage' },
      ],
    },
  },
};

interface Row {
  behaviour: string;
  pattern: unknown;
  event: Record<string, unknown>;
  matches: boolean;
}

const rows: Row[] = [
  // Exact values, and arrays of them (any may match), fields and-ed.
  {
    behaviour: 'exact values on several fields, all must match',
    pattern: {
      'detail-type': ['EC2 Instance State-change Notification'],
      resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-000000aaaaaa00000'],
      detail: { state: ['initializing', 'running'] },
    },
    event: ec2Event,
    matches: true,
  },
  {
    behaviour: 'one field of the pattern not matching fails the whole pattern',
    pattern: { source: ['aws.ec2'], detail: { state: ['stopped'] } },
    event: ec2Event,
    matches: false,
  },
  {
    behaviour: 'a field the event does not have fails an exact match',
    pattern: { detail: { missing: ['x'] } },
    event: ec2Event,
    matches: false,
  },
  {
    behaviour: 'exact match is case-sensitive',
    pattern: { source: ['AWS.EC2'] },
    event: ec2Event,
    matches: false,
  },
  {
    behaviour: 'a number matches a JSON number of the same value (3.018e2 is 301.8)',
    pattern: { detail: { 'x-limit': [3.018e2] } },
    event: ec2Event,
    matches: true,
  },
  {
    behaviour: 'a number does not match a string holding it',
    pattern: { detail: { 'c-count': ['5'] } },
    event: ec2Event,
    matches: false,
  },
  {
    behaviour: 'booleans match booleans',
    pattern: { detail: { data: { Template: [false] } } },
    event: routerEvent,
    matches: true,
  },
  {
    behaviour: 'fields not named in the pattern are ignored',
    pattern: { region: ['us-east-1'] },
    event: ec2Event,
    matches: true,
  },
  // Arrays in the event.
  {
    behaviour: 'an event array matches if it shares a value with the pattern array',
    pattern: {
      resources: [
        'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
        'arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f',
        'arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f',
      ],
    },
    event: {
      resources: [
        'arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:eb56d16b-bbf0-401d-b893-' +
          'd5978ed4a025:autoScalingGroupName/ASGTerminate',
        'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
      ],
    },
    matches: true,
  },
  {
    behaviour: 'an event array with no common value does not match',
    pattern: { resources: ['VirtualMachine:vm-1'] },
    event: routerEvent,
    matches: false,
  },
  {
    behaviour: 'a nested pattern matches inside any element of an array of objects',
    pattern: { detail: { data: { Arguments: { Key: ['team'], Value: ['storage'] } } } },
    event: routerEvent,
    matches: true,
  },
  {
    behaviour: 'a nested pattern matches the first element of an array of objects too',
    pattern: { detail: { data: { Arguments: { Key: ['owner'], Value: ['alice'] } } } },
    event: routerEvent,
    matches: true,
  },
  {
    behaviour: 'fields of a nested pattern must match within the same array element',
    pattern: { detail: { data: { Arguments: { Key: ['owner'], Value: ['storage'] } } } },
    event: routerEvent,
    matches: false,
  },
  // Null and empty string.
  {
    behaviour: 'an empty string matches an empty string',
    pattern: { detail: { eventVersion: [''] } },
    event: autoscalingEvent,
    matches: true,
  },
  {
    behaviour: 'null matches null',
    pattern: { detail: { responseElements: [null] } },
    event: autoscalingEvent,
    matches: true,
  },
  {
    behaviour: 'an empty string does not match null',
    pattern: { detail: { responseElements: [''] } },
    event: autoscalingEvent,
    matches: false,
  },
  {
    behaviour: 'null does not match an empty string',
    pattern: { detail: { eventVersion: [null] } },
    event: autoscalingEvent,
    matches: false,
  },
  {
    behaviour: 'null does not match a missing field',
    pattern: { detail: { nothing: [null] } },
    event: autoscalingEvent,
    matches: false,
  },
  // Prefix and suffix.
  {
    behaviour: 'prefix on time',
    pattern: { time: [{ prefix: '2017-10-02' }] },
    event: ec2Event,
    matches: true,
  },
  {
    behaviour: 'prefix that is not there',
    pattern: { region: [{ prefix: 'eu-' }] },
    event: ec2Event,
    matches: false,
  },
  {
    behaviour: 'prefix does not match a number',
    pattern: { detail: { 'c-count': [{ prefix: '5' }] } },
    event: ec2Event,
    matches: false,
  },
  {
    behaviour: 'prefix with equals-ignore-case',
    pattern: { source: [{ prefix: { 'equals-ignore-case': 'AWS.' } }] },
    event: ec2Event,
    matches: true,
  },
  {
    behaviour: 'suffix',
    pattern: { source: [{ suffix: 'ec2' }] },
    event: ec2Event,
    matches: true,
  },
  {
    behaviour: 'suffix that is not there',
    pattern: { detail: { subject: [{ suffix: 'OnEvent' }] } },
    event: routerEvent,
    matches: false,
  },
  {
    behaviour: 'suffix with equals-ignore-case',
    pattern: { 'detail-type': [{ suffix: { 'equals-ignore-case': 'NOTIFICATION' } }] },
    event: ec2Event,
    matches: true,
  },
  // Equals-ignore-case.
  {
    behaviour: 'equals-ignore-case',
    pattern: { source: [{ 'equals-ignore-case': 'AWS.EC2' }] },
    event: ec2Event,
    matches: true,
  },
  {
    behaviour: 'equals-ignore-case is still a whole-value match',
    pattern: { source: [{ 'equals-ignore-case': 'EC2' }] },
    event: ec2Event,
    matches: false,
  },
  // Wildcard.
  {
    behaviour: 'wildcard in the middle',
    pattern: { detail: { subject: [{ wildcard: 'Vm*Event' }] } },
    event: routerEvent,
    matches: true,
  },
  {
    behaviour: 'wildcard matches an empty run',
    pattern: { detail: { subject: [{ wildcard: 'VmPoweredOff*Event' }] } },
    event: routerEvent,
    matches: true,
  },
  {
    behaviour: 'wildcard must cover the whole value',
    pattern: { detail: { subject: [{ wildcard: 'Vm*Off' }] } },
    event: routerEvent,
    matches: false,
  },
  {
    behaviour: 'wildcard: several wildcards, leading and trailing',
    pattern: { detail: { subject: [{ wildcard: '*Powered*Ev*' }] } },
    event: routerEvent,
    matches: true,
  },
  {
    behaviour: 'wildcard: segments in the wrong order do not match',
    pattern: { detail: { subject: [{ wildcard: '*Event*Powered*' }] } },
    event: routerEvent,
    matches: false,
  },
  {
    behaviour: 'wildcard: the text around a wildcard may not overlap',
    pattern: { detail: { name: [{ wildcard: 'ab*ba' }] } },
    event: { detail: { name: 'aba' } },
    matches: false,
  },
  {
    behaviour: 'wildcard: a segment found early leaves room for the end',
    pattern: { detail: { name: [{ wildcard: 'a*a*ab' }] } },
    event: { detail: { name: 'aaab' } },
    matches: true,
  },
  {
    behaviour: 'wildcard: without a wildcard it is an exact match',
    pattern: { detail: { name: [{ wildcard: 'a\\*b' }] } },
    event: { detail: { name: 'a*bc' } },
    matches: false,
  },
  {
    behaviour: 'wildcard does not match a number',
    pattern: { detail: { 'c-count': [{ wildcard: '*' }] } },
    event: ec2Event,
    matches: false,
  },
  {
    behaviour: 'wildcard: regular-expression characters are literal',
    pattern: { source: [{ wildcard: 'https://vc01.example.com/*' }] },
    event: { source: 'https://vc01xexample.com/sdk' },
    matches: false,
  },
  {
    behaviour: 'wildcard: an escaped asterisk is a literal asterisk',
    pattern: { detail: { name: [{ wildcard: 'a\\*b' }] } },
    event: { detail: { name: 'a*b' } },
    matches: true,
  },
  {
    behaviour: 'wildcard: an escaped asterisk does not match other characters',
    pattern: { detail: { name: [{ wildcard: 'a\\*b' }] } },
    event: { detail: { name: 'axb' } },
    matches: false,
  },
  {
    behaviour: 'wildcard: an escaped asterisk followed by a wildcard',
    pattern: { detail: { name: [{ wildcard: 'a\\**b' }] } },
    event: { detail: { name: 'a*xyzb' } },
    matches: true,
  },
  {
    behaviour: 'wildcard: an escaped backslash is a literal backslash',
    pattern: { detail: { data: { UserName: [{ wildcard: 'VSPHERE.LOCAL\\\\*' }] } } },
    event: routerEvent,
    matches: true,
  },
  // Anything-but.
  {
    behaviour: 'anything-but a string',
    pattern: { detail: { state: [{ 'anything-but': 'initializing' }] } },
    event: ec2Event,
    matches: true,
  },
  {
    behaviour: 'anything-but the value itself',
    pattern: { detail: { state: [{ 'anything-but': 'running' }] } },
    event: ec2Event,
    matches: false,
  },
  {
    behaviour: 'anything-but a number',
    pattern: { detail: { 'x-limit': [{ 'anything-but': 123 }] } },
    event: ec2Event,
    matches: true,
  },
  {
    behaviour: 'anything-but a list of strings',
    pattern: { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } },
    event: ec2Event,
    matches: true,
  },
  {
    behaviour: 'anything-but a list of strings holding the value',
    pattern: { detail: { state: [{ 'anything-but': ['stopped', 'running'] }] } },
    event: ec2Event,
    matches: false,
  },
  {
    behaviour: 'anything-but a list of numbers',
    pattern: { detail: { 'c-count': [{ 'anything-but': [100, 200, 300] }] } },
    event: ec2Event,
    matches: true,
  },
  {
    behaviour: 'anything-but a list of numbers holding the value',
    pattern: { detail: { 'c-count': [{ 'anything-but': [4, 5, 6] }] } },
    event: ec2Event,
    matches: false,
  },
  {
    behaviour: 'anything-but does not match a missing field',
    pattern: { detail: { missing: [{ 'anything-but': 'x' }] } },
    event: ec2Event,
    matches: false,
  },
  {
    behaviour: 'anything-but a prefix',
    pattern: { source: [{ 'anything-but': { prefix: 'aws.' } }] },
    event: routerEvent,
    matches: true,
  },
  {
    behaviour: 'anything-but a prefix the value has',
    pattern: { detail: { state: [{ 'anything-but': { prefix: 'run' } }] } },
    event: ec2Event,
    matches: false,
  },
  {
    behaviour: 'anything-but a suffix the value has',
    pattern: { detail: { subject: [{ 'anything-but': { suffix: 'Event' } }] } },
    event: routerEvent,
    matches: false,
  },
  {
    behaviour: 'anything-but a suffix the value lacks',
    pattern: { detail: { subject: [{ 'anything-but': { suffix: '.png' } }] } },
    event: routerEvent,
    matches: true,
  },
  {
    behaviour: 'anything-but equals-ignore-case excludes every casing',
    pattern: { detail: { state: [{ 'anything-but': { 'equals-ignore-case': 'RUNNING' } }] } },
    event: ec2Event,
    matches: false,
  },
  {
    behaviour: 'anything-but equals-ignore-case with a list',
    pattern: {
      detail: { state: [{ 'anything-but': { 'equals-ignore-case': ['STOPPED', 'Pending'] } }] },
    },
    event: ec2Event,
    matches: true,
  },
  {
    behaviour: 'anything-but a wildcard the value fits',
    pattern: { detail: { file: [{ 'anything-but': { wildcard: '*/lib/*' } }] } },
    event: { detail: { file: '/usr/lib/libc.so' } },
    matches: false,
  },
  {
    behaviour: 'anything-but a wildcard the value does not fit',
    pattern: { detail: { file: [{ 'anything-but': { wildcard: '*/lib/*' } }] } },
    event: { detail: { file: '/usr/bin/ls' } },
    matches: true,
  },
  {
    behaviour: 'anything-but over an event array: some element outside the exclusion',
    pattern: { resources: [{ 'anything-but': 'VirtualMachine:vm-56' }] },
    event: routerEvent,
    matches: true,
  },
  {
    behaviour: 'anything-but a string prefix does not exclude a number',
    pattern: { detail: { 'c-count': [{ 'anything-but': { prefix: '5' } }] } },
    event: ec2Event,
    matches: true,
  },
  // Numeric.
  {
    behaviour: 'numeric ranges on several fields',
    pattern: {
      detail: {
        'c-count': [{ numeric: ['>', 0, '<=', 5] }],
        'd-count': [{ numeric: ['<', 10] }],
        'x-limit': [{ numeric: ['=', 3.018e2] }],
      },
    },
    event: ec2Event,
    matches: true,
  },
  {
    behaviour: 'numeric: an open upper bound excludes the bound',
    pattern: { detail: { 'c-count': [{ numeric: ['>', 0, '<', 5] }] } },
    event: ec2Event,
    matches: false,
  },
  {
    behaviour: 'numeric: >= includes the bound',
    pattern: { detail: { 'c-count': [{ numeric: ['>=', 5] }] } },
    event: ec2Event,
    matches: true,
  },
  {
    behaviour: 'numeric does not match a string that looks like a number',
    pattern: { detail: { n: [{ numeric: ['>', 0] }] } },
    event: { detail: { n: '5' } },
    matches: false,
  },
  {
    behaviour: 'numeric with a negative range',
    pattern: { detail: { n: [{ numeric: ['>=', -10.5, '<', 0] }] } },
    event: { detail: { n: -0.25 } },
    matches: true,
  },
  // IP addresses.
  {
    behaviour: 'cidr: an IPv4 address inside the network',
    pattern: { detail: { 'source-ip': [{ cidr: '10.0.0.0/24' }] } },
    event: ec2Event,
    matches: true,
  },
  {
    behaviour: 'cidr: an IPv4 address outside the network',
    pattern: { detail: { 'source-ip': [{ cidr: '10.0.1.0/24' }] } },
    event: ec2Event,
    matches: false,
  },
  {
    behaviour: 'cidr: IPv6',
    pattern: { detail: { ip: [{ cidr: '2001:db8::/32' }] } },
    event: { detail: { ip: '2001:db8:0:1::5' } },
    matches: true,
  },
  {
    behaviour: 'cidr: a value that is not an address does not match',
    pattern: { detail: { ip: [{ cidr: '10.0.0.0/8' }] } },
    event: { detail: { ip: 'vc01.example.com' } },
    matches: false,
  },
  // Exists.
  {
    behaviour: 'exists: false on a field the event lacks',
    pattern: { detail: { 'c-count': [{ exists: false }] } },
    event: {
      'detail-type': 'EC2 Instance State-change Notification',
      detail: { state: ['initializing', 'running'] },
    },
    matches: true,
  },
  {
    behaviour: 'exists: false holds when the field is an object (not a leaf)',
    pattern: { detail: { 'c-count': [{ exists: false }] } },
    event: { detail: { state: 'running', 'c-count': { c1: 100 } } },
    matches: true,
  },
  {
    behaviour: 'exists: false on a field the event has',
    pattern: { detail: { 'c-count': [{ exists: false }] } },
    event: ec2Event,
    matches: false,
  },
  {
    behaviour: 'exists: true on a field the event has',
    pattern: { detail: { description: [{ exists: true }] } },
    event: { detail: { description: 'text' } },
    matches: true,
  },
  {
    behaviour: 'exists: true on a field whose value is null (null is a value)',
    pattern: { detail: { data: { Ds: [{ exists: true }] } } },
    event: routerEvent,
    matches: true,
  },
  {
    behaviour: 'exists: true on a missing field',
    pattern: { detail: { description: [{ exists: true }] } },
    event: ec2Event,
    matches: false,
  },
  {
    behaviour: 'exists: false when even the parent object is missing',
    pattern: { detail: { data: { Net: { Name: [{ exists: false }] } } } },
    event: routerEvent,
    matches: true,
  },
  // $or.
  {
    behaviour: '$or: source and (metricName or namespace), second alternative',
    pattern: {
      source: ['aws.cloudwatch'],
      $or: [
        { metricName: ['CPUUtilization', 'ReadLatency'] },
        { namespace: ['AWS/EC2', 'AWS/ES'] },
      ],
    },
    event: { source: 'aws.cloudwatch', namespace: 'AWS/EC2' },
    matches: true,
  },
  {
    behaviour: '$or: no alternative matches',
    pattern: {
      source: ['aws.cloudwatch'],
      $or: [
        { metricName: ['CPUUtilization', 'ReadLatency'] },
        { namespace: ['AWS/EC2', 'AWS/ES'] },
      ],
    },
    event: { source: 'aws.cloudwatch', namespace: 'AWS/RDS' },
    matches: false,
  },
  {
    behaviour: '$or with an and inside an alternative',
    pattern: {
      source: ['aws.cloudwatch'],
      $or: [
        { metricName: ['CPUUtilization'] },
        { metricType: ['MetricType'], namespace: ['AWS/EC2', 'AWS/ES'] },
        { scope: ['Service'] },
      ],
    },
    event: { source: 'aws.cloudwatch', metricType: 'MetricType', namespace: 'AWS/ES' },
    matches: true,
  },
  {
    behaviour: '$or alternative with an and: half of it is not enough',
    pattern: {
      $or: [
        { metricName: ['CPUUtilization'] },
        { metricType: ['MetricType'], namespace: ['AWS/EC2'] },
      ],
    },
    event: { metricType: 'MetricType', namespace: 'AWS/ES' },
    matches: false,
  },
  {
    behaviour: '$or nested inside an alternative',
    pattern: {
      source: ['aws.cloudwatch'],
      $or: [
        { metricName: ['CPUUtilization'] },
        { metricType: ['MetricType'], $or: [{ metricId: [1234] }, { spaceId: [1000] }] },
      ],
    },
    event: { source: 'aws.cloudwatch', metricType: 'MetricType', spaceId: 1000 },
    matches: true,
  },
  {
    behaviour: '$or inside a nested object applies at that level',
    pattern: {
      detail: { $or: [{ subject: ['VmPoweredOnEvent'] }, { subject: ['VmPoweredOffEvent'] }] },
    },
    event: routerEvent,
    matches: true,
  },
  {
    behaviour: '$or with exists: false in one alternative',
    pattern: { detail: { $or: [{ owner: ['alice'] }, { owner: [{ exists: false }] }] } },
    event: routerEvent,
    matches: true,
  },
  {
    behaviour: '"$or" holding an object is an ordinary field name',
    pattern: { source: ['aws.cloudwatch'], $or: { metricType: ['MetricType'] } },
    event: { source: 'aws.cloudwatch', $or: { metricType: 'MetricType' } },
    matches: true,
  },
  {
    behaviour: '"$or" holding operators is an ordinary field name',
    pattern: { $or: [{ numeric: ['=', 123] }, { prefix: 'abc' }] },
    event: { $or: 'abcdef' },
    matches: true,
  },
  // Nesting and the router's own events.
  {
    behaviour: 'deeply nested fields of the CloudEvent data',
    pattern: {
      source: [{ prefix: 'https://vc01.' }],
      'detail-type': ['VmPoweredOffEvent', 'VmPoweredOnEvent'],
      detail: { data: { Vm: { Vm: { Value: ['vm-56'] } } } },
    },
    event: routerEvent,
    matches: true,
  },
  {
    behaviour: 'a nested pattern against a scalar in the event does not match',
    pattern: { detail: { subject: { Name: ['x'] } } },
    event: routerEvent,
    matches: false,
  },
  {
    behaviour: 'a field named like an Object prototype member is not found on every object',
    pattern: { detail: { constructor: [{ exists: true }] } },
    event: routerEvent,
    matches: false,
  },
  {
    behaviour: 'an empty pattern object matches every event',
    pattern: {},
    event: routerEvent,
    matches: true,
  },
];

interface BadRow {
  behaviour: string;
  pattern: string;
  /** What the message must say (the operator or field named). */
  message: RegExp;
  path: string;
}

const badRows: BadRow[] = [
  {
    behaviour: 'an operator the language does not have',
    pattern: '{"detail": {"subject": [{"contains": "Vm"}]}}',
    message: /detail\.subject: unsupported operator "contains"/,
    path: 'detail.subject',
  },
  {
    behaviour: 'a nested operator anything-but does not take',
    pattern: '{"source": [{"anything-but": {"numeric": [">", 1]}}]}',
    message: /source: unsupported operator "anything-but.numeric"/,
    path: 'source',
  },
  {
    behaviour: 'not JSON',
    pattern: '{"source": [',
    message: /event pattern: not valid JSON/,
    path: '',
  },
  {
    behaviour: 'a pattern that is not an object',
    pattern: '["aws.ec2"]',
    message: /must be a JSON object, not an array/,
    path: '',
  },
  {
    behaviour: 'a value that is not in an array',
    pattern: '{"source": "aws.ec2"}',
    message: /source: must be an array of values or a nested object, not string "aws.ec2"/,
    path: 'source',
  },
  {
    behaviour: 'an empty value array',
    pattern: '{"detail": {"state": []}}',
    message: /detail\.state: an empty value array/,
    path: 'detail.state',
  },
  {
    behaviour: 'two operators in one matcher object',
    pattern: '{"source": [{"prefix": "a", "suffix": "b"}]}',
    message: /exactly one operator \(got "prefix", "suffix"\)/,
    path: 'source',
  },
  {
    behaviour: 'exists with a string',
    pattern: '{"detail": {"x": [{"exists": "yes"}]}}',
    message: /detail\.x: "exists" takes true or false/,
    path: 'detail.x',
  },
  {
    behaviour: 'numeric with an unknown comparison',
    pattern: '{"detail": {"n": [{"numeric": ["!=", 1]}]}}',
    message: /"numeric" has an unknown comparison "!="/,
    path: 'detail.n',
  },
  {
    behaviour: 'numeric with two lower bounds',
    pattern: '{"detail": {"n": [{"numeric": [">", 1, ">=", 2]}]}}',
    message: /one lower and one upper bound/,
    path: 'detail.n',
  },
  {
    behaviour: 'numeric with a string bound',
    pattern: '{"detail": {"n": [{"numeric": [">", "1"]}]}}',
    message: /"numeric" compares with numbers/,
    path: 'detail.n',
  },
  {
    behaviour: 'a cidr without a prefix length',
    pattern: '{"detail": {"ip": [{"cidr": "10.0.0.1"}]}}',
    message: /"cidr" needs an address\/prefix-length, not "10.0.0.1"/,
    path: 'detail.ip',
  },
  {
    behaviour: 'a cidr prefix longer than the address',
    pattern: '{"detail": {"ip": [{"cidr": "10.0.0.0/33"}]}}',
    message: /"cidr" needs an address\/prefix-length/,
    path: 'detail.ip',
  },
  {
    behaviour: 'wildcard with consecutive asterisks',
    pattern: '{"source": [{"wildcard": "a**b"}]}',
    message: /"wildcard" has consecutive wildcard characters/,
    path: 'source',
  },
  {
    behaviour: 'wildcard with consecutive asterisks after an escaped one',
    pattern: '{"source": [{"wildcard": "a\\\\***b"}]}',
    message: /"wildcard" has consecutive wildcard characters/,
    path: 'source',
  },
  {
    behaviour: 'wildcard escaping something other than * or \\',
    pattern: '{"source": [{"wildcard": "a\\\\nb"}]}',
    message: /"wildcard" may escape only/,
    path: 'source',
  },
  {
    behaviour: 'anything-but mixing strings and numbers',
    pattern: '{"source": [{"anything-but": ["a", 1]}]}',
    message: /"anything-but" takes a list of only strings or only numbers/,
    path: 'source',
  },
  {
    behaviour: '$or with a single alternative',
    pattern: '{"$or": [{"source": ["a"]}]}',
    message: /\$or: "\$or" needs at least two alternatives/,
    path: '$or',
  },
  {
    behaviour: 'a problem inside an $or alternative names the alternative',
    pattern: '{"$or": [{"source": ["a"]}, {"source": [{"contains": "b"}]}]}',
    message: /\$or\[1\]\.source: unsupported operator "contains"/,
    path: '$or[1].source',
  },
  {
    behaviour: 'prefix with a nested operator other than equals-ignore-case',
    pattern: '{"source": [{"prefix": {"wildcard": "a*"}}]}',
    message: /"prefix" does not take "wildcard"/,
    path: 'source',
  },
];

describe('EventBridge event patterns', () => {
  describe('match as AWS documents', () => {
    for (const row of rows) {
      it(`${row.matches ? 'matches' : 'does not match'}: ${row.behaviour}`, () => {
        const pattern = EventPattern.parse(JSON.stringify(row.pattern));
        assert.equal(pattern.matches(row.event), row.matches);
      });
    }
  });

  describe('reject what they cannot compile, naming the field and operator', () => {
    for (const row of badRows) {
      it(row.behaviour, () => {
        assert.throws(
          () => EventPattern.parse(row.pattern),
          (error: unknown) => {
            assert.ok(error instanceof EventPatternError, String(error));
            assert.match(error.message, row.message);
            assert.equal(error.path, row.path);
            return true;
          },
        );
      });
    }
  });

  it('keeps the rule text it was compiled from', () => {
    const text = '{"source": ["aws.ec2"]}';
    assert.equal(EventPattern.parse(text).source, text);
  });
});
