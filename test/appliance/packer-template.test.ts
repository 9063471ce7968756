// Static checks of the image build that need no vCenter: the kickstart is valid JSON and
// installs what the provisioning scripts use, and every file a provisioner or a script names
// is in the repository. (`packer validate` in scripts/appliance-check.sh checks the rest.)
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const repo = resolve(__dirname, '../..');
const read = (path: string) => readFileSync(join(repo, path), 'utf8');
const template = read('packer/photon.pkr.hcl');
const scriptPaths = [
  ...template.matchAll(/"\$\{local\.repo_root\}\/(packer\/scripts\/[^"]+)"/g),
].map((match) => match[1] ?? '');

/**
 * What Photon OS's `minimal` package brings along (its requirements), which the kickstart
 * installs: the scripts may use these without naming them in the kickstart.
 */
const inMinimal = ['tdnf', 'coreutils', 'systemd', 'shadow', 'bash', 'sed', 'grep', 'findutils'];

interface Kickstart {
  packages: string[];
  password: { crypted: boolean; text: string };
  postinstall: string[];
}

describe('Packer template and provisioning', () => {
  const kickstart = JSON.parse(read('packer/http/photon-ks.json')) as Kickstart;

  it('runs the provisioning scripts in their numbered order', () => {
    assert.deepEqual(scriptPaths, [
      'packer/scripts/10-os.sh',
      'packer/scripts/20-faasd.sh',
      'packer/scripts/30-router.sh',
      'packer/scripts/90-cleanup.sh',
    ]);
  });

  it('names only files that exist in the repository', () => {
    const named = [...template.matchAll(/"\$\{local\.repo_root\}\/([^"]+)"/g)].map((m) => m[1]);
    assert.ok(named.length >= 5);
    for (const path of named) {
      if (path?.startsWith('dist/')) {
        // A build output, not a file of the repository: `make binary` writes it before `make ova`.
        assert.match(read('scripts/build-binary.sh'), new RegExp(path.replace(/\./g, '\\.')));
        continue;
      }
      assert.ok(existsSync(join(repo, path ?? '')), `missing: ${path}`);
    }
  });

  it('copies into the image only files that exist under appliance/', () => {
    for (const script of scriptPaths) {
      for (const match of read(script).matchAll(/\/tmp\/appliance\/([\w./-]+)/g)) {
        const path = join('appliance', match[1] ?? '');
        assert.ok(existsSync(join(repo, path)), `${script} installs the missing ${path}`);
      }
    }
  });

  it('has strict, executable provisioning scripts', () => {
    for (const script of scriptPaths) {
      const text = read(script);
      assert.match(text, /^#!\/usr\/bin\/env bash\n/, `${script} has no bash shebang`);
      assert.match(text, /^set -euo pipefail$/m, `${script} is not strict`);
      assert.ok((statSync(join(repo, script)).mode & 0o111) !== 0, `${script} is not executable`);
    }
  });

  it('has a kickstart whose packages cover what every script uses', () => {
    const installedByOs = /readonly packages=\(([^)]*)\)/.exec(read('packer/scripts/10-os.sh'));
    const available = new Set([
      ...kickstart.packages,
      ...inMinimal,
      ...(installedByOs?.[1] ?? '').split(/\s+/).filter(Boolean),
    ]);
    for (const script of scriptPaths) {
      const uses = /^# Uses packages: (.+)$/m.exec(read(script));
      assert.ok(uses !== null, `${script} does not say which packages it uses`);
      for (const name of (uses[1] ?? '').split(/\s+/)) {
        assert.ok(available.has(name), `${script} uses ${name}, which nothing installs`);
      }
    }
    for (const name of ['minimal', 'linux-esx', 'open-vm-tools', 'openssh-server']) {
      assert.ok(kickstart.packages.includes(name), `the kickstart lacks ${name}`);
    }
  });

  it('keeps no password in the kickstart: build-ova.sh puts a one-build crypt there', () => {
    assert.equal(kickstart.password.crypted, true);
    assert.doesNotMatch(kickstart.password.text, /^\$6\$/);
    assert.match(read('scripts/build-ova.sh'), /openssl passwd -6 -stdin/);
  });

  it('declares every secret variable sensitive', () => {
    const variables = read('packer/variables.pkr.hcl');
    for (const name of ['vcenter_password', 'build_password']) {
      const block = new RegExp(`variable "${name}" \\{[^}]*sensitive\\s*=\\s*true`, 's');
      assert.match(variables, block, `${name} is not sensitive`);
    }
    const examples = readdirSync(join(repo, 'packer')).filter((f) => f.endsWith('.pkrvars.hcl'));
    for (const example of examples) {
      assert.doesNotMatch(read(`packer/${example}`), /^\s*(vcenter_password|build_password)\s*=/m);
    }
  });
});
