// Smoke tests of the single executable (dist/vmware-event-router, or $VMWARE_EVENT_ROUTER_BINARY)
// as the appliance runs it: copied alone into an empty folder, started with an empty
// environment (no node on PATH, no node_modules anywhere near), run against the test vCenter.
// When the tests run as root they run the binary as the user nobody, whose home does not exist,
// as the appliance's service user. Prints the binary's size and start-up time.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { databaseFile } from '../../router/src/store/database';
import { EventBridgeEndpoint } from '../stand-ins/eventbridge-endpoint';
import { OpenFaasGatewayStandIn } from '../stand-ins/openfaas-gateway';
import { startVcsim, vcsimBinaryPath, type Vcsim } from '../support/vcsim';
import { VcsimSoapClient } from '../support/vcsim-soap';

const repoRoot = path.join(__dirname, '..', '..');
const builtBinary =
  process.env.VMWARE_EVENT_ROUTER_BINARY ?? path.join(repoRoot, 'dist', 'vmware-event-router');
const packageVersion = (
  JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string }
).version;

const nobody = { uid: 65534, gid: 65534 };
const asServiceUser = process.getuid?.() === 0 && fs.existsSync('/usr/bin/setpriv');
const stopWaitMs = 20_000;
const eventWaitMs = 45_000;
const accessKeyId = 'AKIABINARYSMOKE00000';
const secretAccessKey = 'binary/Smoke+Secret/wJalrXUtnFEMI';

interface Workspace {
  folder: string;
  binary: string;
  /** Runs the binary with nothing inherited: no PATH, no HOME that can hold a cache. */
  command(args: string[], extraEnv?: NodeJS.ProcessEnv): [string, string[], NodeJS.ProcessEnv];
}

function makeWorkspace(): Workspace {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'binary-smoke-'));
  const binary = path.join(folder, 'vmware-event-router');
  fs.copyFileSync(builtBinary, binary);
  fs.chmodSync(binary, 0o755);
  fs.mkdirSync(path.join(folder, 'tmp'));
  if (asServiceUser) {
    fs.chownSync(folder, nobody.uid, nobody.gid);
    fs.chownSync(path.join(folder, 'tmp'), nobody.uid, nobody.gid);
  }
  const home = asServiceUser ? '/nonexistent' : path.join(binary, 'no-home');
  return {
    folder,
    binary,
    command(args, extraEnv = {}) {
      const env = { HOME: home, TMPDIR: path.join(folder, 'tmp'), ...extraEnv };
      if (!asServiceUser) return [binary, args, env];
      const drop = [`--reuid=${nobody.uid}`, `--regid=${nobody.gid}`, '--clear-groups'];
      return ['/usr/bin/setpriv', [...drop, binary, ...args], env];
    },
  };
}

/** Writes a file the binary's user can read and others cannot (configs hold passwords). */
function writePrivate(file: string, text: string): void {
  fs.writeFileSync(file, text, { mode: 0o600 });
  if (asServiceUser) fs.chownSync(file, nobody.uid, nobody.gid);
}

function runToEnd(workspace: Workspace, args: string[]) {
  const [command, argv, env] = workspace.command(args);
  const started = process.hrtime.bigint();
  const result = spawnSync(command, argv, { cwd: workspace.folder, env, encoding: 'utf8' });
  const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, elapsedMs };
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve(child.exitCode);
  }
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

