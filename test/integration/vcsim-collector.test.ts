// Proves that the test vCenter's EventHistoryCollector behaves the way VMware's API reference
// describes a vCenter's, which govmomi 0.24.2's simulator does not (it answers newest first,
// never returns events posted after the collector reached the end, and ignores the time
// filter): the tests of the first two groups fail against a vcsim built without
// test/vcsim/overlay. The last group checks the harness itself: login faults, expired
// sessions, restart, a changed certificate, freeze.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';

import { startVcsim, type Vcsim } from '../support/vcsim';
import {
  SoapFaultError,
  VcsimSoapClient,
  generalUserEventXml,
  type EventFilter,
  type VcsimEvent,
  type VmPlacement,
} from '../support/vcsim-soap';

const probeType: EventFilter = { eventTypeId: ['GeneralUserEvent'] };

/** createdTime as microseconds since the epoch, exact (Date keeps only milliseconds). */
function micros(createdTime: string): bigint {
  const match = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?Z$/.exec(createdTime);
  assert.ok(match, `createdTime ${createdTime} is not UTC xsd:dateTime`);
  const fraction = (match[2] ?? '').padEnd(6, '0').slice(0, 6);
  return BigInt(Date.parse(`${match[1]}Z`)) * 1000n + BigInt(fraction);
}

function messages(events: VcsimEvent[]): (string | undefined)[] {
  return events.map((e) => e.message);
}

