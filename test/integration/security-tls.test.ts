// TLS verification is on unless the config turns it off: a router given a vCenter whose
// self-signed certificate it has no reason to trust (no ca_file, a ca_file of another
// authority, a wrong thumbprint) never sends the credentials. vcsim logs a
// UserLoginSessionEvent for every successful Login, and the password is right, so a Login that
// got through would show in its history; the trusted stream proves that it would.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

import {
  routerFiles,
  startRouter,
  type RouterFiles,
  type RouterProcess,
} from '../support/router-process';
import { startVcsim, vcsimBinaryPath, type Vcsim } from '../support/vcsim';
import { VcsimSoapClient } from '../support/vcsim-soap';

const otherAuthority = path.resolve(__dirname, '../fixtures/config/vcenter-ca.pem');

function stream(vcsim: Vcsim, name: string, options: Record<string, unknown>) {
  return {
    type: 'stream',
    provider: 'vmware_vcenter',
    name,
    address: vcsim.sdkUrl,
    auth: {
      method: 'user_password',
      secret: { username: vcsim.username, password: vcsim.password },
    },
    options: { poll_interval: '100ms', start_from: 'now', ...options },
  };
}

/** Logins vCenter saw, read with a session of our own (which is one of them). */
async function loginsSeen(vcsim: Vcsim): Promise<number> {
  const client = await VcsimSoapClient.loggedIn(vcsim);
  const collector = await client.createCollectorForEvents();
  const history = await client.readToEnd(collector, 1000);
  await client.destroyCollector(collector);
  await client.logout();
  return history.filter((event) => event.type === 'UserLoginSessionEvent').length;
}

describe('security: no credentials to a vCenter that is not trusted', function () {
  this.timeout(120_000);
  let vcsim: Vcsim;
  let files: RouterFiles | undefined;
  let router: RouterProcess | undefined;

  before(function () {
    if (!fs.existsSync(vcsimBinaryPath())) this.skip(); // `make vcsim` builds it
  });

  beforeEach(async () => {
    vcsim = await startVcsim();
  });

  afterEach(async () => {
    await router?.stop();
    router = undefined;
    files?.remove();
    files = undefined;
    await vcsim.stop();
  });

  function countOf(r: RouterProcess, pattern: RegExp): number {
    return r.logs.filter((line) => pattern.test(line)).length;
  }

  it('sends no Login without ca_file, with another CA, or with a wrong thumbprint', async () => {
    files = routerFiles([
      stream(vcsim, 'no-trust', {}),
      stream(vcsim, 'other-ca', { ca_file: otherAuthority }),
      stream(vcsim, 'wrong-pin', { thumbprint: 'AB'.repeat(32) }),
      { type: 'processor', provider: 'stdout' },
    ]);
    const r = startRouter(files, ['--log-level', 'debug']);
    router = r;
    // Two attempts each: the retry does not fall back to an unverified connection either.
    const deadline = Date.now() + 60_000;
    const failures = () => [
      countOf(r, /no-trust.*TLS|TLS.*no-trust/),
      countOf(r, /other-ca.*TLS|TLS.*other-ca/),
      countOf(r, /wrong-pin.*TLS|TLS.*wrong-pin/),
    ];
    while (failures().some((count) => count < 2)) {
      if (Date.now() > deadline) {
        throw new Error(`TLS failures ${failures()}; log:\n${r.logs.slice(-20).join('\n')}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.ok(r.logs.some((line) => /certificate pin mismatch/.test(line)));
    assert.ok(r.logs.some((line) => /self-signed certificate/.test(line)));
    await r.stop();
    assert.equal(await loginsSeen(vcsim), 1, 'only our own session logged in');
    assert.equal(r.events.length, 0);
  });

  it('logs in once the certificate is trusted (the check above can see a Login)', async () => {
    files = routerFiles([
      stream(vcsim, 'trusted', { ca_file: vcsim.caFile }),
      { type: 'processor', provider: 'stdout' },
    ]);
    const r = startRouter(files);
    router = r;
    await r.waitForLog(/\[vcenter\] connected/);
    await r.stop();
    assert.equal(await loginsSeen(vcsim), 2, 'the router and our own session');
  });
});
