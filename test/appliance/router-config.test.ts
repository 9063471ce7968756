// The router config the setup writes is one the router's own loader accepts, carrying every
// value byte for byte, with no warning (its mode keeps the secrets to the router user).
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { loadConfigFileWithWarnings } from '../../router/src/config/load';
import { runSetup } from '../../router/src/setup/run-setup';
import {
  dhcpEventBridgeProperties,
  makeApplianceRoot,
  ovfEnvironment,
  staticOpenFaasProperties,
  type ApplianceRoot,
} from './support/appliance-root';

const quiet = new Writable({ write: (_chunk, _encoding, done) => done() });
const nasty = `a&b<c>"d'e$f\\g h Ünïcödé 😀`;
const thumbprint =
  '1A:2B:3C:4D:5E:6F:70:81:92:A3:B4:C5:D6:E7:F8:09:1A:2B:3C:4D:5E:6F:70:81:92:A3:B4:C5:D6:E7:F8:09';

describe('the router config written at first boot', () => {
  let appliance: ApplianceRoot;

  beforeEach(() => {
    appliance = makeApplianceRoot();
  });
  afterEach(() => appliance.cleanup());

  function setupAndLoad(properties: Record<string, string>) {
    writeFileSync(appliance.ovfEnvFile, ovfEnvironment(properties));
    const exitCode = runSetup({
      root: appliance.root,
      ovfEnvFile: appliance.ovfEnvFile,
      env: appliance.env,
      echo: quiet,
    });
    assert.equal(exitCode, 0);
    return loadConfigFileWithWarnings(join(appliance.root, 'etc/vmware-event-router/config.json'));
  }

  it('passes the loader for OpenFaaS, with the vCenter and gateway credentials intact', () => {
    const { config, warnings } = setupAndLoad({
      ...staticOpenFaasProperties(),
      vcenter_username: `CORP\\${nasty}`,
      vcenter_password: nasty,
      openfaas_password: `of-${nasty}`,
      vcenter_thumbprint: thumbprint,
    });
    assert.deepEqual(warnings, []);
    const [stream] = config.streams;
    assert.equal(stream?.address, 'https://vc01.corp.example.com/sdk');
    assert.equal(stream?.username, `CORP\\${nasty}`);
    assert.equal(stream?.password, nasty);
    assert.equal(stream?.tls.insecure, false);
    assert.equal(
      stream?.tls.thumbprint?.replace(/:/g, '').toUpperCase(),
      thumbprint.replace(/:/g, ''),
    );
    const [processor] = config.processors;
    assert.equal(processor?.provider, 'openfaas');
    if (processor?.provider !== 'openfaas') return;
    assert.equal(processor.address, 'http://127.0.0.1:8080');
    assert.deepEqual(processor.auth, { username: 'admin', password: `of-${nasty}` });
    assert.deepEqual(config.metrics, {
      address: '0.0.0.0:8082',
      auth: { username: 'admin', password: `of-${nasty}` },
    });
  });

  it('passes the loader for EventBridge, with the access key intact', () => {
    const { config, warnings } = setupAndLoad({
      ...dhcpEventBridgeProperties(),
      aws_eb_access_secret: nasty,
    });
    assert.deepEqual(warnings, []);
    const [processor] = config.processors;
    assert.equal(processor?.provider, 'aws_event_bridge');
    if (processor?.provider !== 'aws_event_bridge') return;
    assert.equal(processor.region, 'eu-central-1');
    assert.equal(processor.eventBus, 'vmware-events');
    assert.equal(
      processor.ruleArn,
      'arn:aws:events:eu-central-1:123456789012:rule/vmware-events/vm-changes',
    );
    assert.deepEqual(processor.credentials, {
      accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
      secretAccessKey: nasty,
    });
    assert.equal(config.metrics?.address, '127.0.0.1:8082');
    assert.equal(config.metrics?.auth, undefined);
  });
});
