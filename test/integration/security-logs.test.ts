// No secret in any log line, at any level, in either log format: the router process (test/
// support/router-process.ts) runs against vcsim, the OpenFaaS gateway stand-in and the
// EventBridge stand-in, with every credential right somewhere and wrong somewhere else (wrong
// vCenter password, an untrusted vCenter certificate, a gateway answering 401, EventBridge
// refusing a signature and an access key id), is reloaded with SIGHUP and stopped; its
// metrics endpoint is asked with and without credentials. Then every line it wrote, what the
// metrics endpoint answered, what status and dead-letters show and the database files are
// searched for every secret in every form a leak takes (test/fuzz/secret-forms.ts).
//
// Secret: the vCenter passwords, the OpenFaaS and metrics passwords (and their Basic headers),
// the AWS secret access keys and access key ids (the log may show an id's last four characters,
// as the config description does), and vCenter's session cookie.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { EventBridgeEndpoint } from '../stand-ins/eventbridge-endpoint';
import { OpenFaasGatewayStandIn } from '../stand-ins/openfaas-gateway';
import { leaks, secretsFoundIn, type Secret } from '../fuzz/secret-forms';
import {
  routerFiles,
  routerMain,
  startRouter,
  type RouterFiles,
  type RouterProcess,
} from '../support/router-process';
import { startVcsim, vcsimBinaryPath, type Vcsim } from '../support/vcsim';

const openFaasUser = 'admin';
const openFaasPassword = 'OpenFaaS-S3cret&"pw<1>';
const wrongOpenFaasPassword = 'Wr0ng-OpenFaaS-pw';
const accessKeyId = 'AKIASECURITYTEST0001';
const unknownAccessKeyId = 'AKIAUNKNOWNKEYID0002';
const secretAccessKey = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYSECRETKEY1';
const wrongSecretAccessKey = 'Wr0ngSecretKey/ABCDEFGHIJKLMNOPQRSTUVW2';
const wrongVcenterPassword = 'Wr0ng&<"vc>pass';
const metricsUser = 'prometheus';
const metricsPassword = 'Metrics-S3cret:pw';

function secretsOf(vcsim: Vcsim): Secret[] {
  return [
    { name: 'vCenter password', value: vcsim.password },
    { name: 'wrong vCenter password', value: wrongVcenterPassword },
    { name: 'OpenFaaS password', value: openFaasPassword, basicAuthUser: openFaasUser },
    { name: 'wrong OpenFaaS password', value: wrongOpenFaasPassword, basicAuthUser: openFaasUser },
    { name: 'AWS access key id', value: accessKeyId },
    { name: 'unknown AWS access key id', value: unknownAccessKeyId },
    { name: 'AWS secret access key', value: secretAccessKey },
    { name: 'wrong AWS secret access key', value: wrongSecretAccessKey },
    { name: 'metrics password', value: metricsPassword, basicAuthUser: metricsUser },
  ];
}

/** A free port on 127.0.0.1 for the metrics endpoint (the config needs a number). */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function stream(vcsim: Vcsim, name: string, password: string, options: object) {
  return {
    type: 'stream',
    provider: 'vmware_vcenter',
    name,
    address: vcsim.sdkUrl,
    auth: { method: 'user_password', secret: { username: vcsim.username, password } },
    options: { poll_interval: '100ms', start_from: 'beginning', ...options },
  };
}

function openFaas(name: string, gateway: OpenFaasGatewayStandIn, password: string) {
  return {
    type: 'processor',
    provider: 'openfaas',
    name,
    address: gateway.url,
    auth: { method: 'basic_auth', secret: { username: openFaasUser, password } },
    options: { topic_refresh_interval: '1s', initial_backoff: '50ms', max_backoff: '500ms' },
  };
}

function eventBridge(name: string, endpoint: EventBridgeEndpoint, keyId: string, key: string) {
  return {
    type: 'processor',
    provider: 'aws_event_bridge',
    name,
    auth: {
      method: 'access_key',
      secret: { aws_access_key_id: keyId, aws_secret_access_key: key },
    },
    options: {
      aws_region: endpoint.region,
      aws_eventbridge_event_bus: 'all',
      aws_eventbridge_rule_arn: endpoint.ruleArn('all-events', 'all'),
      endpoint: endpoint.url,
      rule_refresh_interval: '1s',
      timeout: '5s',
      initial_backoff: '50ms',
      max_backoff: '500ms',
    },
  };
}