describe('test vCenter: EventHistoryCollector', function () {
  let vcsim: Vcsim;
  let client: VcsimSoapClient;
  let vms: VmPlacement[];
  let run = 0;

  before(async function () {
    vcsim = await startVcsim();
    client = await VcsimSoapClient.loggedIn(vcsim);
    vms = await client.findVms();
  });

  after(async function () {
    await vcsim?.stop();
  });

  /** Posts GeneralUserEvents with messages unique to this test, one after the other. */
  async function postProbes(count: number, spacingMs = 0): Promise<string[]> {
    run++;
    const posted: string[] = [];
    for (let i = 0; i < count; i++) {
      const message = `probe ${run}.${i}`;
      await client.postEvent(
        generalUserEventXml({ message, placement: vms[i % vms.length], entity: vms[0].vm }),
      );
      posted.push(message);
      if (spacingMs) await sleep(spacingMs); // distinct createdTime values, not a speed check
    }
    return posted;
  }

  it('returns events posted after reaching the end, in order, once each', async function () {
    const collector = await client.createCollectorForEvents(probeType);
    await client.readToEnd(collector);

    const posted = await postProbes(30);
    const read = await client.readToEnd(collector, 7);

    assert.deepEqual(messages(read), posted);
    assert.equal(new Set(read.map((e) => e.key)).size, posted.length, 'keys are unique');
    for (let i = 1; i < read.length; i++) {
      assert.ok(micros(read[i - 1].createdTime) <= micros(read[i].createdTime));
    }
    assert.deepEqual(await client.readNextEvents(collector, 100), []);
  });

  it('reads a new collector from the oldest event to the newest', async function () {
    const begin = await client.currentTime();
    const posted = await postProbes(5);
    const collector = await client.createCollectorForEvents({ ...probeType, beginTime: begin });

    assert.deepEqual(messages(await client.readNextEvents(collector, 2)), posted.slice(0, 2));
    assert.deepEqual(messages(await client.readNextEvents(collector, 10)), posted.slice(2));
  });

  it('honours beginTime (inclusive) and endTime (inclusive)', async function () {
    const begin = await client.currentTime();
    const [a, b, c] = await postProbes(3, 5);
    const all = await client.readToEnd(
      await client.createCollectorForEvents({ ...probeType, beginTime: begin }),
    );
    assert.deepEqual(messages(all), [a, b, c]);
    const [eventA, eventB] = all;

    const fromB = await client.createCollectorForEvents({
      ...probeType,
      beginTime: eventB.createdTime,
    });
    assert.deepEqual(messages(await client.readToEnd(fromB)), [b, c]);

    const aToB = await client.createCollectorForEvents({
      ...probeType,
      beginTime: eventA.createdTime,
      endTime: eventB.createdTime,
    });
    assert.deepEqual(messages(await client.readToEnd(aToB)), [a, b]);
  });

  it('goes back with ReadPreviousEvents and starts over with RewindCollector', async function () {
    const begin = await client.currentTime();
    const [p0, p1, p2, p3] = await postProbes(4);
    const collector = await client.createCollectorForEvents({ ...probeType, beginTime: begin });
    await client.readToEnd(collector);

    assert.deepEqual(messages(await client.readPreviousEvents(collector, 2)), [p2, p3]);
    assert.deepEqual(messages(await client.readPreviousEvents(collector, 2)), [p0, p1]);
    assert.deepEqual(await client.readPreviousEvents(collector, 2), []);

    await client.readToEnd(collector);
    await client.rewindCollector(collector);
    assert.deepEqual(messages(await client.readNextEvents(collector, 1)), [p0]);
  });

  it('moves to just before the latest page with ResetCollector', async function () {
    const begin = await client.currentTime();
    const [p0, p1, p2, p3] = await postProbes(4);
    const collector = await client.createCollectorForEvents({
      ...probeType,
      beginTime: begin,
      maxCount: 2,
    });

    await client.resetCollector(collector);
    assert.deepEqual(messages(await client.readNextEvents(collector, 10)), [p2, p3]);
    await client.resetCollector(collector);
    assert.deepEqual(messages(await client.readPreviousEvents(collector, 10)), [p0, p1]);
  });

  it('keeps the newest page in latestPage, resized by SetCollectorPageSize', async function () {
    const begin = await client.currentTime();
    const collector = await client.createCollectorForEvents({
      ...probeType,
      beginTime: begin,
      maxCount: 3,
    });
    const posted = await postProbes(5);

    // The reference calls the page unordered, so compare as sets.
    const latest = messages(await client.latestPage(collector)).sort();
    assert.deepEqual(latest, posted.slice(2).sort());

    await client.setCollectorPageSize(collector, 1);
    assert.deepEqual(messages(await client.latestPage(collector)), [posted[4]]);
  });

  it('reports a power cycle as VmPoweredOffEvent then VmPoweredOnEvent', async function () {
    const vm = vms[0].vm;
    const collector = await client.createCollectorForEvents({
      entity: { ref: vm.ref, recursion: 'self' },
      eventTypeId: ['VmPoweredOffEvent', 'VmPoweredOnEvent'],
    });
    await client.readToEnd(collector); // the VM was powered on when the model was built
    const powerCycleBegan = micros(await client.currentTime());

    await client.powerOffVm(vm.ref);
    await client.powerOnVm(vm.ref);

    const read = await client.readToEnd(collector);
    assert.deepEqual(
      read.map((e) => e.type),
      ['VmPoweredOffEvent', 'VmPoweredOnEvent'],
    );
    for (const event of read) {
      assert.deepEqual(event.vm, vm);
      assert.ok(micros(event.createdTime) >= powerCycleBegan, `${event.key} is from the cycle`);
    }
    assert.ok(micros(read[0].createdTime) <= micros(read[1].createdTime));
  });
  it('filters by userName and entity, leaving out messages on request', async function () {
    const begin = await client.currentTime();
    const [mine] = await postProbes(1);
    await client.postEvent(
      generalUserEventXml({ message: 'from someone else', userName: 'CORP\\other' }),
    );

    const byUser = await client.createCollectorForEvents({
      ...probeType,
      beginTime: begin,
      userName: { systemUser: false, userList: [vcsim.username] },
    });
    assert.deepEqual(messages(await client.readToEnd(byUser)), [mine]);

    // The probe names the VM's datacenter; the other event names no entity at all.
    const inDatacenter = await client.createCollectorForEvents({
      ...probeType,
      beginTime: begin,
      entity: { ref: vms[0].datacenter.ref, recursion: 'all' },
      disableFullMessage: true,
    });
    const read = await client.readToEnd(inDatacenter);
    assert.deepEqual(messages(read), [mine]);
    assert.equal(read[0].fullFormattedMessage, '');
  });
});