/** Resolves when check() holds, rejects after waitMs with what was being waited for. */
async function waitFor(what: string, check: () => boolean, waitMs: number): Promise<void> {
  const deadline = Date.now() + waitMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

type VcenterLogin = Pick<Vcsim, 'sdkUrl' | 'username' | 'password' | 'thumbprintSha256'>;

function routerConfig(vcsim: VcenterLogin, processors: unknown[] = [stdoutProcessor]): unknown[] {
  return [
    {
      type: 'stream',
      provider: 'vmware_vcenter',
      name: 'vcsim',
      address: vcsim.sdkUrl,
      auth: {
        method: 'user_password',
        secret: { username: vcsim.username, password: vcsim.password },
      },
      options: {
        thumbprint: vcsim.thumbprintSha256,
        start_from: 'beginning',
        poll_interval: '200ms',
      },
    },
    ...processors,
  ];
}

const stdoutProcessor = { type: 'processor', provider: 'stdout', name: 'stdout' };

function eventBridgeProcessor(endpoint: EventBridgeEndpoint): unknown {
  return {
    type: 'processor',
    provider: 'aws_event_bridge',
    name: 'eventbridge',
    auth: {
      method: 'access_key',
      secret: { aws_access_key_id: accessKeyId, aws_secret_access_key: secretAccessKey },
    },
    options: {
      aws_region: endpoint.region,
      aws_eventbridge_rule_arn: endpoint.ruleArn('all-events'),
      endpoint: endpoint.url,
    },
  };
}

function openFaasProcessor(gatewayUrl: string): unknown {
  return {
    type: 'processor',
    provider: 'openfaas',
    name: 'openfaas',
    address: gatewayUrl,
    auth: { method: 'none' },
  };
}

/** Powers off the first VM of the test vCenter and returns its name. */
async function powerOffFirstVm(vcsim: Vcsim): Promise<string> {
  const client = await VcsimSoapClient.loggedIn(vcsim);
  const [vm] = (await client.findVms()).filter((found) => found.powerState === 'poweredOn');
  await client.powerOffVm(vm.vm.ref);
  return vm.vm.name;
}

interface RunningRouter {
  child: ChildProcess;
  cloudEvents: Array<Record<string, unknown>>;
  stderr: string[];
  stop(): Promise<number | null>;
}

/** Starts `vmware-event-router --config FILE --data-dir DIR` and collects its CloudEvents. */
function startRouter(
  workspace: Workspace,
  config: string,
  dataDir: string,
  extraEnv?: NodeJS.ProcessEnv,
): RunningRouter {
  const args = ['--config', config, '--data-dir', dataDir];
  const [command, argv, env] = workspace.command(args, extraEnv);
  const child = spawn(command, argv, { cwd: workspace.folder, env, stdio: 'pipe' });
  const running: RunningRouter = {
    child,
    cloudEvents: [],
    stderr: [],
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), stopWaitMs);
      const code = await exited(child);
      clearTimeout(timer);
      return code;
    },
  };
  readline.createInterface({ input: child.stdout }).on('line', (line) => {
    try {
      const parsed = JSON.parse(line) as Record<string, unknown>;
      if (parsed.specversion === '1.0') running.cloudEvents.push(parsed);
    } catch {
      // Not a CloudEvent: the stdout processor's output is JSON, anything else is ignored.
    }
  });
  readline.createInterface({ input: child.stderr }).on('line', (line) => {
    running.stderr.push(line);
  });
  return running;
}

function filesUnder(folder: string): string[] {
  return fs
    .readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name));
}

