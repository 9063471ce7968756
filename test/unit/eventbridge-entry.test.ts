// PutEvents entries made of the router's CloudEvents, their size as AWS counts it, the split
// into calls, and what failures mean. Pure functions: no network here.
import assert from 'node:assert/strict';
import { maxCallBytes, splitIntoCalls } from '../../router/src/processors/eventbridge/batches';
import {
  buildEntry,
  entrySizeBytes,
  eventBridgeEvent,
  maxEntryBytes,
  resourcesOf,
} from '../../router/src/processors/eventbridge/entry';
import {
  classifyCallError,
  classifyEntryError,
  describeError,
} from '../../router/src/processors/eventbridge/failures';
import type { RouterCloudEvent } from '../../router/src/events/cloudevent-json';

function vmPoweredOff(overrides: Partial<RouterCloudEvent['data']> = {}): RouterCloudEvent {
  return {
    specversion: '1.0',
    id: '08179137-b8e0-4973-b05f-8f212bf5003b',
    source: 'https://vc01.example.com/sdk',
    type: 'com.vmware.event.router/event',
    subject: 'VmPoweredOffEvent',
    time: '2020-02-11T21:29:54.9052539Z',
    datacontenttype: 'application/json',
    vsphereapiversion: '8.0.3.0',
    data: {
      Key: 9902,
      ChainId: 9895,
      CreatedTime: '2020-02-11T21:28:23.677595Z',
      UserName: 'VSPHERE.LOCAL\\Administrator',
      Datacenter: { Name: 'testDC', Datacenter: { Type: 'Datacenter', Value: 'datacenter-2' } },
      ComputeResource: {
        Name: 'cls',
        ComputeResource: { Type: 'ClusterComputeResource', Value: 'domain-c7' },
      },
      Host: { Name: '10.185.22.74', Host: { Type: 'HostSystem', Value: 'host-21' } },
      Vm: { Name: 'test-01', Vm: { Type: 'VirtualMachine', Value: 'vm-56' } },
      Ds: null,
      Net: null,
      Dvs: null,
      FullFormattedMessage: 'test-01 on  10.0.0.1 in testDC is powered off',
      ChangeTag: '',
      Template: false,
      ...overrides,
    },
  };
}

describe('EventBridge PutEvents entries', () => {
  it('carry source, subject, the whole CloudEvent, the bus and vCenter time', () => {
    const cloudEvent = vmPoweredOff();
    const entry = buildEntry(cloudEvent, 'vsphere-events');
    assert.equal(entry.EventBusName, 'vsphere-events');
    assert.equal(entry.Source, 'https://vc01.example.com/sdk');
    assert.equal(entry.DetailType, 'VmPoweredOffEvent');
    assert.deepEqual(JSON.parse(entry.Detail as string), cloudEvent);
    // CreatedTime, to the second as EventBridge keeps it.
    assert.equal(entry.Time?.toISOString(), '2020-02-11T21:28:23.000Z');
  });

  it('name the managed objects of the entity arguments as Type:value, in order', () => {
    assert.deepEqual(resourcesOf(vmPoweredOff()), [
      'Datacenter:datacenter-2',
      'ClusterComputeResource:domain-c7',
      'HostSystem:host-21',
      'VirtualMachine:vm-56',
    ]);
  });

  it('add the object an EventEx names, once', () => {
    const event = vmPoweredOff({ ObjectType: 'VirtualMachine', ObjectId: 'vm-56' });
    const other = vmPoweredOff({ Vm: null, ObjectType: 'Datastore', ObjectId: 'datastore-11' });
    assert.equal(resourcesOf(event).filter((r) => r === 'VirtualMachine:vm-56').length, 1);
    assert.ok(resourcesOf(other).includes('Datastore:datastore-11'));
    assert.ok(!resourcesOf(other).some((r) => r.startsWith('VirtualMachine:')));
  });

  it('leave out empty entity arguments and an unreadable time', () => {
    const event = vmPoweredOff({
      Datacenter: { Name: '', Datacenter: { Type: '', Value: '' } },
      ComputeResource: null,
      Host: null,
      Vm: null,
      CreatedTime: '0001-01-01T00:00:00Z',
    });
    event.time = 'not a time';
    const entry = buildEntry(event, 'default');
    assert.deepEqual(entry.Resources, []);
    assert.equal(entry.Time, undefined);
  });

  it('fall back to the CloudEvent time when vCenter gave none', () => {
    const event = vmPoweredOff({ CreatedTime: '' });
    assert.equal(buildEntry(event, 'default').Time?.toISOString(), '2020-02-11T21:29:54.000Z');
  });

  it('count their size as AWS documents: Time 14 bytes, the rest in UTF-8 bytes', () => {
    const entry = {
      Time: new Date(0),
      Source: 'vc-é',
      DetailType: 'Ä',
      Detail: '{"x":"€"}',
      Resources: ['VirtualMachine:vm-1', 'ü'],
    };
    // 14 + 5 + 2 + 11 + 19 + 2
    assert.equal(entrySizeBytes(entry), 53);
    assert.equal(entrySizeBytes({ Source: 'a', DetailType: 'b' }), 2);
  });

  it('make the event rules see: detail is the CloudEvent, time to the second', () => {
    const cloudEvent = vmPoweredOff();
    const event = eventBridgeEvent(cloudEvent, { account: '123456789012', region: 'eu-west-1' });
    assert.deepEqual(event, {
      version: '0',
      'detail-type': 'VmPoweredOffEvent',
      source: 'https://vc01.example.com/sdk',
      account: '123456789012',
      time: '2020-02-11T21:28:23Z',
      region: 'eu-west-1',
      resources: resourcesOf(cloudEvent),
      detail: cloudEvent,
    });
  });
});

