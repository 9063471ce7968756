import assert from 'node:assert/strict';

import {
  describeConfig,
  eventBusName,
  formatDurationMs,
  parseConfig,
  parseDurationMs,
  parseEventBridgeRuleArn,
  redactConfig,
  splitHostPort,
} from '../../router/src/config';
import { fixtureText } from '../fixtures/config/fixtures';

describe('config values: durations', () => {
  it('reads Go durations', () => {
    const cases: [string, number][] = [
      ['0', 0],
      ['500ms', 500],
      ['5s', 5_000],
      ['1m30s', 90_000],
      ['24h', 86_400_000],
      ['1.5h', 5_400_000],
      ['2h45m0.5s', 9_900_500],
      ['.5s', 500],
      ['1500us', 2], // rounded to whole milliseconds
      ['3000000ns', 3],
    ];
    for (const [text, ms] of cases) assert.equal(parseDurationMs(text), ms, text);
  });

  it('reads numbers of seconds, native or in a string', () => {
    assert.equal(parseDurationMs(30), 30_000);
    assert.equal(parseDurationMs('30'), 30_000);
    assert.equal(parseDurationMs(0.1), 100);
  });

  it('refuses what Go would refuse, and negative durations', () => {
    for (const value of ['', 's', '5 s', '1d', '-5s', '+5s', '5S', '1h-5m', -1, NaN, true, null]) {
      assert.equal(parseDurationMs(value), undefined, String(value));
    }
  });

  it('formats milliseconds in their shortest exact Go form', () => {
    assert.deepEqual([0, 100, 1_000, 90_000, 300_000, 86_400_000, 1_500].map(formatDurationMs), [
      '0s',
      '100ms',
      '1s',
      '90s',
      '5m',
      '24h',
      '1500ms',
    ]);
  });
});

describe('config values: EventBridge ARNs', () => {
  it('reads the rule name and the bus of a rule ARN', () => {
    assert.deepEqual(
      parseEventBridgeRuleArn('arn:aws:events:eu-central-1:123456789012:rule/vmware-event-router'),
      {
        partition: 'aws',
        region: 'eu-central-1',
        account: '123456789012',
        eventBus: 'default',
        ruleName: 'vmware-event-router',
      },
    );
    assert.deepEqual(
      parseEventBridgeRuleArn(
        'arn:aws-us-gov:events:us-gov-west-1:123456789012:rule/vsphere/power',
      ),
      {
        partition: 'aws-us-gov',
        region: 'us-gov-west-1',
        account: '123456789012',
        eventBus: 'vsphere',
        ruleName: 'power',
      },
    );
  });

  it('keeps the slashes of a partner bus name', () => {
    const arn = 'arn:aws:events:us-east-1:123456789012:rule/aws.partner/example.com/123/bus/r1';
    assert.equal(parseEventBridgeRuleArn(arn)?.eventBus, 'aws.partner/example.com/123/bus');
    assert.equal(parseEventBridgeRuleArn(arn)?.ruleName, 'r1');
  });

  it('refuses ARNs of other services and of other resources', () => {
    for (const arn of [
      'arn:aws:sns:eu-central-1:123456789012:topic',
      'arn:aws:events:eu-central-1:123456789012:event-bus/default',
      'arn:aws:events:eu-central-1:1234:rule/x',
      'vmware-event-router',
    ]) {
      assert.equal(parseEventBridgeRuleArn(arn), undefined, arn);
    }
  });

  it('takes the bus name out of an event-bus ARN', () => {
    assert.equal(
      eventBusName('arn:aws:events:eu-central-1:123456789012:event-bus/vsphere'),
      'vsphere',
    );
    assert.equal(eventBusName('vsphere'), 'vsphere');
  });
});

describe('config values: listen addresses', () => {
  it('splits host and port', () => {
    assert.deepEqual(splitHostPort('127.0.0.1:8082'), { host: '127.0.0.1', port: 8082 });
    assert.deepEqual(splitHostPort('[::1]:9090'), { host: '::1', port: 9090 });
    assert.deepEqual(splitHostPort(':8082'), { host: '', port: 8082 });
    assert.deepEqual(splitHostPort('metrics.local:80'), { host: 'metrics.local', port: 80 });
  });

  it('refuses addresses without a usable port', () => {
    for (const address of ['127.0.0.1', '127.0.0.1:0', '127.0.0.1:65536', '::1:80', 'a b:80']) {
      assert.equal(splitHostPort(address), undefined, address);
    }
  });
});

describe('config values: describing a config for the log', () => {
  const config = parseConfig(fixtureText('readme-example.json'), 'readme-example.json');
  const secrets = [
    'example-vc-password',
    'example-of-password',
    'example-aws-secret',
    'AKIAIOSFODNN7EXAMPLE',
  ];

  it('replaces every password and secret key by ***', () => {
    const line = describeConfig(config);
    for (const secret of secrets) assert.ok(!line.includes(secret), secret);
    const shown = JSON.parse(line);
    assert.equal(shown.streams[0].password, '***');
    assert.equal(shown.processors[0].auth.password, '***');
    assert.deepEqual(shown.processors[1].credentials, {
      accessKeyId: '***MPLE',
      secretAccessKey: '***',
    });
  });

  it('keeps what an operator needs to recognise the setup', () => {
    const shown = JSON.parse(describeConfig(config));
    assert.equal(shown.streams[0].address, 'https://vc01.example.com/sdk');
    assert.equal(shown.streams[0].username, 'administrator@vsphere.local');
    assert.equal(shown.processors[0].auth.username, 'admin');
    assert.equal(shown.processors[0].timeoutMs, 15_000);
  });

  it('hides the metrics password and leaves the config itself untouched', () => {
    const withMetricsAuth = parseConfig(fixtureText('appliance-openfaas.json'), 'a.json');
    const redacted = redactConfig(withMetricsAuth);
    assert.equal(redacted.metrics?.auth?.password, '***');
    assert.equal(withMetricsAuth.metrics?.auth?.password, 'VMware1!-appliance-root');
    assert.equal(withMetricsAuth.streams[0].password, 'VMware1!-appliance-vc');
  });
});