describe('test vCenter: event keys that wrap', function () {
  let vcsim: Vcsim;

  before(async function () {
    // The model's own events and the login take a few dozen keys; the burst crosses MaxInt32.
    vcsim = await startVcsim({ firstEventKey: 2_147_483_647 - 100, eventHistorySize: 1000 });
  });

  after(async function () {
    await vcsim?.stop();
  });

  it('returns a burst across 2147483647 in order, keys following on', async function () {
    const client = await VcsimSoapClient.loggedIn(vcsim);
    const collector = await client.createCollectorForEvents();
    await client.readToEnd(collector);

    const burst = await vcsim.burst(300);
    const read = await client.readToEnd(collector, 1000);

    assert.equal(read.length, 300);
    assert.ok(burst.firstKey > 0 && burst.lastKey < 0, `${burst.firstKey}..${burst.lastKey}`);
    assert.equal(read[0].key, burst.firstKey);
    assert.equal(read[299].key, burst.lastKey);
    for (let i = 1; i < read.length; i++) {
      assert.equal(read[i].key, (read[i - 1].key + 1) | 0, `key after ${read[i - 1].key}`);
    }
    assert.ok(new Set(read.map((e) => e.type)).size >= 5, 'a burst mixes event types');
  });
  it('keeps only the newest eventHistorySize events, the oldest dropped first', async function () {
    const client = await VcsimSoapClient.loggedIn(vcsim);
    const burst = await vcsim.burst(1500, 2);
    const collector = await client.createCollectorForEvents();

    const read = await client.readToEnd(collector, 1000);

    assert.equal(read.length, 1000);
    assert.equal(read[999].key, burst.lastKey);
  });
});

describe('test vCenter: harness', function () {
  let vcsim: Vcsim;

  beforeEach(async function () {
    vcsim = await startVcsim();
  });

  afterEach(async function () {
    await vcsim?.stop();
  });

  it('answers a wrong password with InvalidLogin', async function () {
    const client = new VcsimSoapClient(vcsim.sdkUrl, vcsim.caFile);
    await assert.rejects(client.login(vcsim.username, `${vcsim.password}x`), (err: unknown) => {
      assert.ok(err instanceof SoapFaultError);
      assert.equal(err.fault, 'InvalidLogin');
      return true;
    });
  });

  it('expires sessions: NotAuthenticated, then the collector is gone', async function () {
    const client = await VcsimSoapClient.loggedIn(vcsim);
    const collector = await client.createCollectorForEvents();

    assert.equal(await vcsim.expireSessions(), 1);
    await assert.rejects(client.readNextEvents(collector, 10), { fault: 'NotAuthenticated' });

    await client.login(vcsim.username, vcsim.password);
    await assert.rejects(client.readNextEvents(collector, 10), { fault: 'ManagedObjectNotFound' });
  });

  it('restarts on the same port with the same certificate, keys carrying on', async function () {
    const { port, thumbprintSha256, caFile } = vcsim;
    const before = await vcsim.status();

    await vcsim.restart();

    assert.equal(vcsim.port, port);
    assert.equal(vcsim.thumbprintSha256, thumbprintSha256);
    const client = new VcsimSoapClient(vcsim.sdkUrl, caFile);
    await client.login(vcsim.username, vcsim.password);
    const [login] = await client.readToEnd(
      await client.createCollectorForEvents({ eventTypeId: ['UserLoginSessionEvent'] }),
    );
    assert.ok(login.key > before.lastEventKey, `${login.key} after ${before.lastEventKey}`);
  });

  it('restarts after kill() with a new certificate on the same port', async function () {
    const { port, thumbprintSha256, caFile: oldCaFile } = vcsim;

    await vcsim.kill();
    await vcsim.restart({ newCertificate: true });

    assert.equal(vcsim.port, port);
    assert.notEqual(vcsim.thumbprintSha256, thumbprintSha256);
    const pinnedToOld = new VcsimSoapClient(vcsim.sdkUrl, oldCaFile);
    await assert.rejects(pinnedToOld.login(vcsim.username, vcsim.password), /self[- ]signed/);
    await VcsimSoapClient.loggedIn(vcsim);
  });

  it('does not answer while frozen and answers once thawed', async function () {
    const client = await VcsimSoapClient.loggedIn(vcsim);
    await vcsim.freeze();

    let answered = false;
    const pending = client.currentTime().then(() => (answered = true));
    await sleep(300); // a frozen process never answers; waiting longer proves no more
    assert.equal(answered, false);

    vcsim.thaw();
    await pending;
    assert.equal(answered, true);
  });
});
