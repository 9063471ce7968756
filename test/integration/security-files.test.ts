// Files that hold secrets are the owner's only, whatever the umask of whoever writes them
// (here 000, the most permissive): the config and every other file the appliance setup writes
// with a secret in it are 0600, the router's data directory is 0700 and the database files in
// it (router.db, -wal, -shm, router.lock) 0600, and so are backups and restored databases.
// Everything runs through the command line (router/dist/main.js), as an operator runs it;
// the setup's system commands and vmtoolsd are the stand-ins of test/appliance/stand-ins/.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import {
  dhcpEventBridgeProperties,
  filesUnder,
  makeApplianceRoot,
  ovfEnvironment,
  staticOpenFaasProperties,
  type ApplianceRoot,
} from '../appliance/support/appliance-root';
import { secretsFoundIn, type Secret } from '../fuzz/secret-forms';
import {
  routerFiles,
  routerMain,
  startRouter,
  stdoutConfig,
  type RouterFiles,
  type RouterProcess,
} from '../support/router-process';
import { startVcsim, vcsimBinaryPath, type Vcsim } from '../support/vcsim';

const modeOf = (file: string) => fs.statSync(file).mode & 0o777;
const octal = (mode: number) => mode.toString(8).padStart(3, '0');

/** Runs the router's command line with umask 000. */
function runWithOpenUmask(args: string[], env: NodeJS.ProcessEnv = process.env) {
  const run = spawnSync(
    'sh',
    ['-c', 'umask 000; exec "$0" "$@"', process.execPath, routerMain, ...args],
    { encoding: 'utf8', env },
  );
  assert.equal(run.status, 0, `${args[0]} failed:\n${run.stdout}\n${run.stderr}`);
  return run;
}

/** Every file and folder under `root` that any user may write to, as appliance paths. */
function worldWritable(root: string, relative = ''): string[] {
  const found: string[] = [];
  for (const entry of fs.readdirSync(path.join(root, relative), { withFileTypes: true })) {
    const inside = path.join(relative, entry.name);
    if (entry.isSymbolicLink()) continue;
    if ((modeOf(path.join(root, inside)) & 0o002) !== 0) found.push(`/${inside}`);
    if (entry.isDirectory()) found.push(...worldWritable(root, inside));
  }
  return found;
}

const proxy = {
  http_proxy: 'http://proxy.corp.example.com:3128',
  https_proxy: 'http://proxy.corp.example.com:3128',
  proxy_username: 'proxy-user',
  proxy_password: 'Pr0xy-S3cret-pw',
};

function secretsOf(properties: Record<string, string>): Secret[] {
  const names = [
    'root_password',
    'vcenter_password',
    'openfaas_password',
    'aws_eb_access_key',
    'aws_eb_access_secret',
    'proxy_password',
  ];
  return names
    .filter((name) => properties[name] !== '')
    .map((name) => ({ name, value: properties[name] }));
}

