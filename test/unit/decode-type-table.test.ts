// The generated vim25 type table as the decoder sees it.
import assert from 'node:assert/strict';
import {
  derivesFrom,
  enumValues,
  lookupType,
  typeTableSource,
} from '../../router/src/vcenter/decode-type-table';

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
