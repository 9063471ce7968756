// One scenario per kind of problem, each with the exact sentence an operator sees.
import assert from 'node:assert/strict';
import path from 'node:path';

import { ConfigError, loadConfigFile, parseConfig } from '../../router/src/config';
import {
  eventBridgeEntry,
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

function problemsOfText(text: string, baseDir?: string): string[] {
  try {
    parseConfig(text, 'router.json', { baseDir });
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    assert.equal(error.origin, 'router.json');
    return error.problems;
  }
  assert.fail('the config was accepted');
}

const problemsOf = (entries: unknown[], baseDir?: string) =>
  problemsOfText(JSON.stringify(entries, null, 2), baseDir);

/** Problems of a config whose only odd part is `entry`, placed second after a valid stream. */
const problemsOfProcessor = (entry: Entry) => problemsOf([vcenterEntry(), entry]);
const problemsOfStream = (entry: Entry, baseDir?: string) =>
  problemsOf([entry, stdoutEntry()], baseDir);

describe('config problems: the file', () => {
  it('names line and column of a JSON syntax error', () => {
    const text = '[\n  {"type": "stream",\n   "provider": "vmware_vcenter",}\n]';
    assert.deepEqual(problemsOfText(text), [
      'invalid JSON at line 3, column 33: a comma before } is not allowed in JSON',
    ]);
  });

  it('says a missing comma between entries is missing', () => {
    const text = '[\n  {"type": "stream"}\n  {"type": "processor"}\n]';
    assert.deepEqual(problemsOfText(text), [
      "invalid JSON at line 3, column 3: expected ',' or ']' after an array element",
    ]);
  });

  it('rejects a document that is not an array', () => {
    assert.deepEqual(problemsOf({ type: 'stream' } as unknown as unknown[]), [
      'the configuration must be a JSON array of entries',
    ]);
  });

  it('asks for a stream and a processor in an empty array', () => {
    assert.deepEqual(problemsOf([]), [
      'no stream entry: at least one stream (vmware_vcenter) is required',
      'no processor entry: at least one processor (stdout, openfaas, aws_event_bridge) is ' +
        'required',
    ]);
  });

  it('says when a file cannot be read', () => {
    const { dir, cleanup } = tempDir();
    const missing = path.join(dir, 'absent.json');
    try {
      assert.throws(
        () => loadConfigFile(missing),
        (error: unknown) =>
          error instanceof ConfigError &&
          error.origin === missing &&
          error.problems.join() === 'the file cannot be read (ENOENT)',
      );
    } finally {
      cleanup();
    }
  });

  it('reports every problem of a file at once, in file order', () => {
    const problems = problemsOf([
      { ...openFaasEntry(), auth: { method: 'token' } },
      withOptions(vcenterEntry(), { page_size: 0 }),
      { ...stdoutEntry(), colour: 'blue' },
    ]);
    assert.deepEqual(problems, [
      'entry 1 (processor openfaas): auth.method must be one of basic_auth, none',
      'entry 2 (stream vmware_vcenter): options.page_size must be an integer from 1 to 1000',
      'entry 3 (processor stdout): unknown field "colour"',
    ]);
  });
});

describe('config problems: entries', () => {
  it('rejects an entry that is not an object', () => {
    assert.deepEqual(problemsOf([vcenterEntry(), stdoutEntry(), 'metrics']), [
      'entry 3 must be an object',
    ]);
  });

  it('asks for type and provider', () => {
    assert.deepEqual(problemsOf([vcenterEntry(), stdoutEntry(), {}]), [
      'entry 3: type is required',
      'entry 3: provider is required',
    ]);
  });

  it('names the types there are', () => {
    assert.deepEqual(
      problemsOf([vcenterEntry(), stdoutEntry(), { ...stdoutEntry(), type: 'sink' }]),
      ['entry 3 (sink stdout): type must be one of stream, processor, metrics'],
    );
  });

  it('names the providers of a type', () => {
    assert.deepEqual(problemsOfProcessor({ type: 'processor', provider: 'kafka' }), [
      'entry 2 (processor kafka): provider must be one of stdout, openfaas, aws_event_bridge',
    ]);
    assert.deepEqual(
      problemsOf([{ ...vcenterEntry(), provider: 'vmware_vcsim' }, stdoutEntry()]),
      ['entry 1 (stream vmware_vcsim): provider must be one of vmware_vcenter'],
    );
  });

  it('rejects an unknown field and suggests the one meant', () => {
    const { address, ...rest } = vcenterEntry();
    assert.deepEqual(problemsOfStream({ ...rest, adress: address }), [
      'entry 1 (stream vmware_vcenter): address is required',
      'entry 1 (stream vmware_vcenter): unknown field "adress" (did you mean "address"?)',
    ]);
  });

  it('rejects a field the provider does not take', () => {
    assert.deepEqual(problemsOfProcessor({ ...stdoutEntry(), address: 'http://127.0.0.1:1' }), [
      'entry 2 (processor stdout): address does not apply to processor stdout',
    ]);
  });

  it('asks for the auth of a vCenter', () => {
    const { auth: _, ...entry } = vcenterEntry();
    assert.deepEqual(problemsOfStream(entry), [
      'entry 1 (stream vmware_vcenter): auth is required',
    ]);
  });

  it('names the allowed auth methods', () => {
    const entry = { ...openFaasEntry(), auth: { method: 'oauth' } };
    assert.deepEqual(problemsOfProcessor(entry), [
      'entry 2 (processor openfaas): auth.method must be one of basic_auth, none',
    ]);
  });

  it('asks for the secret of basic_auth and for each of its fields', () => {
    assert.deepEqual(problemsOfProcessor({ ...openFaasEntry(), auth: { method: 'basic_auth' } }), [
      'entry 2 (processor openfaas): auth.secret is required',
    ]);
    const entry = {
      ...openFaasEntry(),
      auth: { method: 'basic_auth', secret: { username: 'a' } },
    };
    assert.deepEqual(problemsOfProcessor(entry), [
      'entry 2 (processor openfaas): auth.secret.password is required',
    ]);
  });

  it('rejects a secret where the method takes none', () => {
    const entry = { ...eventBridgeEntry(), auth: { method: 'aws_iam_role', secret: {} } };
    assert.deepEqual(problemsOfProcessor(entry), [
      'entry 2 (processor aws_event_bridge): auth.secret must be left out when auth.method is ' +
        'aws_iam_role',
    ]);
  });

  it('rejects an unknown secret field and suggests the one meant', () => {
    const entry = vcenterEntry();
    entry.auth = {
      method: 'user_password',
      secret: { username: 'a', password: 'b', pasword: 'c' },
    };
    assert.deepEqual(problemsOfStream(entry), [
      'entry 1 (stream vmware_vcenter): unknown field "auth.secret.pasword" (did you mean ' +
        '"password"?)',
    ]);
  });

  it('rejects values of the wrong JSON type', () => {
    assert.deepEqual(problemsOfStream({ ...vcenterEntry(), auth: 'user_password' }), [
      'entry 1 (stream vmware_vcenter): auth must be an object',
    ]);
    assert.deepEqual(problemsOfStream({ ...vcenterEntry(), address: 443 }), [
      'entry 1 (stream vmware_vcenter): address must be an http or https URL such as ' +
        'https://vc01.example.com/sdk',
    ]);
  });

  it('rejects an empty user name', () => {
    const entry = vcenterEntry();
    entry.auth = { method: 'user_password', secret: { username: '', password: 'b' } };
    assert.deepEqual(problemsOfStream(entry), [
      'entry 1 (stream vmware_vcenter): auth.secret.username must not be empty',
    ]);
  });
});

describe('config problems: options', () => {
  it('rejects an unknown option and suggests the one meant', () => {
    assert.deepEqual(problemsOfProcessor(withOptions(openFaasEntry(), { asynch: 'true' })), [
      'entry 2 (processor openfaas): unknown option "asynch" (did you mean "async"?)',
    ]);
  });

  it('lists the known options when nothing is close', () => {
    assert.deepEqual(problemsOfProcessor(withOptions(stdoutEntry(), { colour: 'blue' })), [
      'entry 2 (processor stdout): unknown option "colour"; known options: concurrency, ' +
        'max_retry_age, max_backoff, initial_backoff',
    ]);
  });

  it('rejects options on the metrics server, which takes none', () => {
    const problems = problemsOf([
      vcenterEntry(),
      stdoutEntry(),
      withOptions(metricsEntry(), { path: '/stats' }),
    ]);
    assert.deepEqual(problems, [
      'entry 3 (metrics internal): unknown option "path" (it takes none)',
    ]);
  });

  it('asks for the required EventBridge options', () => {
    const entry = eventBridgeEntry();
    entry.options = { aws_eventbridge_event_bus: 'default' };
    assert.deepEqual(problemsOfProcessor(entry), [
      'entry 2 (processor aws_event_bridge): options.aws_region is required',
      'entry 2 (processor aws_event_bridge): options.aws_eventbridge_rule_arn is required',
    ]);
    const { options: _, ...withoutOptions } = eventBridgeEntry();
    assert.deepEqual(problemsOfProcessor(withoutOptions), [
      'entry 2 (processor aws_event_bridge): options is required',
    ]);
  });

  it('rejects a boolean that is not true or false', () => {
    assert.deepEqual(problemsOfStream(withOptions(vcenterEntry(), { insecure: 'yes' })), [
      'entry 1 (stream vmware_vcenter): options.insecure must be true or false',
    ]);
  });

  it('rejects an integer out of range, as a number and as a string, and a fraction', () => {
    for (const value of [5000, '5000', 0, '0', 2.5, '2.5', '1e3']) {
      assert.deepEqual(
        problemsOfStream(withOptions(vcenterEntry(), { page_size: value })),
        ['entry 1 (stream vmware_vcenter): options.page_size must be an integer from 1 to 1000'],
        String(value),
      );
    }
  });

  it('rejects a duration that is not one', () => {
    for (const value of ['5 s', '5sec', '-1s', '1d', '', true]) {
      assert.deepEqual(
        problemsOfProcessor(withOptions(openFaasEntry(), { timeout: value })),
        [
          'entry 2 (processor openfaas): options.timeout must be a duration from 100ms to 1h, ' +
            'such as "15s"',
        ],
        String(value),
      );
    }
  });

  it('rejects a duration out of range, as a number and as a string', () => {
    for (const value of ['2h', 7200, '50ms', 0.05]) {
      assert.deepEqual(
        problemsOfProcessor(withOptions(openFaasEntry(), { timeout: value })),
        [
          'entry 2 (processor openfaas): options.timeout must be a duration from 100ms to 1h, ' +
            'such as "15s"',
        ],
        String(value),
      );
    }
  });

  it('rejects a backoff that starts above its cap', () => {
    const entry = withOptions(stdoutEntry(), { initial_backoff: '10s', max_backoff: '5s' });
    assert.deepEqual(problemsOfProcessor(entry), [
      'entry 2 (processor stdout): options.max_backoff (5s) must not be shorter than ' +
        'options.initial_backoff (10s)',
    ]);
  });

  it('rejects a thumbprint that is no SHA-256 or SHA-1 fingerprint', () => {
    for (const value of ['AB:CD', 'zz'.repeat(20), `${'ab'.repeat(20)}:`]) {
      assert.deepEqual(
        problemsOfStream(withOptions(vcenterEntry(), { thumbprint: value })),
        [
          'entry 1 (stream vmware_vcenter): options.thumbprint must be a SHA-256 or SHA-1 ' +
            'fingerprint in hex (64 or 40 digits, colons allowed)',
        ],
        value,
      );
    }
  });

  it('accepts a SHA-1 thumbprint in any case, with or without colons', () => {
    for (const value of ['ab'.repeat(20), Array(20).fill('aB').join(':')]) {
      const config = parseConfig(
        JSON.stringify([withOptions(vcenterEntry(), { thumbprint: value }), stdoutEntry()]),
        't.json',
      );
      assert.equal(config.streams[0].tls.thumbprint, Array(20).fill('AB').join(':'));
    }
  });

  it('rejects insecure next to a pin or a CA, which it would silently disable', () => {
    const dir = path.dirname(require.resolve('../fixtures/config/vcenter-ca.pem'));
    const entry = withOptions(vcenterEntry(), {
      insecure: 'true',
      thumbprint: 'ab'.repeat(20),
      ca_file: 'vcenter-ca.pem',
    });
    assert.deepEqual(problemsOfStream(entry, dir), [
      'entry 1 (stream vmware_vcenter): options.insecure turns certificate checks off, so ' +
        'options.thumbprint would be ignored; remove one of them',
      'entry 1 (stream vmware_vcenter): options.insecure turns certificate checks off, so ' +
        'options.ca_file would be ignored; remove one of them',
    ]);
  });

  it('rejects a ca_file that cannot be read or holds no certificate', () => {
    const { dir, cleanup } = tempDir();
    try {
      writeConfig(dir, 'not-a-cert.pem', 'hello');
      const missing = withOptions(vcenterEntry(), { ca_file: 'absent.pem' });
      assert.deepEqual(problemsOfStream(missing, dir), [
        `entry 1 (stream vmware_vcenter): options.ca_file ${path.join(dir, 'absent.pem')} ` +
          'cannot be read (ENOENT)',
      ]);
      const notCert = withOptions(vcenterEntry(), { ca_file: 'not-a-cert.pem' });
      assert.deepEqual(problemsOfStream(notCert, dir), [
        `entry 1 (stream vmware_vcenter): options.ca_file ${path.join(dir, 'not-a-cert.pem')} ` +
          'holds no PEM certificate',
      ]);
    } finally {
      cleanup();
    }
  });

  it('rejects a start_from that is no time', () => {
    for (const value of [
      'yesterday',
      '2026-02-30T00:00:00Z',
      '2026-01-31T24:00:00Z',
      '2026-01-31',
    ]) {
      assert.deepEqual(
        problemsOfStream(withOptions(vcenterEntry(), { start_from: value })),
        [
          'entry 1 (stream vmware_vcenter): options.start_from must be now, beginning or an ' +
            'RFC 3339 time such as 2026-01-31T08:00:00Z',
        ],
        value,
      );
    }
  });

  it('rejects a rule ARN of the wrong form', () => {
    const entry = withOptions(eventBridgeEntry(), {
      aws_eventbridge_rule_arn: 'arn:aws:sns:eu-central-1:123456789012:vmware-event-router',
    });
    assert.deepEqual(problemsOfProcessor(entry), [
      'entry 2 (processor aws_event_bridge): options.aws_eventbridge_rule_arn must be an ' +
        'EventBridge rule ARN such as arn:aws:events:eu-central-1:123456789012:rule/NAME',
    ]);
  });

  it('rejects a rule in another region or on another bus', () => {
    const entry = withOptions(eventBridgeEntry(), {
      aws_region: 'us-east-1',
      aws_eventbridge_event_bus: 'vsphere',
    });
    assert.deepEqual(problemsOfProcessor(entry), [
      'entry 2 (processor aws_event_bridge): options.aws_eventbridge_rule_arn is a rule in ' +
        'region eu-central-1, but options.aws_region is us-east-1',
      'entry 2 (processor aws_event_bridge): options.aws_eventbridge_rule_arn is a rule on ' +
        'event bus default, but options.aws_eventbridge_event_bus is vsphere',
    ]);
  });

  it('rejects a region that is none', () => {
    const entry = withOptions(eventBridgeEntry(), { aws_region: 'Frankfurt' });
    assert.deepEqual(problemsOfProcessor(entry), [
      'entry 2 (processor aws_event_bridge): options.aws_region must be an AWS region such as ' +
        'eu-central-1',
    ]);
  });

  it('rejects an endpoint that is no http URL', () => {
    const entry = withOptions(eventBridgeEntry(), { endpoint: 'events.internal:443' });
    assert.deepEqual(problemsOfProcessor(entry), [
      'entry 2 (processor aws_event_bridge): options.endpoint must be an http or https URL',
    ]);
  });
});

describe('config problems: addresses', () => {
  it('rejects a vCenter address that is not http or https', () => {
    assert.deepEqual(problemsOfStream({ ...vcenterEntry(), address: 'vc01.example.com' }), [
      'entry 1 (stream vmware_vcenter): address must be an http or https URL such as ' +
        'https://vc01.example.com/sdk',
    ]);
  });

  it('rejects credentials in a URL, without repeating it', () => {
    const address = 'https://root:vmware@vc01.example.com/sdk';
    assert.deepEqual(problemsOfStream({ ...vcenterEntry(), address }), [
      'entry 1 (stream vmware_vcenter): address must not hold a user name or password; put ' +
        'them in auth.secret',
    ]);
    assert.deepEqual(
      problemsOfProcessor({ ...openFaasEntry(), address: 'http://admin@gw:8080' }),
      [
        'entry 2 (processor openfaas): address must not hold a user name or password; put them ' +
          'in auth.secret',
      ],
    );
  });

  it('rejects a URL that does not parse', () => {
    assert.deepEqual(
      problemsOfProcessor({ ...openFaasEntry(), address: 'http://[gateway:8080' }),
      [
        'entry 2 (processor openfaas): address must be an http or https URL such as ' +
          'http://127.0.0.1:8080',
      ],
    );
  });

  it('rejects a metrics address without a port, or with one out of range', () => {
    for (const address of ['127.0.0.1', 'localhost:http']) {
      assert.deepEqual(
        problemsOf([vcenterEntry(), stdoutEntry(), { ...metricsEntry(), address }]),
        ['entry 3 (metrics internal): address must be host:port such as 127.0.0.1:8082'],
        address,
      );
    }
    assert.deepEqual(
      problemsOf([vcenterEntry(), stdoutEntry(), { ...metricsEntry(), address: '0.0.0.0:70000' }]),
      [
        'entry 3 (metrics internal): address must be host:port with a port from 1 to 65535, ' +
          'such as 127.0.0.1:8082',
      ],
    );
  });

  it('accepts a metrics address for every interface, as Go wrote it', () => {
    const config = parseConfig(
      JSON.stringify([vcenterEntry(), stdoutEntry(), { ...metricsEntry(), address: ':8082' }]),
      'm.json',
    );
    assert.equal(config.metrics?.address, ':8082');
  });
});

describe('config problems: between entries', () => {
  it('asks for distinct names when two streams follow the same vCenter host', () => {
    const second = { ...vcenterEntry(), address: 'https://vc01.example.com:8443/sdk' };
    assert.deepEqual(problemsOf([vcenterEntry(), second, stdoutEntry()]), [
      'entry 2 (stream vmware_vcenter): name "vc01.example.com" is already used by entry 1; ' +
        'give each stream its own "name"',
    ]);
  });

  it('asks for distinct names when two processors have the same provider', () => {
    assert.deepEqual(problemsOf([vcenterEntry(), openFaasEntry(), openFaasEntry()]), [
      'entry 3 (processor openfaas): name "openfaas" is already used by entry 2; give each ' +
        'processor its own "name"',
    ]);
  });

  it('rejects a name given twice', () => {
    const problems = problemsOf([
      vcenterEntry(),
      { ...openFaasEntry(), name: 'faas' },
      { ...stdoutEntry(), name: 'faas' },
    ]);
    assert.deepEqual(problems, [
      'entry 3 (processor stdout): name "faas" is already used by entry 2; give each processor ' +
        'its own "name"',
    ]);
  });

  it('rejects a name that would not fit a metric label or a log field', () => {
    assert.deepEqual(problemsOfProcessor({ ...stdoutEntry(), name: 'my processor' }), [
      "entry 2 (processor stdout): name must be 1 to 63 letters, digits, '.', '_' or '-', " +
        'starting with a letter or digit',
    ]);
  });

  it('lists problems between entries in file order with the others', () => {
    const problems = problemsOf([
      vcenterEntry(),
      openFaasEntry(),
      openFaasEntry(),
      withOptions(stdoutEntry(), { concurrency: 0 }),
    ]);
    assert.deepEqual(problems, [
      'entry 3 (processor openfaas): name "openfaas" is already used by entry 2; give each ' +
        'processor its own "name"',
      'entry 4 (processor stdout): options.concurrency must be an integer from 1 to 64',
    ]);
  });

  it('allows one metrics entry only', () => {
    const problems = problemsOf([vcenterEntry(), stdoutEntry(), metricsEntry(), metricsEntry()]);
    assert.deepEqual(problems, [
      'entry 4 (metrics internal): only one metrics entry is allowed (entry 3 is one)',
    ]);
  });

  it('asks for a processor when there is only a stream', () => {
    assert.deepEqual(problemsOf([vcenterEntry(), metricsEntry()]), [
      'no processor entry: at least one processor (stdout, openfaas, aws_event_bridge) is ' +
        'required',
    ]);
  });

  it('does not also say "no stream" when the only stream entry is broken', () => {
    assert.deepEqual(problemsOf([{ type: 'stream' }, stdoutEntry()]), [
      'entry 1 (stream): provider is required',
    ]);
  });
});

describe('config problems: secrets never appear', () => {
  const marker = 'Zq7-SECRET-MARKER';
  const leaks = (text: string) => text.includes(marker) || text.includes('7777777');

  function assertNoLeak(run: () => unknown): string[] {
    try {
      run();
    } catch (error) {
      assert.ok(error instanceof ConfigError);
      for (const text of [error.message, String(error.stack), ...error.problems]) {
        assert.ok(!leaks(text), `leaked: ${text}`);
      }
      return error.problems;
    }
    assert.fail('the config was accepted');
  }

  it('keeps secrets of wrong types and in wrong places out of every message', () => {
    const entries = [
      {
        ...vcenterEntry(),
        auth: { method: 'user_password', secret: { username: 'a', password: 7777777 } },
      },
      {
        ...vcenterEntry(),
        name: 'b',
        auth: { method: 'user_password', secret: { username: 'a', password: [marker] } },
      },
      {
        ...vcenterEntry(),
        name: 'c',
        auth: { method: 'user_password', secret: { username: 'a', password: { value: marker } } },
      },
      { ...vcenterEntry(), name: 'd', address: `https://root:${marker}@vc01.example.com/sdk` },
      {
        ...openFaasEntry(),
        auth: { method: 'none', secret: { username: 'a', password: marker } },
      },
      { ...openFaasEntry(), name: 'f', auth: { method: marker, secret: { password: marker } } },
      {
        ...eventBridgeEntry(),
        auth: {
          method: 'access_key',
          secret: { aws_access_key_id: 'AKIA', aws_secret_access_key: 7777777 },
        },
      },
      {
        ...eventBridgeEntry(),
        name: 'h',
        auth: { method: 'aws_iam_role', secret: { aws_secret_access_key: marker } },
      },
      withOptions({ ...stdoutEntry(), name: 'i' }, { concurrency: marker, timeout: marker }),
      {
        ...metricsEntry(),
        auth: {
          method: 'basic_auth',
          secret: { username: 'm', password: 7777777, extra: marker },
        },
      },
    ];
    const problems = assertNoLeak(() => parseConfig(JSON.stringify(entries), 'secrets.json'));
    assert.ok(problems.length >= entries.length, problems.join('\n'));
  });

  it('keeps secrets out of JSON syntax errors next to them', () => {
    const texts = [
      `[{"auth": {"secret": {"password": "${marker}" "x": 1}}}]`,
      `[{"auth": {"secret": {"password": "${marker}}}}]`,
      `[{"auth": {"secret": {"password": ${marker}}}}]`,
      `[{"auth": {"secret": {"password": '${marker}'}}}]`,
      `[{"auth": {"secret": {"password": "${marker}\u0001"}}}]`,
    ];
    for (const text of texts) assertNoLeak(() => parseConfig(text, 'syntax.json'));
  });

  it('keeps a secret pasted into the wrong option out of the message', () => {
    const { dir, cleanup } = tempDir();
    try {
      const file = writeConfig(
        dir,
        'router.json',
        fixtureText('readme-example.json').replace('"false"', `"${marker}"`),
      );
      const problems = assertNoLeak(() => loadConfigFile(file));
      assert.deepEqual(problems, [
        'entry 1 (stream vmware_vcenter): options.insecure must be true or false',
      ]);
    } finally {
      cleanup();
    }
  });
});
