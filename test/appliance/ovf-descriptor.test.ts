// The OVF descriptor template and the setup agree: every property the setup reads is declared
// (so vSphere asks for it), every declared one is read (so nothing typed is ignored), and the
// secrets are password fields. The step that puts the properties into Packer's export keeps
// the descriptor well-formed and its manifest valid.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { SaxesParser, type SaxesTagNS } from 'saxes';
import { applyProductSection, renderProductSection } from '../../packer/ovf/apply-product-section';
import {
  OvfProperties,
  ovfPropertyKeys,
  secretPropertyKeys,
} from '../../router/src/setup/properties';
import { readApplianceSettings } from '../../router/src/setup/settings';
import { dhcpEventBridgeProperties, staticOpenFaasProperties } from './support/appliance-root';

const repo = resolve(__dirname, '../..');
const templatePath = join(repo, 'appliance/ovf/product-section.ovf.xml');
const exportedPath = join(__dirname, 'fixtures/exported-by-packer.ovf');
const ovfNs = 'http://schemas.dmtf.org/ovf/envelope/1';

interface DeclaredProperty {
  key: string;
  password: boolean;
  type: string;
  category: string;
  label: string;
  description: string;
}

/** The properties a ProductSection declares, read with a namespace-aware parser. */
function declaredProperties(xml: string): DeclaredProperty[] {
  const declared: DeclaredProperty[] = [];
  let category = '';
  let text = '';
  const parser = new SaxesParser({ xmlns: true });
  parser.on('opentag', (tag: SaxesTagNS) => {
    text = '';
    if (tag.uri !== ovfNs || tag.local !== 'Property') return;
    const attribute = (local: string) =>
      Object.values(tag.attributes).find((a) => a.local === local && a.uri === ovfNs)?.value;
    declared.push({
      key: attribute('key') ?? '',
      password: attribute('password') === 'true',
      type: attribute('type') ?? '',
      category,
      label: '',
      description: '',
    });
  });
  parser.on('text', (chunk: string) => {
    text += chunk;
  });
  parser.on('closetag', (tag: SaxesTagNS) => {
    const last = declared[declared.length - 1];
    if (tag.local === 'Category') category = text.trim();
    if (tag.local === 'Label' && last !== undefined) last.label = text.trim();
    if (tag.local === 'Description' && last !== undefined) last.description = text.trim();
  });
  parser.write(xml).close();
  return declared;
}

function keysReadBySetup(properties: Record<string, string>): string[] {
  const values = new Map(Object.entries(properties).map(([k, v]) => [`guestinfo.${k}`, v]));
  const ovfProperties = new OvfProperties(values);
  readApplianceSettings(ovfProperties);
  return ovfProperties.keysRead();
}

describe('OVF descriptor template', () => {
  const declared = declaredProperties(readFileSync(templatePath, 'utf8'));

  it('declares exactly the properties the setup knows, once each', () => {
    const keys = declared.map((p) => p.key);
    assert.deepEqual([...keys].sort(), [...ovfPropertyKeys].sort());
    assert.equal(new Set(declared.map((p) => p.key)).size, ovfPropertyKeys.length);
  });

  for (const [name, properties] of [
    ['OpenFaaS', staticOpenFaasProperties()],
    ['EventBridge', dhcpEventBridgeProperties()],
  ] as const) {
    it(`is read in full by the setup of an ${name} appliance`, () => {
      assert.deepEqual(keysReadBySetup(properties).sort(), [...ovfPropertyKeys].sort());
    });
  }

  it('marks every secret, and only secrets, as a password', () => {
    const passwords = declared.filter((p) => p.password).map((p) => p.key);
    assert.deepEqual(passwords.sort(), [...secretPropertyKeys].sort());
  });

  it('gives every property a category, a label and a description a person can follow', () => {
    for (const property of declared) {
      assert.ok(property.category !== '', `${property.key} has no category`);
      assert.ok(property.label.length >= 3, `${property.key} has no label`);
      assert.ok(property.description.length >= 20, `${property.key} has no description`);
    }
  });
});

