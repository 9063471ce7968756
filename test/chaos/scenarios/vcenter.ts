// What vCenter and the network to it do to a client: hang, restart, end sessions, cut or
// black-hole connections, present another certificate.
import { setTimeout as sleep } from 'node:timers/promises';

import type { ChaosRig } from '../rig';
import { connectedLog, durations, withRig, type Scenario } from '../scenario';
import type { ProxyMode } from '../tcp-proxy';

export const vcenterFrozen: Scenario = {
  name: 'vCenter frozen',
  fault: `SIGSTOP for ${durations.vcenterFreezeMs / 1000} s while the router reads a burst`,
  run: () =>
    withRig({ targets: ['stdout'] }, async (rig) => {
      const router = rig.startRouter();
      await router.waitForLog(connectedLog, 30_000);
      await rig.burst(3_000);
      await rig.vcsim.freeze();
      await sleep(durations.vcenterFreezeMs);
      rig.vcsim.thaw();
      rig.check(
        'the router kept running while vCenter was frozen',
        router.child.exitCode === null,
      );
      await rig.burst(500);
    }),
};

export const vcenterRestarted: Scenario = {
  name: 'vCenter restarted',
  fault: 'vCenter restarts (sessions and collectors gone) while deliveries are in flight',
  run: () =>
    withRig({ targets: ['eventbridge'] }, async (rig) => {
      const router = rig.startRouter();
      await router.waitForLog(connectedLog, 30_000);
      for (let restart = 0; restart < 3; restart++) {
        await rig.burst(1_500);
        // Limitation: the test vCenter forgets its history on restart (a real one keeps it in
        // its database), so the restart waits until the router has taken everything in;
        // otherwise events vCenter itself lost would count as lost by the router.
        await rig.waitTakenIn('the burst taken in before the restart');
        await rig.rememberHistory();
        await rig.vcsim.restart();
      }
      await rig.burst(500);
      await router.waitForLog(/reconnected after/, 60_000);
    }),
};

export const sessionExpired: Scenario = {
  name: 'session expired',
  fault: 'vCenter ends every session 5 times during bursts',
  run: () =>
    withRig({ targets: ['openfaas'] }, async (rig) => {
      const router = rig.startRouter();
      await router.waitForLog(connectedLog, 30_000);
      let expired = 0;
      for (let round = 0; round < 5; round++) {
        const burst = rig.burst(800);
        await sleep(300);
        expired += await rig.vcsim.expireSessions();
        await burst;
        await sleep(1_000);
      }
      rig.check('sessions were ended', expired >= 5, `${expired} sessions`);
      await router.waitForLog(/NotAuthenticated/, 30_000);
      rig.check(
        'the router logged in again',
        router.logs.some((line) => /reconnected after/.test(line)),
      );
    }),
};

function networkCut(mode: Exclude<ProxyMode, 'pass'>, cutMs: number) {
  return async (rig: ChaosRig) => {
    const router = rig.startRouter();
    await router.waitForLog(connectedLog, 30_000);
    const load = rig.load(cutMs + 3_000, 200, 500);
    await sleep(1_000);
    rig.proxy!.setMode(mode);
    const logsBefore = router.logs.length;
    await sleep(cutMs);
    rig.proxy!.setMode('pass');
    await load;
    await rig.burst(300);
    await rig.waitTakenIn('reading after the cut');
    const during = router.logs.slice(logsBefore);
    rig.note(
      `${during.filter((line) => /reconnect|timed? ?out|ECONN|socket/i.test(line)).length} ` +
        'log lines about the cut',
    );
  };
}

export const networkDropped: Scenario = {
  name: 'network to vCenter dropped',
  fault: `TCP proxy resets every connection for ${durations.networkDropMs / 1000} s`,
  run: () =>
    withRig(
      { targets: ['stdout'], throughProxy: true },
      networkCut('drop', durations.networkDropMs),
    ),
};

export const networkStalled: Scenario = {
  name: 'network to vCenter stalled',
  fault: `TCP proxy forwards nothing for ${durations.networkStallMs / 1000} s`,
  run: () =>
    withRig(
      { targets: ['stdout'], throughProxy: true },
      networkCut('stall', durations.networkStallMs),
    ),
};

export const certificateChanged: Scenario = {
  name: 'TLS certificate changed under a pin',
  fault: 'vCenter restarts with a new certificate; pin updated + SIGHUP',
  run: () =>
    withRig({ targets: ['stdout'], pinned: true }, async (rig) => {
      const router = rig.startRouter();
      await router.waitForLog(connectedLog, 30_000);
      await rig.burst(1_000);
      await rig.waitTakenIn('the burst taken in before the restart');
      await rig.rememberHistory();
      const { lastEventKey } = await rig.vcsim.status();
      await rig.vcsim.restart({ newCertificate: true });
      await rig.burst(500);

      const refusal = await router.waitForLog(/certificate pin mismatch/, 90_000);
      rig.check('the router says the pin does not match', true, refusal.slice(0, 200));
      await sleep(3_000);
      const fromNew = rig.arrivals('stdout').filter((e) => Number(e.data.Key) > lastEventKey);
      rig.check(
        'nothing is read from the vCenter with the unpinned certificate',
        fromNew.length === 0,
        `${fromNew.length} events`,
      );

      rig.pinCurrentCertificate();
      rig.writeConfig();
      router.signal('SIGHUP');
      await router.waitForLog(/configuration reloaded/, 30_000);
      await rig.burst(200);
    }),
};
