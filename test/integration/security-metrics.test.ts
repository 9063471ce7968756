// The metrics endpoint of the real router process (router/dist/main.js, through
// test/support/router-process.ts) refuses every request without its credentials when the
// config gives it some: every path, every method, every near miss of the Basic header, and
// again after a SIGHUP reload. The stream points at a closed port on 127.0.0.1: no vCenter is
// needed to serve metrics.
import assert from 'node:assert/strict';
import net from 'node:net';

import {
  routerFiles,
  startRouter,
  type RouterFiles,
  type RouterProcess,
} from '../support/router-process';

const username = 'prometheus';
// A colon in the password: only the first colon of the credentials separates the user name.
const password = 'Metr1cs:S3cret&pw';

const basic = (credentials: string) => `Basic ${Buffer.from(credentials).toString('base64')}`;

/** Authorization headers that must all be refused; undefined is no header at all. */
const refused: [string, string | undefined][] = [
  ['no header', undefined],
  ['an empty header', ''],
  ['the wrong password', basic(`${username}:wrong`)],
  ['the wrong user name', basic(`admin:${password}`)],
  ['the password without its last character', basic(`${username}:${password.slice(0, -1)}`)],
  ['the password with one character more', basic(`${username}:${password}x`)],
  ['no password', basic(`${username}:`)],
  ['no colon', basic(`${username}${password}`)],
  ['only the password', basic(password)],
  ['the credentials in plain text', `Basic ${username}:${password}`],
  ['another scheme', `Bearer ${Buffer.from(`${username}:${password}`).toString('base64')}`],
  ['a header that is not base64', 'Basic !!!not base64!!!'],
  ['the scheme alone', 'Basic'],
];

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('security: the metrics endpoint with credentials', function () {
  this.timeout(60_000);
  let files: RouterFiles;
  let router: RouterProcess;
  let base: string;

  before(async () => {
    const [metricsPort, closedPort] = [await freePort(), await freePort()];
    files = routerFiles([
      {
        type: 'stream',
        provider: 'vmware_vcenter',
        address: `https://127.0.0.1:${closedPort}/sdk`,
        auth: { method: 'user_password', secret: { username: 'u', password: 'vc-password' } },
      },
      { type: 'processor', provider: 'stdout' },
      {
        type: 'metrics',
        provider: 'default',
        address: `127.0.0.1:${metricsPort}`,
        auth: { method: 'basic_auth', secret: { username, password } },
      },
    ]);
    base = `http://127.0.0.1:${metricsPort}`;
    router = startRouter(files);
    await router.waitForLog(/serving \/stats/);
  });

  after(async () => {
    await router?.stop();
    files?.remove();
  });

  async function ask(path: string, authorization: string | undefined, method = 'GET') {
    const response = await fetch(base + path, {
      method,
      headers: authorization === undefined ? {} : { authorization },
    });
    return { status: response.status, headers: response.headers, body: await response.text() };
  }

  async function assertRefusesAll(): Promise<void> {
    for (const path of ['/healthz', '/stats', '/metrics', '/', '/no-such-page']) {
      for (const method of ['GET', 'HEAD', 'POST']) {
        for (const [what, authorization] of refused) {
          const answer = await ask(path, authorization, method);
          assert.equal(answer.status, 401, `${method} ${path} with ${what}`);
          assert.match(String(answer.headers.get('www-authenticate')), /^Basic realm=/);
          assert.doesNotMatch(answer.body, /vmware_event_router|vmware\.event\.router|memstats/);
        }
      }
    }
  }

  async function assertServesWithCredentials(): Promise<void> {
    const right = basic(`${username}:${password}`);
    const stats = await ask('/stats', right);
    assert.equal(stats.status, 200);
    assert.ok('vmware.event.router.stats' in JSON.parse(stats.body));
    const metrics = await ask('/metrics', right);
    assert.equal(metrics.status, 200);
    assert.match(metrics.body, /vmware_event_router_/);
    // 503 here: the stream cannot connect; what matters is that it is not 401.
    assert.notEqual((await ask('/healthz', right)).status, 401);
  }

  it('refuses every path and method without the right credentials, serves with them', async () => {
    await assertRefusesAll();
    await assertServesWithCredentials();
  });

  it('still refuses after a SIGHUP reload (a new server on the same registry)', async () => {
    const served = () => router.logs.filter((line) => line.includes('serving /stats')).length;
    const before = served();
    router.signal('SIGHUP');
    const until = Date.now() + 30_000;
    while (served() === before) {
      if (Date.now() > until) throw new Error(`no reload:\n${router.logs.slice(-10).join('\n')}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await assertRefusesAll();
    await assertServesWithCredentials();
    assert.equal(router.child.exitCode, null, 'the router still runs');
  });
});
