// Values arrive exactly as typed, whatever they hold. Each of these broke the original
// appliance: a `DOMAIN\user` name broke its JSON, `&` in a password arrived as `&amp;`, a `$`
// in the root password aborted the setup, a quoted proxy hung the install.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { runSetup } from '../../router/src/setup/run-setup';
import {
  dhcpEventBridgeProperties,
  filesUnder,
  makeApplianceRoot,
  ovfEnvironment,
  readUnder,
  recordedCalls,
  staticOpenFaasProperties,
  type ApplianceRoot,
} from './support/appliance-root';

const quiet = new Writable({ write: (_chunk, _encoding, done) => done() });

/** Every character that broke the original, plus shell syntax and non-ASCII text. */
const nasty = [
  `a&b<c>"d'e$f\\g h$(touch /tmp/x)\`id\`;|*?%25`,
  `Ünïcödé €😀 &amp; ${'$'}{HOME}`,
].join(' ');
const secretNames = [
  'root_password',
  'vcenter_password',
  'openfaas_password',
  'proxy_password',
  'aws_eb_access_secret',
] as const;

/** A distinct value per property, so a swapped value would show. */
const valueFor = (name: string) => `${name}:${nasty}`;

describe('first-boot setup with special characters', () => {
  let appliance: ApplianceRoot;

  beforeEach(() => {
    appliance = makeApplianceRoot();
  });
  afterEach(() => appliance.cleanup());

  function setup(properties: Record<string, string>): number {
    writeFileSync(appliance.ovfEnvFile, ovfEnvironment(properties));
    return runSetup({
      root: appliance.root,
      ovfEnvFile: appliance.ovfEnvFile,
      runLiveCommands: true,
      env: appliance.env,
      echo: quiet,
    });
  }

  function withNastyValues(base: Record<string, string>): Record<string, string> {
    const properties: Record<string, string> = {
      ...base,
      http_proxy: 'http://proxy.corp.example.com:3128',
    };
    properties.proxy_username = valueFor('proxy_username');
    properties.vcenter_username = `CORP\\${valueFor('vcenter_username')}`;
    for (const name of secretNames) properties[name] = valueFor(name);
    return properties;
  }

  function assertSecretsStayed(properties: Record<string, string>): void {
    const secrets = secretNames.map((name) => properties[name] ?? '').filter((v) => v !== '');
    const log = readUnder(appliance, 'var/log/vmware-event-router-setup.log');
    const banner = readUnder(appliance, 'etc/issue.d/vmware-event-router.issue');
    const argv = recordedCalls(appliance).flatMap((call) => call.args);
    for (const secret of secrets) {
      assert.ok(!log.includes(secret), 'a secret reached the setup log');
      assert.ok(!banner.includes(secret), 'a secret reached the console banner');
      assert.ok(!argv.some((arg) => arg.includes(secret)), 'a secret reached a command line');
    }
    for (const file of filesUnder(appliance.root)) {
      if ((file.mode & 0o044) === 0) continue;
      for (const secret of secrets) {
        assert.ok(!file.content.includes(secret), `a secret is in readable ${file.path}`);
        const encoded = encodeURIComponent(secret).slice(0, 20);
        assert.ok(!file.content.includes(encoded), `an encoded secret is in ${file.path}`);
      }
    }
  }

  it('carries every value byte for byte with OpenFaaS', () => {
    const properties = withNastyValues(staticOpenFaasProperties());
    assert.equal(setup(properties), 0);

    const config = JSON.parse(readUnder(appliance, 'etc/vmware-event-router/config.json'));
    assert.deepEqual(config[0].auth.secret, {
      username: properties.vcenter_username,
      password: properties.vcenter_password,
    });
    assert.equal(config[1].auth.secret.password, properties.openfaas_password);
    assert.equal(
      readUnder(appliance, 'var/lib/faasd/secrets/basic-auth-password'),
      properties.openfaas_password,
    );
    const chpasswd = recordedCalls(appliance).find((call) => call.program === 'chpasswd');
    assert.equal(chpasswd?.stdin, `root:${properties.root_password}\n`);
    assertSecretsStayed(properties);
  });

  it('percent-encodes the proxy credentials so they decode to what was typed', () => {
    const properties = withNastyValues(staticOpenFaasProperties());
    assert.equal(setup(properties), 0);
    const environment = readUnder(appliance, 'etc/vmware-event-router/proxy.env');
    const match = /^HTTP_PROXY="([^"]*)"$/m.exec(environment);
    assert.ok(match?.[1] !== undefined, 'HTTP_PROXY is missing');
    assert.match(match[1], /^[A-Za-z0-9\-._~%:/@]+$/);
    const url = new URL(match[1]);
    assert.equal(decodeURIComponent(url.username), properties.proxy_username);
    assert.equal(decodeURIComponent(url.password), properties.proxy_password);
    assert.equal(url.host, 'proxy.corp.example.com:3128');
  });

  it('carries every value byte for byte with EventBridge', () => {
    const properties = withNastyValues(dhcpEventBridgeProperties());
    assert.equal(setup(properties), 0);
    const config = JSON.parse(readUnder(appliance, 'etc/vmware-event-router/config.json'));
    assert.equal(config[0].auth.secret.username, properties.vcenter_username);
    assert.equal(config[1].auth.secret.aws_secret_access_key, properties.aws_eb_access_secret);
    assertSecretsStayed(properties);
  });

  it('keeps tabs and line breaks typed into a vCenter password', () => {
    const properties = { ...staticOpenFaasProperties(), vcenter_password: 'line1\nline2\tend ' };
    assert.equal(setup(properties), 0);
    const config = JSON.parse(readUnder(appliance, 'etc/vmware-event-router/config.json'));
    assert.equal(config[0].auth.secret.password, 'line1\nline2\tend ');
  });

  it('trims quotes and spaces around pasted proxies and no_proxy lists', () => {
    const properties = {
      ...staticOpenFaasProperties(),
      http_proxy: '  "http://proxy.corp.example.com:3128"  ',
      https_proxy: "'https://proxy.corp.example.com:3129/' ",
      no_proxy: '"vc01.corp.example.com, .corp.example.com 10.0.0.0/8"',
    };
    assert.equal(setup(properties), 0);
    assert.equal(
      readUnder(appliance, 'etc/vmware-event-router/proxy.env'),
      '# Written by vmware-event-router-setup from the OVF properties.\n' +
        'http_proxy="http://proxy.corp.example.com:3128/"\n' +
        'HTTP_PROXY="http://proxy.corp.example.com:3128/"\n' +
        'https_proxy="https://proxy.corp.example.com:3129/"\n' +
        'HTTPS_PROXY="https://proxy.corp.example.com:3129/"\n' +
        'no_proxy="localhost,127.0.0.1,vc01.corp.example.com,.corp.example.com,10.0.0.0/8"\n' +
        'NO_PROXY="localhost,127.0.0.1,vc01.corp.example.com,.corp.example.com,10.0.0.0/8"\n',
    );
    assert.equal(
      readUnder(appliance, 'etc/systemd/system/containerd.service.d/10-proxy.conf'),
      '# Written by vmware-event-router-setup from the OVF properties.\n' +
        '[Service]\nEnvironmentFile=/etc/vmware-event-router/proxy.env\n',
    );
  });
});