describe('putting the properties into the exported descriptor', () => {
  const template = readFileSync(templatePath, 'utf8');
  const section = renderProductSection(template, '1.2.0', '1.2.0 (commit 0123abc & more)');
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ovf-apply-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('adds the ProductSection and the guestinfo transport, keeping the XML well-formed', () => {
    const result = applyProductSection(readFileSync(exportedPath, 'utf8'), section);
    assert.equal(declaredProperties(result).length, ovfPropertyKeys.length);
    assert.match(
      result,
      /<VirtualHardwareSection xmlns:ovf="[^"]+" ovf:transport="com\.vmware\.guestInfo">/,
    );
    assert.match(result, /<FullVersion>1\.2\.0 \(commit 0123abc &amp; more\)<\/FullVersion>/);
    assert.ok(result.indexOf('</VirtualHardwareSection>') < result.indexOf('<ProductSection'));
  });

  it('replaces the ProductSection of an earlier run rather than adding a second', () => {
    const once = applyProductSection(readFileSync(exportedPath, 'utf8'), section);
    const twice = applyProductSection(once, section);
    assert.equal(twice.match(/<ProductSection/g)?.length, 1);
    assert.equal(twice.match(/ovf:transport=/g)?.length, 1);
  });

  it('updates the manifest digest of the descriptor when run as a command', () => {
    const ovf = join(dir, 'vmware-event-router.ovf');
    copyFileSync(exportedPath, ovf);
    const diskLine = `SHA256(vmware-event-router-disk-0.vmdk)= ${'ab'.repeat(32)}`;
    const digest = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
    writeFileSync(
      join(dir, 'vmware-event-router.mf'),
      `SHA256(vmware-event-router.ovf)= ${digest(ovf)}\n${diskLine}\n`,
    );
    const run = spawnSync(
      process.execPath,
      [
        '--import',
        join(repo, 'node_modules/tsx/dist/loader.mjs'),
        join(repo, 'packer/ovf/apply-product-section.ts'),
        ovf,
        templatePath,
        '1.2.0',
        '1.2.0 (commit 0123abc)',
      ],
      { encoding: 'utf8' },
    );
    assert.equal(run.status, 0, run.stderr);
    assert.equal(
      readFileSync(join(dir, 'vmware-event-router.mf'), 'utf8'),
      `SHA256(vmware-event-router.ovf)= ${digest(ovf)}\n${diskLine}\n`,
    );
    assert.equal(declaredProperties(readFileSync(ovf, 'utf8')).length, ovfPropertyKeys.length);
  });

  it('packs the OVA with the descriptor first and the manifest second', () => {
    const exportDir = join(dir, 'export');
    mkdirSync(exportDir);
    copyFileSync(exportedPath, join(exportDir, 'vmware-event-router.ovf'));
    writeFileSync(join(exportDir, 'vmware-event-router-disk-0.vmdk'), 'disk bytes');
    writeFileSync(join(exportDir, 'vmware-event-router.mf'), 'SHA256(x)= 00\n');
    const ova = join(dir, 'appliance.ova');
    const pack = spawnSync(join(repo, 'packer/ovf/pack-ova.sh'), [exportDir, ova], {
      encoding: 'utf8',
    });
    assert.equal(pack.status, 0, pack.stderr);
    const listing = spawnSync('tar', ['-tvf', ova], { encoding: 'utf8' });
    const members = listing.stdout.trim().split('\n');
    assert.deepEqual(
      members.map((line) => line.split(/\s+/).pop()),
      ['vmware-event-router.ovf', 'vmware-event-router.mf', 'vmware-event-router-disk-0.vmdk'],
    );
    assert.ok(
      members.every((line) => line.includes(' 0/0 ')),
      listing.stdout,
    );
  });

  it('refuses to pack an export without its manifest', () => {
    const exportDir = join(dir, 'export');
    mkdirSync(exportDir);
    copyFileSync(exportedPath, join(exportDir, 'vmware-event-router.ovf'));
    const pack = spawnSync(join(repo, 'packer/ovf/pack-ova.sh'), [exportDir, join(dir, 'a.ova')], {
      encoding: 'utf8',
    });
    assert.equal(pack.status, 1);
    assert.match(pack.stderr, /vmware-event-router\.mf \(the manifest\) is missing/);
  });
});
