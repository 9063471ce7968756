// `validate` as an operator runs it: a child process, its output and its exit status.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { fixtureText, tempDir, vcenterEntry, writeConfig } from '../fixtures/config/fixtures';

const entry = path.join(__dirname, '..', 'fixtures', 'config', 'validate-main.ts');

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function validate(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', entry, 'validate', ...args],
      { timeout: 30_000 },
      (error, stdout, stderr) => {
        const status = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ status, stdout, stderr });
      },
    );
  });
}

describe('validate command', function () {
  // Each run starts node with tsx; slow on a loaded two-core machine, not a timing assertion.
  this.timeout(60_000);
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = tempDir()));
  afterEach(() => cleanup());

  it('says a valid file is valid and exits 0', async () => {
    const file = writeConfig(dir, 'router.json', fixtureText('readme-example.json'));
    const run = await validate('--config', file);
    assert.deepEqual(run, {
      status: 0,
      stdout: `config ${file} is valid: 1 stream, 2 processors\n`,
      stderr: '',
    });
  });

  it("takes the original router's single-dash -config, with a space or an =", async () => {
    const file = writeConfig(dir, 'router.json', fixtureText('appliance-openfaas.json'));
    for (const args of [['-config', file], [`-config=${file}`], ['-c', file]]) {
      const run = await validate(...args);
      assert.equal(run.status, 0, run.stderr);
      assert.equal(run.stdout, `config ${file} is valid: 1 stream, 1 processor\n`);
    }
  });

  it('prints one line per problem on standard error and exits 2', async () => {
    const file = writeConfig(dir, 'router.json', [
      { ...vcenterEntry(), options: { insecure: 'maybe' } },
      {
        type: 'processor',
        provider: 'openfaas',
        address: 'http://127.0.0.1:8080',
        auth: { method: 'token' },
      },
    ]);
    const run = await validate('--config', file);
    assert.deepEqual(run, {
      status: 2,
      stdout: '',
      stderr:
        `${file}: entry 1 (stream vmware_vcenter): options.insecure must be true or false\n` +
        `${file}: entry 2 (processor openfaas): auth.method must be one of basic_auth, none\n`,
    });
    assert.ok(!run.stderr.includes('vc-secret-password'));
  });

  it('exits 2 for a file that is not JSON, naming line and column', async () => {
    const file = writeConfig(dir, 'router.json', '[\n  {"type": "stream",}\n]');
    const run = await validate('--config', file);
    assert.equal(run.status, 2);
    assert.equal(
      run.stderr,
      `${file}: invalid JSON at line 2, column 21: a comma before } is not allowed in JSON\n`,
    );
  });

  it('exits 2 for a file that does not exist', async () => {
    const file = path.join(dir, 'absent.json');
    const run = await validate('--config', file);
    assert.equal(run.status, 2);
    assert.equal(run.stderr, `${file}: the file cannot be read (ENOENT)\n`);
  });

  it("checks the router's default file when --config is missing", async function () {
    const defaultFile = '/etc/vmware-event-router/config.json';
    if (fs.existsSync(defaultFile)) this.skip(); // an appliance: its real config is there
    const run = await validate();
    assert.equal(run.status, 2);
    assert.equal(run.stderr, `${defaultFile}: the file cannot be read (ENOENT)\n`);
  });

  it('warns about a file others can read, and still exits 0', async () => {
    const file = writeConfig(dir, 'router.json', fixtureText('readme-example.json'), 0o644);
    const run = await validate('--config', file);
    assert.equal(run.status, 0);
    assert.equal(
      run.stderr,
      `warning: config ${file} is readable by group or others (mode 644) and holds secrets; ` +
        `run: chmod 600 ${file}\n`,
    );
  });

  it('prints the config with its defaults and without secrets on --print', async () => {
    const file = writeConfig(dir, 'router.json', fixtureText('readme-example.json'));
    const run = await validate('--config', file, '--print');
    assert.equal(run.status, 0);
    const [summary, json] = run.stdout.trimEnd().split('\n');
    assert.equal(summary, `config ${file} is valid: 1 stream, 2 processors`);
    const shown = JSON.parse(json);
    assert.equal(shown.streams[0].pollIntervalMs, 1_000);
    for (const secret of ['example-vc-password', 'example-of-password', 'example-aws-secret']) {
      assert.ok(!run.stdout.includes(secret), secret);
    }
  });
});