describe('security: files that hold secrets', function () {
  this.timeout(120_000);

  describe('written by the appliance setup', () => {
    let appliance: ApplianceRoot;

    beforeEach(() => {
      appliance = makeApplianceRoot();
      // The folders Photon OS has before the setup first runs, with their modes.
      for (const dir of ['var', 'var/lib', 'var/log', 'etc/systemd/system']) {
        fs.mkdirSync(path.join(appliance.root, dir), { recursive: true });
        fs.chmodSync(path.join(appliance.root, dir), 0o755);
      }
    });
    afterEach(() => appliance.cleanup());

    function setup(properties: Record<string, string>): void {
      fs.writeFileSync(appliance.ovfEnvFile, ovfEnvironment(properties));
      runWithOpenUmask(['setup', '--root', appliance.root], appliance.env);
    }

    /** Each file under the root that shows a secret, with its mode. */
    function filesWithSecrets(properties: Record<string, string>) {
      return filesUnder(appliance.root)
        .map((file) => ({ ...file, secrets: secretsFoundIn(file.content, secretsOf(properties)) }))
        .filter((file) => file.secrets.length > 0);
    }

    for (const [kind, properties] of [
      ['OpenFaaS', { ...staticOpenFaasProperties(), ...proxy }],
      ['EventBridge', { ...dhcpEventBridgeProperties(), ...proxy }],
    ] as const) {
      it(`are 0600 for an ${kind} appliance behind a proxy, in root-only folders`, () => {
        setup(properties);
        const found = filesWithSecrets(properties);
        assert.ok(found.some((file) => file.path === '/etc/vmware-event-router/config.json'));
        assert.ok(found.some((file) => file.secrets.includes('proxy_password')));
        for (const file of found) {
          assert.equal(octal(file.mode), '600', `${file.path} (${file.secrets.join(', ')})`);
          for (let dir = path.dirname(file.path); dir !== '/'; dir = path.dirname(dir)) {
            const mode = modeOf(path.join(appliance.root, dir));
            assert.equal(mode & 0o022, 0, `${dir} is ${octal(mode)}, above ${file.path}`);
          }
        }
        assert.deepEqual(worldWritable(appliance.root), [], 'nothing anyone may change');
        // The root password goes to chpasswd on its standard input, into no file at all.
        assert.ok(!found.some((file) => file.secrets.includes('root_password')));
      });
    }

    it('keeps the copy of a config someone edited (and opened up) 0600 too', () => {
      const properties = staticOpenFaasProperties();
      setup(properties);
      const config = path.join(appliance.root, 'etc/vmware-event-router/config.json');
      fs.appendFileSync(config, '\n');
      fs.chmodSync(config, 0o644);
      setup({ ...properties, vcenter_password: 'Changed-VC-Passw0rd' });

      const copies = fs
        .readdirSync(path.dirname(config))
        .filter((name) => name.startsWith('config.json.') && name.endsWith('.bak'));
      assert.equal(copies.length, 1, 'the edited config was kept');
      const copy = path.join(path.dirname(config), copies[0]);
      assert.ok(fs.readFileSync(copy, 'utf8').includes(properties.vcenter_password));
      assert.equal(octal(modeOf(copy)), '600', copies[0]);
      assert.equal(octal(modeOf(config)), '600');
    });
  });

  describe('of the router: its data directory, database and backups', () => {
    let vcsim: Vcsim;
    let files: RouterFiles | undefined;
    let router: RouterProcess | undefined;
    let spare: string | undefined;

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
      if (spare) fs.rmSync(spare, { recursive: true, force: true });
      spare = undefined;
      await vcsim.stop();
    });

    function assertPrivate(dataDir: string, expected: string[]): void {
      assert.equal(octal(modeOf(dataDir)), '700', dataDir);
      const names = fs.readdirSync(dataDir);
      for (const name of expected) assert.ok(names.includes(name), `${name} in ${names}`);
      for (const name of names) {
        assert.equal(octal(modeOf(path.join(dataDir, name))), '600', name);
      }
    }

    it('are 0700 and 0600 while the router runs, even in a data directory made 0777', async () => {
      files = routerFiles(
        stdoutConfig({
          type: 'stream',
          provider: 'vmware_vcenter',
          address: vcsim.sdkUrl,
          auth: {
            method: 'user_password',
            secret: { username: vcsim.username, password: vcsim.password },
          },
          options: { ca_file: vcsim.caFile, poll_interval: '100ms', start_from: 'beginning' },
        }),
      );
      fs.mkdirSync(files.dataDir, { mode: 0o777 });
      fs.chmodSync(files.dataDir, 0o777);
      const previous = process.umask(0o000);
      let r: RouterProcess;
      try {
        r = startRouter(files);
      } finally {
        process.umask(previous);
      }
      router = r;
      await r.waitForEvents((events) => events.length > 0, 'the first events');
      assertPrivate(files.dataDir, ['router.db', 'router.db-wal', 'router.db-shm', 'router.lock']);
      await r.stop();
      router = undefined;

      spare = fs.mkdtempSync(path.join(os.tmpdir(), 'router-security-'));
      const backup = path.join(spare, 'router-backup.db');
      runWithOpenUmask(['backup', '--data-dir', files.dataDir, '--out', backup]);
      assert.equal(octal(modeOf(backup)), '600', 'the backup');
      const restored = path.join(spare, 'restored');
      runWithOpenUmask(['restore', '--data-dir', restored, '--from', backup]);
      assertPrivate(restored, ['router.db']);
    });
  });
});
