// The CloudEvent of one decoded vCenter event: id, type, subject, source, time.
import assert from 'node:assert/strict';
import { CloudEvent } from 'cloudevents';
import {
  CloudEventBuildError,
  eventCategory,
  eventId,
  sourceWithoutCredentials,
  toCloudEvent,
} from '../../router/src/events/cloudevent';
import type { DecodedEvent } from '../../router/src/events/vcenter-event';

const source = 'https://vc01.lab.example.com/sdk';
const now = () => new Date('2026-12-01T07:30:00.000Z');

function decoded(overrides: Partial<DecodedEvent> = {}): DecodedEvent {
  return {
    className: 'VmPoweredOnEvent',
    key: 4711,
    createdTime: '2026-11-30T08:14:04.907Z',
    data: { Key: 4711, CreatedTime: '2026-11-30T08:14:04.907Z' },
    problems: [],
    ...overrides,
  };
}

describe('toCloudEvent', () => {
  it('builds a CloudEvent 1.0 with the attributes functions rely on', () => {
    const event = decoded();
    const cloudEvent = toCloudEvent(event, { source, apiVersion: '8.0.3.0', now });
    assert.deepEqual(cloudEvent, {
      specversion: '1.0',
      id: eventId(source, 4711, '2026-11-30T08:14:04.907Z'),
      source,
      type: 'com.vmware.event.router/event',
      subject: 'VmPoweredOnEvent',
      time: '2026-12-01T07:30:00.000Z',
      datacontenttype: 'application/json',
      vsphereapiversion: '8.0.3.0',
      data: event.data,
    });
    assert.equal(cloudEvent.data, event.data, 'data is handed on, not copied');
    // And the SDK agrees it is valid.
    assert.ok(new CloudEvent({ ...cloudEvent }).validate());
  });

  it('uses eventTypeId as subject for EventEx and ExtendedEvent', () => {
    const context = { source, apiVersion: '8.0.3.0', now };
    const ex = toCloudEvent(
      decoded({ className: 'EventEx', eventTypeId: 'esx.problem.net.vmnic.linkstate.down' }),
      context,
    );
    assert.equal(ex.type, 'com.vmware.event.router/eventex');
    assert.equal(ex.subject, 'esx.problem.net.vmnic.linkstate.down');
    const extended = toCloudEvent(
      decoded({ className: 'ExtendedEvent', eventTypeId: 'com.vmware.vcIntegrity.ScanStart' }),
      context,
    );
    assert.equal(extended.type, 'com.vmware.event.router/extendedevent');
    assert.equal(extended.subject, 'com.vmware.vcIntegrity.ScanStart');
  });

  it('falls back to the class name for an EventEx without eventTypeId', () => {
    const ex = toCloudEvent(decoded({ className: 'EventEx' }), { source, apiVersion: '8.0' });
    assert.equal(ex.subject, 'EventEx');
    assert.equal(ex.type, 'com.vmware.event.router/eventex');
  });

  it('takes time from the clock, which defaults to now', () => {
    const before = Date.now();
    const cloudEvent = toCloudEvent(decoded(), { source, apiVersion: '8.0' });
    const time = Date.parse(cloudEvent.time);
    assert.ok(time >= before && time <= Date.now());
  });

  it('drops credentials from the source URL and keeps the rest as given', () => {
    const cloudEvent = toCloudEvent(decoded(), {
      source: 'https://administrator%40vsphere.local:S3cret!@10.0.0.1:443/sdk',
      apiVersion: '8.0',
    });
    assert.equal(cloudEvent.source, 'https://10.0.0.1:443/sdk');
    assert.ok(!JSON.stringify(cloudEvent).includes('S3cret'));
    assert.equal(sourceWithoutCredentials('https://10.0.0.1:443/sdk'), 'https://10.0.0.1:443/sdk');
  });

  it('refuses a source that is not a URL without repeating it', () => {
    assert.throws(
      () => toCloudEvent(decoded(), { source: 'user:pw@@ not a url', apiVersion: '8.0' }),
      (error: unknown) => {
        assert.ok(error instanceof CloudEventBuildError);
        assert.ok(!error.message.includes('pw'));
        return true;
      },
    );
  });

  it('refuses an event without a class name', () => {
    assert.throws(
      () => toCloudEvent(decoded({ className: '' }), { source, apiVersion: '8.0' }),
      /event 4711: empty subject/,
    );
  });
});

describe('eventId', () => {
  it('is the same every time the same vCenter event is emitted', () => {
    const first = toCloudEvent(decoded(), { source, apiVersion: '8.0', now });
    const again = toCloudEvent(decoded(), { source, apiVersion: '8.0.3.0' });
    assert.equal(again.id, first.id);
    assert.match(
      first.id,
      /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });

  it('differs for a wrapped key that repeats with another createdTime', () => {
    const key = -2147483648;
    assert.notEqual(
      eventId(source, key, '2026-11-30T08:00:00Z'),
      eventId(source, key, '2027-04-02T09:00:00Z'),
    );
  });

  it('differs for the same key and time on another vCenter', () => {
    const time = '2026-11-30T08:00:00Z';
    assert.notEqual(
      eventId(source, 1, time),
      eventId('https://vc02.lab.example.com/sdk', 1, time),
    );
  });

  it('differs for different keys at the same time', () => {
    const time = '2026-11-30T08:00:00Z';
    assert.notEqual(eventId(source, 1, time), eventId(source, 2, time));
    assert.notEqual(eventId(source, 12, time), eventId(source, -12, time));
  });
});

describe('eventCategory', () => {
  it('sorts classes into event, eventex and extendedevent', () => {
    assert.equal(eventCategory('VmPoweredOnEvent'), 'event');
    assert.equal(eventCategory('EventEx'), 'eventex');
    assert.equal(eventCategory('ExtendedEvent'), 'extendedevent');
    assert.equal(eventCategory('SomethingNewEvent'), 'event');
  });
});
