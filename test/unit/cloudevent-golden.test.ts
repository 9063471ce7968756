// Golden tests: a vim25 ReadNextEvents/QueryEvents response goes in, the exact CloudEvents the
// router emits come out. The fixtures use different namespace prefixes on purpose.
//
// To regenerate after an intended change, run
//   UPDATE_GOLDEN=1 npx mocha test/unit/cloudevent-golden.test.ts
// and review the diff of test/fixtures/golden/ line by line before committing it.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { toCloudEvent } from '../../router/src/events/cloudevent';
import type { RouterCloudEvent } from '../../router/src/events/cloudevent-json';
import { decodeEventsResponse } from '../../router/src/vcenter/decode';

const fixtures = path.join(__dirname, '..', 'fixtures');
// A CloudEvent exactly as the original appliance delivered it (from that project's examples).
const referencePath = path.join(fixtures, 'golden', 'reference-vm-powered-off.json');
const context = {
  source: 'https://vc01.lab.example.com/sdk',
  apiVersion: '8.0.3.0',
  now: () => new Date('2026-12-01T07:30:00.000Z'),
};

function emitted(fixture: string): RouterCloudEvent[] {
  const xml = readFileSync(path.join(fixtures, 'vim25', `${fixture}.xml`), 'utf8');
  return decodeEventsResponse(xml).map((event) => toCloudEvent(event, context));
}

function golden(fixture: string, actual: RouterCloudEvent[]): unknown {
  const file = path.join(fixtures, 'golden', `${fixture}.json`);
  if (process.env.UPDATE_GOLDEN === '1') {
    writeFileSync(file, `${JSON.stringify(actual, null, 2)}\n`);
  }
  return JSON.parse(readFileSync(file, 'utf8'));
}

const cases: Array<[fixture: string, scenario: string]> = [
  ['vm-powered-on', 'a VM starting and powered on (prefixed vim25 elements, xsi as i:)'],
  ['vm-powered-off', 'a VM powered off (the original appliance example)'],
  ['vm-reconfigured', 'a VM reconfigured with a disk added (configSpec.deviceChange)'],
  ['alarm-status-changed', 'an alarm status change (xsi bound to an unusual prefix)'],
  ['eventex-arguments', 'an EventEx with typed arguments (xsd bound to xs:)'],
  ['extended-event', 'an ExtendedEvent with data pairs'],
  ['user-login-logout', 'a user login and logout session'],
  ['host-connection-lost', 'a host connection lost with a wrapped (negative) key'],
  ['unknown-type', 'an event type the table does not know, then a known one'],
];

describe('golden CloudEvents from vim25 responses', () => {
  for (const [fixture, scenario] of cases) {
    it(`${fixture}: ${scenario}`, () => {
      const actual = emitted(fixture);
      // Through JSON, as a function receives it.
      assert.deepEqual(JSON.parse(JSON.stringify(actual)), golden(fixture, actual));
    });
  }
});

describe('shape of the original appliance', () => {
  const reference = JSON.parse(readFileSync(referencePath, 'utf8')) as Record<string, unknown>;

  it('VmPoweredOffEvent has the reference type and subject', () => {
    const [ours] = golden('vm-powered-off', emitted('vm-powered-off')) as RouterCloudEvent[];
    assert.equal(ours.type, reference.type);
    assert.equal(ours.subject, reference.subject);
    assert.equal(ours.datacontenttype, reference.datacontenttype);
    assert.equal(ours.specversion, reference.specversion);
  });

  it('VmPoweredOffEvent data has the same keys, nesting and JSON types at every level', () => {
    const [ours] = golden('vm-powered-off', emitted('vm-powered-off')) as RouterCloudEvent[];
    assert.deepEqual(shapeOf(ours.data), shapeOf(reference.data));
    // The field order too: Go wrote the embedded Event's fields first.
    assert.deepEqual(Object.keys(ours.data), Object.keys(reference.data as object));
  });

  it('VmPoweredOffEvent data equals the reference where the vCenter event is the same', () => {
    const [ours] = emitted('vm-powered-off');
    assert.deepEqual(ours.data, reference.data);
  });
});

/** Keys, nesting and JSON types (null, boolean, number, string, array, object), no values. */
function shapeOf(value: unknown): unknown {
  if (value === null) return 'null';
  if (Array.isArray(value)) return value.map(shapeOf);
  if (typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, shapeOf(v)]));
  }
  return typeof value;
}
