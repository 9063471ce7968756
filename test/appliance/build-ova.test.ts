// `make ova` without its build settings stops at once, before Packer or anything else runs,
// naming every setting that is missing and where to give it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const repo = resolve(__dirname, '../..');

function buildOva(varsFile: string, extraEnv: Record<string, string> = {}) {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, OVA_VARS_FILE: varsFile, ...extraEnv };
  return spawnSync('bash', [join(repo, 'scripts/build-ova.sh')], { encoding: 'utf8', env });
}

describe('make ova (scripts/build-ova.sh)', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'build-ova-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('names every missing setting when there is no variables file', () => {
    const run = buildOva(join(dir, 'absent.pkrvars.hcl'));
    assert.equal(run.status, 2);
    assert.equal(run.stdout, '');
    const missing =
      'vcenter_server vcenter_username vcenter_password datacenter datastore network ' +
      'faasd_version faasd_sha256 faasd_source_sha256 cluster (or host) ' +
      'photon_iso_url (or photon_iso_datastore_path)';
    assert.equal(
      run.stderr,
      `make ova: missing build settings: ${missing}. Set them in ${dir}/absent.pkrvars.hcl ` +
        '(it does not exist; start from packer/example.pkrvars.hcl) or as PKR_VAR_<name>.\n',
    );
  });

  it('counts settings from the file and from PKR_VAR_ variables together', () => {
    const varsFile = join(dir, 'appliance.pkrvars.hcl');
    writeFileSync(
      varsFile,
      [
        'vcenter_server = "vcenter.example.com"',
        'vcenter_username = "packer@vsphere.local"',
        'datacenter = "Datacenter"',
        'host = "esx01.example.com"',
        'datastore = "datastore1"',
        'network = "VM Network"',
        '# photon_iso_url = "commented out does not count"',
        'photon_iso_datastore_path = "[datastore1] iso/photon-5.0.iso"',
        '',
      ].join('\n'),
    );
    const run = buildOva(varsFile, { PKR_VAR_vcenter_password: 'from-the-environment' });
    assert.equal(run.status, 2);
    assert.equal(
      run.stderr,
      'make ova: missing build settings: faasd_version faasd_sha256 faasd_source_sha256. ' +
        `Set them in the variables file ${varsFile} or as PKR_VAR_<name>.\n`,
    );
    assert.ok(!run.stderr.includes('from-the-environment'));
  });
});
