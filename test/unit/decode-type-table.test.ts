// The generated vim25 type table as the decoder sees it.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  derivesFrom,
  enumValues,
  lookupType,
  typeTableSource,
} from '../../router/src/vcenter/decode-type-table';

const repo = path.join(__dirname, '..', '..');
const committedTable = path.join(repo, 'router', 'src', 'vcenter', 'vim25-types.generated.json');
const govmomiTypes = '/usr/share/gocode/src/github.com/vmware/govmomi/vim25/types';

describe('vim25 type table', () => {
  it('says it was generated from govmomi', () => {
    assert.match(typeTableSource, /govmomi/);
  });

  it('lists an event type with its base types fields first, in declaration order', () => {
    const spec = lookupType('VmPoweredOffEvent');
    assert.ok(spec);
    assert.deepEqual(
      spec.fields.map((f) => f.jsonName),
      [
        'Key',
        'ChainId',
        'CreatedTime',
        'UserName',
        'Datacenter',
        'ComputeResource',
        'Host',
        'Vm',
        'Ds',
        'Net',
        'Dvs',
        'FullFormattedMessage',
        'ChangeTag',
        'Template',
      ],
    );
    assert.deepEqual(spec.fields.map((f) => f.xmlName).slice(0, 3), [
      'key',
      'chainId',
      'createdTime',
    ]);
  });

  it('records repeated, pointer and polymorphic fields', () => {
    const spec = lookupType('VirtualMachineConfigSpec');
    assert.ok(spec);
    const field = (name: string) => spec.fields.find((f) => f.jsonName === name);
    assert.deepEqual(
      [field('DeviceChange')?.repeated, field('DeviceChange')?.polymorphic],
      [true, true],
    );
    assert.equal(field('DeviceChange')?.typeName, 'VirtualDeviceConfigSpec');
    assert.equal(field('CpuHotAddEnabled')?.pointer, true);
    assert.equal(field('NumCPUs')?.xmlName, 'numCPUs');
  });

  it('maps a ManagedObjectReference to its type attribute and its text', () => {
    const spec = lookupType('ManagedObjectReference');
    assert.ok(spec);
    assert.deepEqual(
      spec.fields.map((f) => [f.jsonName, f.attribute, f.charData]),
      [
        ['Type', true, false],
        ['Value', false, true],
      ],
    );
  });

  it('knows the inheritance of events and the values of enums', () => {
    assert.ok(derivesFrom('HostConnectionLostEvent', 'HostEvent'));
    assert.ok(derivesFrom('HostConnectionLostEvent', 'Event'));
    assert.ok(!derivesFrom('VirtualDisk', 'Event'));
    assert.ok(enumValues('VirtualMachinePowerState')?.includes('poweredOff'));
    assert.equal(lookupType('NoSuchType'), undefined);
  });

  it('leaves out method request and response wrappers', () => {
    assert.equal(lookupType('ReadNextEventsRequestType'), undefined);
    assert.equal(lookupType('ReadNextEventsResponse'), undefined);
  });
});

describe('scripts/gen-vim25-types', () => {
  it('produces exactly the committed table from the govmomi sources', function () {
    if (!existsSync(govmomiTypes) || !hasGo()) this.skip();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'vim25-types-'));
    try {
      const out = path.join(dir, 'table.json');
      execFileSync(path.join(repo, 'scripts', 'gen-vim25-types', 'run.sh'), [out], {
        stdio: 'pipe',
        env: { ...process.env, GOCACHE: path.join(dir, 'go-build') },
      });
      assert.ok(readFileSync(out).equals(readFileSync(committedTable)), 'run run.sh and commit');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

function hasGo(): boolean {
  try {
    execFileSync('go', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