describe('EventBridge PutEvents calls', () => {
  const sized = (sizeBytes: number, id: number) => ({ sizeBytes, id });

  it('take at most 10 entries', () => {
    const items = Array.from({ length: 23 }, (_, i) => sized(100, i));
    const calls = splitIntoCalls(items);
    assert.deepEqual(
      calls.map((call) => call.length),
      [10, 10, 3],
    );
    assert.deepEqual(calls.flat(), items, 'order is kept');
  });

  it('take at most 256 KB of entries', () => {
    const third = Math.floor(maxCallBytes / 3);
    const items = [sized(third, 0), sized(third, 1), sized(third, 2), sized(2, 3), sized(10, 4)];
    const calls = splitIntoCalls(items);
    assert.deepEqual(
      calls.map((call) => call.map((item) => item.id)),
      [
        [0, 1, 2],
        [3, 4],
      ],
    );
    for (const call of calls) {
      assert.ok(call.reduce((sum, item) => sum + item.sizeBytes, 0) <= maxCallBytes);
    }
  });

  it('put an entry of exactly the limit in a call of its own', () => {
    const calls = splitIntoCalls([sized(1, 0), sized(maxEntryBytes, 1), sized(1, 2)]);
    assert.deepEqual(
      calls.map((call) => call.map((item) => item.id)),
      [[0], [1], [2]],
    );
  });

  it('are none for no entries', () => {
    assert.deepEqual(splitIntoCalls([]), []);
  });
});

describe('EventBridge failures', () => {
  const sdkError = (name: string, status: number | undefined, message = 'm', fault = 'client') =>
    Object.assign(new Error(message), {
      name,
      $fault: fault,
      $metadata: { httpStatusCode: status },
    });

  it('retry an entry that failed for throttling or an internal failure', () => {
    for (const code of ['ThrottlingException', 'InternalFailure', 'InternalException']) {
      assert.equal(classifyEntryError(code, 'x').outcome, 'retry', code);
    }
  });

  it('dead-letter an entry rejected for good, with code and message', () => {
    for (const code of [
      'MalformedDetail',
      'InvalidArgument',
      'AccessDeniedException',
      'NotAuthorizedForSourceException',
      'NotAuthorizedForDetailTypeException',
    ]) {
      const result = classifyEntryError(code, 'why');
      assert.deepEqual(result, {
        outcome: 'dead',
        reason: `PutEvents entry rejected: ${code}: why`,
      });
    }
  });

  it('retry a call throttled, failing on the server, or never answered', () => {
    const network = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), {
      code: 'ECONNREFUSED',
    });
    for (const error of [
      sdkError('ThrottlingException', 400),
      sdkError('InternalException', 500, 'm', 'server'),
      sdkError('ServiceUnavailable', 503),
      network,
      Object.assign(new Error('request timed out'), { name: 'TimeoutError' }),
    ]) {
      const failure = classifyCallError(error, []);
      assert.equal(failure.kind, 'retry', describeError(error, []));
      assert.equal(failure.kind === 'retry' && failure.auth, false);
    }
    const categoryOf = (error: Error) => {
      const failure = classifyCallError(error, []);
      return failure.kind === 'retry' ? failure.category : failure.kind;
    };
    assert.equal(categoryOf(network), 'unreachable');
    assert.equal(categoryOf(sdkError('ThrottlingException', 400)), 'throttled');
    assert.equal(categoryOf(sdkError('InternalException', 500, 'm', 'server')), 'server');
    assert.equal(describeError(network, []), 'ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:1');
  });

  it('retry a call refused for its credentials, marked as such', () => {
    for (const error of [
      sdkError('UnrecognizedClientException', 400),
      sdkError('InvalidSignatureException', 400),
      sdkError('ExpiredTokenException', 400),
      sdkError('AccessDeniedException', 400),
      Object.assign(new Error('Could not load credentials from any providers'), {
        name: 'CredentialsProviderError',
      }),
    ]) {
      assert.deepEqual(
        { ...classifyCallError(error, []), reason: '' },
        { kind: 'retry', auth: true, category: 'auth', reason: '' },
        error.name,
      );
    }
  });

  it('retry while the bus does not exist', () => {
    assert.equal(classifyCallError(sdkError('ResourceNotFoundException', 400), []).kind, 'retry');
  });

  it('call any other client error a rejection', () => {
    const failure = classifyCallError(sdkError('ValidationException', 400, 'too big'), []);
    assert.deepEqual(failure, {
      kind: 'rejected',
      reason: 'ValidationException (HTTP 400): too big',
    });
  });

  it('never carry a secret in the reason', () => {
    const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
    const error = sdkError('InvalidSignatureException', 400, `signature with ${secret} is wrong`);
    const failure = classifyCallError(error, [secret]);
    assert.ok(!failure.reason.includes(secret));
    assert.match(failure.reason, /\[redacted\]/);
  });
});
