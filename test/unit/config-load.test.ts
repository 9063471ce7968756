import assert from 'node:assert/strict';
import { chmodSync } from 'node:fs';
import path from 'node:path';

import {
  configFileWarnings,
  loadConfigFile,
  loadConfigFileWithWarnings,
  parseConfig,
  parseConfigWithWarnings,
  type EventBridgeProcessorConfig,
  type OpenFaasProcessorConfig,
} from '../../router/src/config';
import {
  eventBridgeEntry,
  fixtureDir,
  fixtureText,
  metricsEntry,
  openFaasEntry,
  stdoutEntry,
  tempDir,
  vcenterEntry,
  withOptions,
  writeConfig,
  type Entry,
} from '../fixtures/config/fixtures';

const parse = (entries: Entry[]) => parseConfig(JSON.stringify(entries), 'test.json');

describe('config: defaults of every provider', () => {
  it('fills in every vCenter stream option and names the stream after the host', () => {
    const [stream] = parse([vcenterEntry(), stdoutEntry()]).streams;
    assert.deepEqual(stream, {
      name: 'vc01.example.com',
      address: 'https://vc01.example.com/sdk',
      username: 'administrator@vsphere.local',
      password: 'vc-secret-password',
      tls: { insecure: false },
      checkpoint: true,
      pollIntervalMs: 1_000,
      pageSize: 100,
      startFrom: { kind: 'now' },
      maxReplayAgeMs: 86_400_000,
      maxBufferedEvents: 1_000_000,
    });
  });

  const commonDefaults = {
    retry: { initialBackoffMs: 1_000, maxBackoffMs: 300_000, maxRetryAgeMs: 86_400_000 },
    concurrency: 1,
  };

  it('fills in the stdout processor, with or without auth none', () => {
    for (const entry of [stdoutEntry(), { ...stdoutEntry(), auth: { method: 'none' } }]) {
      const [processor] = parse([vcenterEntry(), entry]).processors;
      assert.deepEqual(processor, { name: 'stdout', provider: 'stdout', ...commonDefaults });
    }
  });

  it('fills in the OpenFaaS processor', () => {
    const [processor] = parse([vcenterEntry(), openFaasEntry()]).processors;
    assert.deepEqual(processor, {
      name: 'openfaas',
      provider: 'openfaas',
      address: 'http://127.0.0.1:8080',
      auth: { username: 'admin', password: 'of-secret-password' },
      async: false,
      timeoutMs: 15_000,
      topicRefreshIntervalMs: 10_000,
      ...commonDefaults,
    });
  });

  it('takes an OpenFaaS gateway without auth, or with auth none, as unauthenticated', () => {
    const { auth: _, ...withoutAuth } = openFaasEntry();
    for (const entry of [withoutAuth, { ...withoutAuth, auth: { method: 'none' } }]) {
      const processor = parse([vcenterEntry(), entry]).processors[0] as OpenFaasProcessorConfig;
      assert.equal(processor.auth, undefined);
    }
  });

  it('fills in the EventBridge processor', () => {
    const [processor] = parse([vcenterEntry(), eventBridgeEntry()]).processors;
    assert.deepEqual(processor, {
      name: 'aws_event_bridge',
      provider: 'aws_event_bridge',
      region: 'eu-central-1',
      eventBus: 'default',
      ruleArn: 'arn:aws:events:eu-central-1:123456789012:rule/vmware-event-router',
      credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'aws-secret-key' },
      ruleRefreshIntervalMs: 300_000,
      timeoutMs: 15_000,
      ...commonDefaults,
    });
  });

  it('leaves EventBridge credentials to the SDK with aws_iam_role', () => {
    const entry = { ...eventBridgeEntry(), auth: { method: 'aws_iam_role' } };
    const processor = parse([vcenterEntry(), entry]).processors[0] as EventBridgeProcessorConfig;
    assert.equal(processor.credentials, undefined);
  });

  it('takes the event bus from the rule ARN when aws_eventbridge_event_bus is left out', () => {
    const entry = eventBridgeEntry();
    entry.options = {
      aws_region: 'eu-central-1',
      aws_eventbridge_rule_arn: 'arn:aws:events:eu-central-1:123456789012:rule/vsphere/power',
    };
    const processor = parse([vcenterEntry(), entry]).processors[0] as EventBridgeProcessorConfig;
    assert.equal(processor.eventBus, 'vsphere');
  });

  it('accepts the bus as an event-bus ARN matching the rule', () => {
    const entry = withOptions(eventBridgeEntry(), {
      aws_eventbridge_event_bus: 'arn:aws:events:eu-central-1:123456789012:event-bus/default',
    });
    const processor = parse([vcenterEntry(), entry]).processors[0] as EventBridgeProcessorConfig;
    assert.equal(processor.eventBus, 'arn:aws:events:eu-central-1:123456789012:event-bus/default');
  });

  it('reads the metrics server, as provider internal or default', () => {
    for (const provider of ['internal', 'default']) {
      const config = parse([vcenterEntry(), stdoutEntry(), { ...metricsEntry(), provider }]);
      assert.deepEqual(config.metrics, { address: '127.0.0.1:8082' });
    }
    const withAuth = {
      ...metricsEntry(),
      auth: { method: 'basic_auth', secret: { username: 'admin', password: 'metrics-pw' } },
    };
    assert.deepEqual(parse([vcenterEntry(), stdoutEntry(), withAuth]).metrics, {
      address: '127.0.0.1:8082',
      auth: { username: 'admin', password: 'metrics-pw' },
    });
  });

  it('has no metrics server when there is no metrics entry', () => {
    assert.equal(parse([vcenterEntry(), stdoutEntry()]).metrics, undefined);
  });
});

