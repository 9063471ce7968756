// appliance/bin/setup, as the oneshot unit runs it: the bash entry finds the router binary
// (here the real setup code run from source, through $VMWARE_EVENT_ROUTER_BIN), which asks
// the vmtoolsd stand-in for the OVF environment and exits with the setup's code.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  makeApplianceRoot,
  ovfEnvironment,
  readUnder,
  staticOpenFaasProperties,
  type ApplianceRoot,
} from './support/appliance-root';

const repo = resolve(__dirname, '../..');
const setupEntry = join(repo, 'appliance/bin/setup');
const routerFromSource = join(__dirname, 'support/vmware-event-router');

describe('appliance/bin/setup', () => {
  let appliance: ApplianceRoot;

  beforeEach(() => {
    appliance = makeApplianceRoot();
  });
  afterEach(() => appliance.cleanup());

  function runEntry(routerBinary: string) {
    return spawnSync(setupEntry, ['--root', appliance.root], {
      encoding: 'utf8',
      env: { ...appliance.env, VMWARE_EVENT_ROUTER_BIN: routerBinary },
    });
  }

  it('configures the appliance from the OVF environment vmtoolsd prints', () => {
    writeFileSync(appliance.ovfEnvFile, ovfEnvironment(staticOpenFaasProperties()));
    const run = runEntry(routerFromSource);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /setup completed/);
    const config = JSON.parse(readUnder(appliance, 'etc/vmware-event-router/config.json'));
    assert.equal(config[0].address, 'https://vc01.corp.example.com/sdk');
  });

  it('exits 2 and says why when vSphere passed no OVF environment', () => {
    const run = runEntry(routerFromSource);
    assert.equal(run.status, 2);
    assert.match(run.stdout, /problem: OVF environment from vmtoolsd: none was given/);
    assert.equal(existsSync(join(appliance.root, 'etc/vmware-event-router/config.json')), false);
  });

  it('names the router binary when it is missing', () => {
    const run = runEntry(join(appliance.dir, 'no-such-binary'));
    assert.equal(run.status, 1);
    assert.match(run.stderr, /the router binary .*no-such-binary is missing/);
  });
});