describe('binary: the single executable, alone in an empty folder', function () {
  let workspace: Workspace;

  before(function () {
    if (!fs.existsSync(builtBinary)) {
      throw new Error(`${builtBinary} is missing: build it with make binary`);
    }
    workspace = makeWorkspace();
    const sizeMiB = (fs.statSync(builtBinary).size / 2 ** 20).toFixed(1);
    console.log(`      binary: ${builtBinary}, ${sizeMiB} MiB`);
    console.log(`      running as ${asServiceUser ? 'nobody (home /nonexistent)' : 'this user'}`);
  });

  after(() => fs.rmSync(workspace.folder, { recursive: true, force: true }));

  it('answers --version itself, with the embedded Node 24', () => {
    const timesMs: number[] = [];
    let last = runToEnd(workspace, ['--version']);
    for (let i = 0; i < 5; i += 1) {
      last = runToEnd(workspace, ['--version']);
      timesMs.push(last.elapsedMs);
    }
    assert.equal(last.status, 0, last.stderr);
    assert.match(last.stdout, new RegExp(`^vmware-event-router ${packageVersion} \\(commit `));
    assert.match(last.stdout, /node v24\.22\.3\)/);
    const median = timesMs.sort((a, b) => a - b)[2];
    console.log(`      start-up (--version, median of 5): ${median.toFixed(0)} ms`);
  });

  it("hands Node's own flags to the router, which refuses them", () => {
    for (const flag of ['-e', '--inspect=127.0.0.1:0']) {
      const result = runToEnd(workspace, [flag, 'process.exit(0)']);
      assert.equal(result.status, 2, `${flag}: ${result.stdout}${result.stderr}`);
      assert.match(result.stderr, /unknown option/);
    }
  });

  it('accepts a good config with validate, exit 0', () => {
    const config = path.join(workspace.folder, 'good.json');
    const vcenter = {
      sdkUrl: 'https://vc01.example.com/sdk',
      username: 'administrator@vsphere.local',
      password: 'not-used',
      thumbprintSha256: 'AB'.repeat(32),
    };
    writePrivate(config, JSON.stringify(routerConfig(vcenter)));
    const result = runToEnd(workspace, ['validate', '--config', config]);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /is valid: 1 stream, 1 processor/);
    assert.doesNotMatch(result.stdout + result.stderr, /not-used/);
  });

  it('refuses a bad config with validate, exit 2, naming the field', () => {
    const config = path.join(workspace.folder, 'bad.json');
    writePrivate(
      config,
      JSON.stringify([
        { type: 'stream', provider: 'vmware_vcenter', address: 'vc01', auth: { method: 'none' } },
        { type: 'processor', provider: 'stdout' },
      ]),
    );
    const result = runToEnd(workspace, ['validate', '--config', config]);
    assert.equal(result.status, 2, result.stdout + result.stderr);
    assert.match(result.stderr, /address/);
  });

  describe('against the test vCenter', function () {
    let vcsim: Vcsim;
    let router: RunningRouter | undefined;

    before(async function () {
      if (!fs.existsSync(vcsimBinaryPath())) {
        throw new Error(`${vcsimBinaryPath()} is missing: build it with make vcsim`);
      }
      vcsim = await startVcsim();
    });

    afterEach(async () => {
      await router?.stop();
      router = undefined;
    });

    after(async () => vcsim?.stop());

    it('prints the CloudEvent of a VM power-off and keeps its SQLite database', async () => {
      const config = path.join(workspace.folder, 'vcsim.json');
      writePrivate(config, JSON.stringify(routerConfig(vcsim)));
      const dataDir = path.join(workspace.folder, 'data');
      // The appliance's systemd unit names the addon cache this way.
      const nativeCache = path.join(workspace.folder, 'native-cache');
      const started = Date.now();
      router = startRouter(workspace, config, dataDir, { PKG_NATIVE_CACHE_PATH: nativeCache });

      const vmName = await powerOffFirstVm(vcsim);
      const poweredOff = () =>
        router!.cloudEvents.find((event) => event.subject === 'VmPoweredOffEvent');
      await waitFor(
        'the VmPoweredOffEvent CloudEvent',
        () => poweredOff() !== undefined,
        eventWaitMs,
      ).catch((error: Error) => {
        throw new Error(`${error.message}; router stderr:\n${router!.stderr.join('\n')}`);
      });
      console.log(`      first power-off CloudEvent after ${Date.now() - started} ms`);

      const event = poweredOff()!;
      assert.equal(event.type, 'com.vmware.event.router/event');
      assert.equal(typeof event.id, 'string');
      assert.ok(JSON.stringify(event.data).includes(JSON.stringify(vmName)), 'names the VM');
      assert.equal(await router.stop(), 0, router.stderr.join('\n'));
      assert.ok(fs.existsSync(databaseFile(dataDir)), 'router.db exists in the data directory');
      const status = runToEnd(workspace, ['status', '--data-dir', dataDir, '--json']);
      assert.equal(status.status, 0, status.stderr);
      const report = JSON.parse(status.stdout) as { database: string; streams: unknown[] };
      assert.equal(report.database, databaseFile(dataDir));
      assert.equal(report.streams.length, 1, 'the stream and its checkpoint are in router.db');
      assert.ok(
        filesUnder(nativeCache).some((file) => file.endsWith('better_sqlite3.node')),
        'the addon was copied under PKG_NATIVE_CACHE_PATH',
      );
      assert.ok(!router.stderr.join('\n').includes(vcsim.password), 'no password in the log');
    });

    it('delivers to OpenFaaS (axios) and EventBridge (AWS SDK) from the binary', async () => {
      const endpoint = await EventBridgeEndpoint.start({ accessKeyId, secretAccessKey });
      const gateway = new OpenFaasGatewayStandIn();
      try {
        endpoint.setRule({ name: 'all-events', pattern: { source: [{ prefix: '' }] } });
        gateway.deploy({ name: 'everything', annotations: { topic: '*' } });
        const processors = [
          openFaasProcessor(await gateway.start()),
          eventBridgeProcessor(endpoint),
        ];
        const config = path.join(workspace.folder, 'vcsim-remote.json');
        writePrivate(config, JSON.stringify(routerConfig(vcsim, processors)));
        const dataDir = path.join(workspace.folder, 'data-remote');
        router = startRouter(workspace, config, dataDir);

        const functionCalls = () => gateway.calls.filter((call) => call.function !== undefined);
        await waitFor(
          'an event on EventBridge and a function call',
          () => endpoint.received.length > 0 && functionCalls().length > 0,
          eventWaitMs,
        ).catch((error: Error) => {
          throw new Error(`${error.message}; router stderr:\n${router!.stderr.join('\n')}`);
        });
        assert.equal(endpoint.received[0].source, vcsim.sdkUrl);
        assert.ok(endpoint.calls.every((call) => call.accessKeyId === accessKeyId));
        const invoked = JSON.parse(functionCalls()[0].body) as Record<string, unknown>;
        assert.equal(invoked.source, vcsim.sdkUrl);
        assert.equal(await router.stop(), 0, router.stderr.join('\n'));
        assert.ok(!router.stderr.join('\n').includes(secretAccessKey), 'no secret in the log');
      } finally {
        await gateway.stop();
        await endpoint.stop();
      }
    });

    it('opens its database as a user whose home cannot hold a cache', async () => {
      const config = path.join(workspace.folder, 'vcsim-home.json');
      writePrivate(config, JSON.stringify(routerConfig(vcsim)));
      const dataDir = path.join(workspace.folder, 'data-home');
      router = startRouter(workspace, config, dataDir);

      await waitFor('router.db', () => fs.existsSync(databaseFile(dataDir)), eventWaitMs);
      await waitFor('a CloudEvent', () => router!.cloudEvents.length > 0, eventWaitMs);
      assert.equal(await router.stop(), 0, router.stderr.join('\n'));
      // Without PKG_NATIVE_CACHE_PATH and with no usable home, the copy goes to a private
      // folder in the temp dir.
      const tempCopies = filesUnder(path.join(workspace.folder, 'tmp'));
      assert.ok(
        tempCopies.some((file) => file.endsWith('better_sqlite3.node')),
        `the addon was copied into TMPDIR: ${tempCopies.join(', ')}`,
      );
    });
  });
});
