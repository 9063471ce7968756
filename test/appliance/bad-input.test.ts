// A bad or missing property stops the setup before it changes anything, and says which
// property and why on the console banner and in the setup log.
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
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

describe('first-boot setup with bad input', () => {
  let appliance: ApplianceRoot;

  beforeEach(() => {
    appliance = makeApplianceRoot();
  });
  afterEach(() => appliance.cleanup());

  function setupFrom(document: string | undefined, useVmtoolsd = false): number {
    if (document !== undefined) writeFileSync(appliance.ovfEnvFile, document);
    return runSetup({
      root: appliance.root,
      ovfEnvFile: useVmtoolsd ? undefined : appliance.ovfEnvFile,
      runLiveCommands: true,
      env: appliance.env,
      echo: quiet,
    });
  }

  const banner = () => readUnder(appliance, 'etc/issue.d/vmware-event-router.issue');
  const log = () => readUnder(appliance, 'var/log/vmware-event-router-setup.log');

  /** Only the log and the banner exist besides the test's own /etc/passwd; no command ran. */
  function assertNothingChanged(): void {
    const paths = filesUnder(appliance.root).map((file) => file.path);
    assert.deepEqual(paths.sort(), [
      '/etc/issue.d/vmware-event-router.issue',
      '/etc/passwd',
      '/var/log/vmware-event-router-setup.log',
    ]);
    assert.deepEqual(recordedCalls(appliance), []);
    assert.match(banner(), /SETUP FAILED/);
    assert.match(banner(), /Nothing was changed\./);
  }

  it('reports a missing OVF environment (vmtoolsd has none) and changes nothing', () => {
    assert.equal(setupFrom(undefined, true), 2);
    assertNothingChanged();
    assert.match(banner(), /OVF environment from vmtoolsd: none was given to this VM/);
    assert.match(log(), /problem: OVF environment from vmtoolsd: none was given/);
  });

  it('reads the OVF environment from vmtoolsd when no file is given', () => {
    writeFileSync(appliance.ovfEnvFile, ovfEnvironment(staticOpenFaasProperties()));
    assert.equal(setupFrom(undefined, true), 0);
    assert.ok(existsSync(join(appliance.root, 'etc/vmware-event-router/config.json')));
  });

  it('reports a document that is not well-formed XML', () => {
    assert.equal(setupFrom('<Environment><PropertySection><Property oe:key="a"'), 2);
    assertNothingChanged();
    assert.match(banner(), /not well-formed XML/);
  });

  it('reports a missing required property by name', () => {
    const properties = { ...staticOpenFaasProperties(), vcenter_server: '' };
    assert.equal(setupFrom(ovfEnvironment(properties)), 2);
    assertNothingChanged();
    assert.match(banner(), /^ {2}- vcenter_server: is required$/m);
  });

  it('reports every bad property at once, not only the first', () => {
    const properties = {
      ...staticOpenFaasProperties(),
      netmask: '33',
      gateway: 'router',
      dns: '',
      hostname: 'bad_name',
      vcenter_thumbprint: 'not-hex',
      event_processor_type: 'Kafka',
    };
    assert.equal(setupFrom(ovfEnvironment(properties)), 2);
    assertNothingChanged();
    for (const expected of [
      'hostname: must be a host name of letters, digits and hyphens, such as router01',
      'netmask: must be a prefix length from 1 to 32',
      'gateway: must be an IPv4 address such as 192.168.1.10',
      'dns: is required when ipaddress is set (leave ipaddress empty for DHCP)',
      'vcenter_thumbprint: must be a SHA-256 (or SHA-1) fingerprint in hex, colons optional',
      'event_processor_type: must be OpenFaaS or AWS EventBridge',
    ]) {
      assert.ok(banner().includes(`  - ${expected}\n`), `banner lacks: ${expected}`);
      assert.ok(log().includes(`problem: ${expected}\n`), `log lacks: ${expected}`);
    }
  });

  it('refuses a certificate fingerprint together with skipping the certificate check', () => {
    const properties = {
      ...staticOpenFaasProperties(),
      vcenter_disable_tls_verification: 'True',
      vcenter_thumbprint: 'AB'.repeat(32),
    };
    assert.equal(setupFrom(ovfEnvironment(properties)), 2);
    assertNothingChanged();
    assert.match(
      banner(),
      /vcenter_thumbprint: cannot be used with vcenter_disable_tls_verification/,
    );
  });

  it('requires the EventBridge properties when EventBridge is chosen', () => {
    const properties = {
      ...dhcpEventBridgeProperties(),
      aws_eb_access_secret: '',
      aws_eb_arn: '',
    };
    assert.equal(setupFrom(ovfEnvironment(properties)), 2);
    assertNothingChanged();
    assert.match(
      banner(),
      /aws_eb_access_secret: is required when event_processor_type is AWS EventBridge/,
    );
    assert.match(banner(), /aws_eb_arn: is required when event_processor_type is AWS EventBridge/);
  });

  it('refuses a proxy with a path or with credentials inside the URL', () => {
    const properties = {
      ...staticOpenFaasProperties(),
      http_proxy: 'http://proxy.corp:3128/path',
      https_proxy: 'http://user:Secret-In-Url@proxy.corp:3128',
    };
    assert.equal(setupFrom(ovfEnvironment(properties)), 2);
    assertNothingChanged();
    assert.match(banner(), /http_proxy: must be a URL such as http:\/\/proxy\.example\.com:3128/);
    assert.match(banner(), /https_proxy: must not contain a user name or password/);
    assert.ok(!banner().includes('Secret-In-Url') && !log().includes('Secret-In-Url'));
  });

  it('refuses an OpenFaaS password the gateway would trim, without showing it', () => {
    const properties = { ...staticOpenFaasProperties(), openfaas_password: ' padded-secret ' };
    assert.equal(setupFrom(ovfEnvironment(properties)), 2);
    assert.match(banner(), /openfaas_password: must not begin or end with a space/);
    assert.ok(!banner().includes('padded-secret') && !log().includes('padded-secret'));
  });

  it('refuses a root password with a line break, which chpasswd would cut', () => {
    const properties = { ...staticOpenFaasProperties(), root_password: 'first\nsecond' };
    assert.equal(setupFrom(ovfEnvironment(properties)), 2);
    assertNothingChanged();
    assert.match(banner(), /root_password: must not contain a line break/);
  });

  it('says the appliance is partly configured when a command fails half way', () => {
    appliance.env.STANDIN_FAIL = 'chpasswd';
    assert.equal(setupFrom(ovfEnvironment(staticOpenFaasProperties())), 1);
    assert.match(banner(), /chpasswd --root \S+ \(set the root password\) failed: exit 1/);
    assert.match(banner(), /PARTLY configured/);
    assert.equal(
      existsSync(join(appliance.root, 'var/lib/vmware-event-router-setup/done')),
      false,
    );
  });

  it('stops before writing when the image lacks the router user', () => {
    writeFileSync(join(appliance.root, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/bash\n');
    assert.equal(setupFrom(ovfEnvironment(staticOpenFaasProperties())), 1);
    assertNothingChanged();
    assert.match(banner(), /the system user vmware-event-router is missing/);
  });
});