describe('config: option values as strings and as JSON values', () => {
  it('reads the same config from native values and from strings', () => {
    const options = { baseDir: fixtureDir };
    const native = parseConfig(fixtureText('every-option-native.json'), 'native.json', options);
    const strings = parseConfig(fixtureText('every-option-strings.json'), 'strings.json', options);
    assert.deepEqual(strings, native);
  });

  it('converts every option of the full fixture', () => {
    const config = parseConfig(fixtureText('every-option-native.json'), 'native.json', {
      baseDir: fixtureDir,
    });
    const [prod, lab] = config.streams;
    assert.deepEqual(prod.tls, {
      insecure: false,
      caFile: path.join(fixtureDir, 'vcenter-ca.pem'),
    });
    assert.equal(prod.checkpoint, false);
    assert.equal(prod.pollIntervalMs, 500);
    assert.equal(prod.pageSize, 500);
    assert.deepEqual(prod.startFrom, { kind: 'time', time: new Date('2026-01-31T07:00:00.250Z') });
    assert.equal(prod.maxReplayAgeMs, 3_600_000);
    assert.equal(prod.maxBufferedEvents, 50_000);
    assert.equal(
      lab.tls.thumbprint,
      '3A:5F:0C:9E:11:22:33:44:55:66:77:88:99:AA:BB:CC:' +
        'DD:EE:FF:00:01:02:03:04:05:06:07:08:09:0A:0B:0C',
    );
    assert.deepEqual(lab.startFrom, { kind: 'beginning' });
    const faas = config.processors[0] as OpenFaasProcessorConfig;
    assert.deepEqual(
      [faas.name, faas.async, faas.timeoutMs, faas.topicRefreshIntervalMs, faas.concurrency],
      ['faas-a', true, 30_000, 60_000, 8],
    );
    assert.deepEqual(faas.retry, {
      initialBackoffMs: 250,
      maxBackoffMs: 120_000,
      maxRetryAgeMs: 7_200_000,
    });
    const bridge = config.processors[2] as EventBridgeProcessorConfig;
    assert.deepEqual(
      [bridge.eventBus, bridge.endpoint, bridge.ruleRefreshIntervalMs, bridge.timeoutMs],
      ['vsphere-events', 'http://127.0.0.1:4010', 600_000, 5_000],
    );
    assert.deepEqual(config.metrics, { address: '[::1]:9090' });
  });

  it("accepts every boolean spelling of Go's strconv.ParseBool", () => {
    const spellings: [unknown, boolean][] = [
      ...['true', 'True', 'TRUE', 't', 'T', '1', true].map((v): [unknown, boolean] => [v, true]),
      ...['false', 'False', 'FALSE', 'f', 'F', '0', false].map((v): [unknown, boolean] => [
        v,
        false,
      ]),
    ];
    for (const [value, expected] of spellings) {
      const entry = withOptions(vcenterEntry(), { insecure: value });
      assert.equal(parse([entry, stdoutEntry()]).streams[0].tls.insecure, expected, String(value));
    }
  });

  it('reads Go durations and seconds', () => {
    const cases: [unknown, number][] = [
      ['1m30s', 90_000],
      ['1.5s', 1_500],
      ['100ms', 100],
      ['250000us', 250],
      ['250000µs', 250],
      ['1h', 3_600_000],
      [2, 2_000],
      ['2', 2_000],
      [0.25, 250],
    ];
    for (const [value, ms] of cases) {
      const entry = withOptions(vcenterEntry(), { poll_interval: value });
      assert.equal(parse([entry, stdoutEntry()]).streams[0].pollIntervalMs, ms, String(value));
    }
  });

  it('gives each entry its name', () => {
    const config = parse([
      { ...vcenterEntry(), name: 'vc-a' },
      { ...vcenterEntry(), name: 'vc-b' },
      { ...openFaasEntry(), name: 'faas-1' },
      { ...openFaasEntry(), name: 'faas-2' },
    ]);
    assert.deepEqual(
      [...config.streams, ...config.processors].map((entry) => entry.name),
      ['vc-a', 'vc-b', 'faas-1', 'faas-2'],
    );
  });

  it('reads start_from times with offsets, lower-case separators and fine fractions', () => {
    const cases: [string, string][] = [
      ['2026-01-31T08:00:00Z', '2026-01-31T08:00:00.000Z'],
      ['2026-01-31t08:00:00z', '2026-01-31T08:00:00.000Z'],
      ['2026-01-31 08:00:00-05:30', '2026-01-31T13:30:00.000Z'],
      ['2026-01-31T08:00:00.123456789Z', '2026-01-31T08:00:00.123Z'],
    ];
    for (const [value, iso] of cases) {
      const entry = withOptions(vcenterEntry(), { start_from: value });
      const { startFrom } = parse([entry, stdoutEntry()]).streams[0];
      assert.deepEqual(startFrom, { kind: 'time', time: new Date(iso) }, value);
    }
  });

  it('reads a file that starts with a byte order mark', () => {
    const text = `\uFEFF${JSON.stringify([vcenterEntry(), stdoutEntry()])}`;
    assert.equal(parseConfig(text, 'bom.json').streams.length, 1);
  });
});