describe('security: no secret in any log line', function () {
  this.timeout(120_000);
  let vcsim: Vcsim;
  let gateway: OpenFaasGatewayStandIn;
  let endpoint: EventBridgeEndpoint;
  let files: RouterFiles | undefined;
  let router: RouterProcess | undefined;

  before(function () {
    if (!fs.existsSync(vcsimBinaryPath())) this.skip(); // `make vcsim` builds it
  });

  beforeEach(async () => {
    vcsim = await startVcsim();
    gateway = new OpenFaasGatewayStandIn({
      credentials: { username: openFaasUser, password: openFaasPassword },
    });
    await gateway.start();
    gateway.deploy({ name: 'everything', annotations: { topic: '*' } });
    endpoint = await EventBridgeEndpoint.start({ accessKeyId, secretAccessKey });
    endpoint.setRule({
      name: 'all-events',
      eventBus: 'all',
      pattern: { source: [{ prefix: '' }] },
    });
  });

  afterEach(async () => {
    await router?.stop();
    router = undefined;
    files?.remove();
    files = undefined;
    await endpoint?.stop();
    await gateway?.stop();
    await vcsim?.stop();
  });

  async function everyCredentialRightAndWrong(metricsPort: number): Promise<unknown[]> {
    return [
      stream(vcsim, 'vc-good', vcsim.password, { ca_file: vcsim.caFile }),
      stream(vcsim, 'vc-wrong-password', wrongVcenterPassword, { ca_file: vcsim.caFile }),
      stream(vcsim, 'vc-untrusted', vcsim.password, {}),
      openFaas('faas-good', gateway, openFaasPassword),
      openFaas('faas-401', gateway, wrongOpenFaasPassword),
      eventBridge('eb-good', endpoint, accessKeyId, secretAccessKey),
      eventBridge('eb-bad-signature', endpoint, accessKeyId, wrongSecretAccessKey),
      eventBridge('eb-unknown-key', endpoint, unknownAccessKeyId, secretAccessKey),
      {
        type: 'metrics',
        provider: 'default',
        address: `127.0.0.1:${metricsPort}`,
        auth: {
          method: 'basic_auth',
          secret: { username: metricsUser, password: metricsPassword },
        },
      },
    ];
  }

  async function askMetrics(port: number): Promise<string[]> {
    const bodies: string[] = [];
    const right = `Basic ${Buffer.from(`${metricsUser}:${metricsPassword}`).toString('base64')}`;
    const wrong = `Basic ${Buffer.from(`${metricsUser}:${openFaasPassword}`).toString('base64')}`;
    for (const path of ['/stats', '/metrics', '/healthz']) {
      for (const authorization of [right, wrong, undefined]) {
        const response = await fetch(`http://127.0.0.1:${port}${path}`, {
          headers: authorization ? { authorization } : {},
        });
        bodies.push(await response.text());
      }
    }
    return bodies;
  }

  /** Wrong in several ways, each next to a secret. */
  function brokenConfig(): unknown[] {
    return [
      stream(vcsim, 'vc', vcsim.password, { ca_file: vcsim.caFile, page_size: 'many' }),
      { ...openFaas('faas', gateway, openFaasPassword), address: 'not a url' },
      {
        ...eventBridge('eb', endpoint, accessKeyId, secretAccessKey),
        options: { aws_region: 'nowhere' },
      },
      {
        ...stream(vcsim, 'vc-url', vcsim.password, {}),
        address: `https://root:${encodeURIComponent(metricsPassword)}@127.0.0.1 x/sdk`,
      },
      {
        type: 'metrics',
        provider: 'default',
        address: '127.0.0.1:1',
        auth: {
          method: 'basic_auth',
          secret: { username: metricsUser, password: [metricsPassword] },
        },
      },
    ];
  }

  function writeConfig(config: unknown[]): void {
    fs.writeFileSync(files!.configFile, JSON.stringify(config, null, 2), { mode: 0o600 });
  }

  async function runEverything(logArgs: string[]): Promise<string[]> {
    const metricsPort = await freePort();
    const config = await everyCredentialRightAndWrong(metricsPort);
    files = routerFiles(config);
    // The search must be able to find each secret where it is: in the config file.
    const configText = fs.readFileSync(files.configFile, 'utf8');
    const all = secretsOf(vcsim).filter((secret) => secret.basicAuthUser === undefined);
    assert.deepEqual(
      secretsFoundIn(configText, all),
      all.map((secret) => secret.name),
    );

    const r = startRouter(files, logArgs);
    router = r;
    await r.waitForLog(/InvalidLogin/);
    await r.waitForLog(/self-signed certificate/);
    await r.waitForLog(/faas-401[\s\S]*401|401[\s\S]*faas-401/);
    await r.waitForLog(/InvalidSignatureException/);
    await r.waitForLog(/UnrecognizedClientException/);
    const until = Date.now() + 30_000;
    while (gateway.invocationsOf('everything').length === 0 || endpoint.received.length === 0) {
      if (Date.now() > until) throw new Error(`nothing delivered; log:\n${r.logs.join('\n')}`);
      await sleep(50);
    }
    const bodies = await askMetrics(metricsPort);

    // SIGHUP with a broken file (refused, the running config stays), then with the good one.
    writeConfig(brokenConfig());
    r.signal('SIGHUP');
    await r.waitForLog(/rejected; the running configuration stays/);
    writeConfig(config);
    const servedBefore = r.logs.filter((line) => line.includes('serving /stats')).length;
    r.signal('SIGHUP');
    const until2 = Date.now() + 30_000;
    while (r.logs.filter((line) => line.includes('serving /stats')).length === servedBefore) {
      if (Date.now() > until2) throw new Error(`no reload; log:\n${r.logs.slice(-20).join('\n')}`);
      await sleep(50);
    }
    bodies.push(...(await askMetrics(metricsPort)));
    assert.equal(await r.stop(), 0, `the router's log:\n${r.logs.slice(-30).join('\n')}`);
    return [...r.logs, ...bodies, ...operatorViews(files.dataDir)];
  }

  /**
   * What an operator sees of the store (status, dead letters: the last errors are kept there)
   * and the database files themselves, where a stored error or event could hold a secret.
   */
  function operatorViews(dataDir: string): string[] {
    const views: string[] = [];
    for (const args of [['status', '--json'], ['status'], ['dead-letters', 'list', '--json']]) {
      const run = spawnSync(process.execPath, [routerMain, ...args, '--data-dir', dataDir], {
        encoding: 'utf8',
      });
      assert.equal(run.status, 0, `${args.join(' ')}: ${run.stderr}`);
      views.push(run.stdout, run.stderr);
    }
    for (const name of fs.readdirSync(dataDir)) {
      views.push(fs.readFileSync(path.join(dataDir, name)).toString('latin1'));
    }
    return views;
  }

  /** Invariant 6: a secret goes only to the system it authenticates to. */
  function assertSecretsStayHome(): void {
    assert.ok(gateway.calls.length > 0 && endpoint.calls.length > 0, 'calls to search');
    const notForGateway = secretsOf(vcsim).filter((secret) => !/OpenFaaS/.test(secret.name));
    const toGateway = gateway.calls.map((call) => JSON.stringify(call));
    assert.deepEqual(leaks(toGateway, notForGateway), [], 'sent to the OpenFaaS gateway');
    // The access key id travels in the signature's Credential, as SigV4 requires; no secret key.
    const notForAws = secretsOf(vcsim).filter((secret) => !/access key id/.test(secret.name));
    const toAws = endpoint.calls.map((call) => JSON.stringify(call.body));
    assert.deepEqual(leaks(toAws, notForAws), [], 'sent to EventBridge');
  }

  function assertNoSecrets(lines: string[]): void {
    assert.ok(lines.length > 20, `only ${lines.length} lines to search`);
    assert.deepEqual(leaks(lines, secretsOf(vcsim)), []);
    for (const line of lines) {
      assert.doesNotMatch(line, /vmware_soap_session/, 'the vCenter session cookie was logged');
      assert.doesNotMatch(line, /Basic [A-Za-z0-9+/]{12,}/, 'an Authorization header was logged');
    }
  }

  it('holds at --log-level debug with --log-json, through every failure', async () => {
    const lines = await runEverything(['--log-level', 'debug', '--log-json']);
    assert.ok(
      lines.some((line) => line.startsWith('{')),
      'JSON lines',
    );
    assertNoSecrets(lines);
    assertSecretsStayHome();
  });

  it('holds at --log-level debug in the text format, through every failure', async () => {
    const lines = await runEverything(['--log-level', 'debug']);
    assertNoSecrets(lines);
  });

  it('holds when the config is refused at start and by validate', async () => {
    files = routerFiles(brokenConfig());
    const refused = startRouter(files, ['--log-level', 'debug', '--log-json']);
    assert.equal(await refused.exited(), 2);
    const validate = spawnSync(
      process.execPath,
      [routerMain, 'validate', '--config', files.configFile, '--print'],
      { encoding: 'utf8' },
    );
    assert.equal(validate.status, 2);
    const lines = [...refused.logs, validate.stdout, validate.stderr];
    assert.ok(
      lines.some((line) => /page_size/.test(line)),
      lines.join('\n'),
    );
    assert.deepEqual(leaks(lines, secretsOf(vcsim)), []);
  });
});
