// At least once, end to end: the router is killed with SIGKILL again and again while vCenter
// logs events, and afterwards every event of vCenter's history has been delivered, and every
// event delivered twice carried the same CloudEvent id both times.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';

import type { RouterCloudEvent } from '../../router/src/events/cloudevent-json';
import {
  routerFiles,
  startRouter,
  stdoutConfig,
  type RouterFiles,
} from '../support/router-process';
import { vcsimStreamEntry } from '../support/config-entries';
import { startVcsim, type Vcsim } from '../support/vcsim';
import { VcsimSoapClient } from '../support/vcsim-soap';

const identity = (e: RouterCloudEvent) =>
  `${e.data.Key as number}@${e.data.CreatedTime as string}`;

describe('router: kill -9 while events flow', function () {
  this.timeout(180_000);
  let vcsim: Vcsim;
  let files: RouterFiles;

  before(async () => {
    vcsim = await startVcsim({ eventHistorySize: 50_000 });
  });

  after(async () => {
    files?.remove();
    await vcsim.stop();
  });

  it('loses no event over five kills, and a duplicate always has the same id', async () => {
    files = routerFiles(
      stdoutConfig(
        vcsimStreamEntry(vcsim, {
          ca_file: vcsim.caFile,
          poll_interval: '100ms',
          page_size: 50,
          start_from: 'beginning',
        }),
      ),
    );
    const router = startRouter(files);
    let seed = 1;
    for (let kill = 0; kill < 5; kill++) {
      await vcsim.burst(1_500, seed++);
      await sleep(100 + Math.floor(Math.random() * 300));
      await router.killAndRestart();
    }
    const { lastEventKey } = await vcsim.status();
    await router.waitForEvents(
      (events) => events.some((e) => (e.data.Key as number) >= lastEventKey),
      'the last burst',
      90_000,
    );
    await router.stop();

    const client = await VcsimSoapClient.loggedIn(vcsim);
    const collector = await client.createCollectorForEvents();
    const history = (await client.readToEnd(collector, 1000)).filter((e) => e.key <= lastEventKey);
    await client.logout();

    const delivered = new Map<string, string>();
    let duplicates = 0;
    for (const event of router.events) {
      const id = delivered.get(identity(event));
      if (id !== undefined) {
        duplicates += 1;
        assert.equal(event.id, id, `duplicate of ${identity(event)} with another id`);
      }
      delivered.set(identity(event), event.id);
    }
    const lost = history.filter((e) => !delivered.has(`${e.key}@${e.createdTime}`));
    assert.equal(history.length > 7_500, true);
    console.log(
      `      ${history.length} events, ${router.events.length} delivered, ${duplicates} again`,
    );
    assert.deepEqual(
      lost.map((e) => e.key),
      [],
      'events lost',
    );
    // Only deliveries in flight at a kill come twice: a page of stdout at most per kill.
    assert.ok(duplicates <= 5 * 100, `${duplicates} duplicates`);
    assert.ok(router.events.length > 0);
  });
});