describe("config: the original appliance's files load unchanged", () => {
  for (const name of ['appliance-openfaas.json', 'appliance-eventbridge.json']) {
    it(`loads ${name} as the appliance's first boot wrote it`, () => {
      const config = parseConfig(fixtureText(name), name);
      assert.equal(config.streams.length, 1);
      assert.equal(config.processors.length, 1);
      assert.deepEqual(config.metrics?.address, '0.0.0.0:8080');
      assert.equal(config.metrics?.auth?.username, 'admin');
    });
  }

  it('reads the OVF property spelling "True" of insecure', () => {
    const config = parseConfig(fixtureText('appliance-openfaas.json'), 'appliance-openfaas.json');
    assert.equal(config.streams[0].tls.insecure, true);
    assert.equal(config.streams[0].name, 'vcsa.lab.example.com');
    const openfaas = config.processors[0] as OpenFaasProcessorConfig;
    assert.equal(openfaas.address, 'http://gateway.openfaas:8080');
    assert.equal(openfaas.async, false);
  });

  it('names a stream addressed by IP and port after the IP', () => {
    const config = parseConfig(fixtureText('appliance-eventbridge.json'), 'eventbridge.json');
    assert.equal(config.streams[0].name, '10.0.0.1');
    assert.equal(config.streams[0].tls.insecure, false);
  });

  it('loads the example of the README with both processors', () => {
    const config = parseConfig(fixtureText('readme-example.json'), 'readme-example.json');
    assert.deepEqual(
      config.processors.map((processor) => processor.name),
      ['openfaas', 'aws_event_bridge'],
    );
    assert.deepEqual(config.metrics, { address: '127.0.0.1:8082' });
  });
});

describe('config: files and warnings', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = tempDir()));
  afterEach(() => cleanup());

  it('loads a file and resolves ca_file next to it', () => {
    const ca = writeConfig(dir, 'ca.pem', fixtureText('vcenter-ca.pem'));
    const entry = withOptions(vcenterEntry(), { ca_file: 'ca.pem' });
    const file = writeConfig(dir, 'router.json', [entry, stdoutEntry()]);
    const { config, warnings } = loadConfigFileWithWarnings(file);
    assert.equal(config.streams[0].tls.caFile, ca);
    assert.deepEqual(warnings, []);
  });

  it('warns when the file is readable by group or others', () => {
    const file = writeConfig(dir, 'router.json', [vcenterEntry(), stdoutEntry()]);
    chmodSync(file, 0o644);
    assert.deepEqual(loadConfigFileWithWarnings(file).warnings, [
      `config ${file} is readable by group or others (mode 644) and holds secrets; ` +
        `run: chmod 600 ${file}`,
    ]);
    chmodSync(file, 0o660);
    assert.match(configFileWarnings(file)[0], /is readable and writable by group or others/);
    chmodSync(file, 0o600);
    assert.deepEqual(configFileWarnings(file), []);
  });

  it('warns about a key given twice and keeps the last, as JSON.parse and Go do', () => {
    const text = `[
  {"type": "stream", "provider": "vmware_vcenter", "address": "https://vc01.example.com/sdk",
   "auth": {"method": "user_password",
            "secret": {"username": "first", "username": "second", "password": "pw"}}},
  {"type": "processor", "provider": "stdout"}
]`;
    const { config, warnings } = parseConfigWithWarnings(text, 'dup.json');
    assert.equal(config.streams[0].username, 'second');
    assert.deepEqual(warnings, [
      'entry 1 (stream vmware_vcenter): auth.secret.username appears twice (line 4, column 45); ' +
        'the last one counts',
    ]);
  });

  it('loadConfigFile returns the same config as parseConfig', () => {
    const file = writeConfig(dir, 'router.json', fixtureText('readme-example.json'));
    assert.deepEqual(loadConfigFile(file), parseConfig(fixtureText('readme-example.json'), file));
  });
});
