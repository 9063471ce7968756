// The OpenFaaS gateway misbehaving: gone for minutes, answering 500s, answering slowly, and a
// function that hangs past the router's timeout (2 s here). Events wait in the store and arrive
// afterwards; a call the router gave up on may still have run, so duplicates are expected,
// always with the same CloudEvent id.
import { setTimeout as sleep } from 'node:timers/promises';

import type { ChaosRig } from '../rig';
import { connectedLog, durations, withRig, type Scenario } from '../scenario';

async function started(rig: ChaosRig): Promise<void> {
  const router = rig.startRouter();
  await router.waitForLog(connectedLog, 30_000);
  await rig.burst(300);
}

export const gatewayDown: Scenario = {
  name: 'OpenFaaS gateway down',
  fault: `gateway gone for ${durations.gatewayOutageMs / 1000} s, then back on the same port`,
  run: () =>
    withRig({ targets: ['openfaas'] }, async (rig) => {
      await started(rig);
      await rig.gateway!.goDown();
      // Slow, steady load: a few thousand events wait in the store by the end.
      const posted = await rig.load(durations.gatewayOutageMs, 100, 4_000);
      rig.note(`${posted} events posted during the outage`);
      rig.check(
        'the router says it cannot reach the gateway',
        rig.router!.logs.some((line) => /ECONNREFUSED/.test(line)),
      );
      await rig.gateway!.comeBack();
    }),
};

export const gatewayErrors: Scenario = {
  name: 'OpenFaaS gateway 500s',
  fault: `every gateway answer a 500 for ${durations.faultPhaseMs / 1000} s`,
  run: () =>
    withRig({ targets: ['openfaas'] }, async (rig) => {
      await started(rig);
      rig.gateway!.failSystem({ status: 500, body: 'upstream error' });
      rig.functionBehaviour = () => ({ status: 500, body: 'internal error' });
      await rig.load(durations.faultPhaseMs);
      rig.gateway!.failSystem(undefined);
      rig.functionBehaviour = () => ({ status: 200 });
    }),
};

export const gatewaySlow: Scenario = {
  name: 'OpenFaaS gateway slow',
  fault: `every answer 1.5 s late (timeout 2 s) for ${durations.faultPhaseMs / 1000} s`,
  run: () =>
    withRig({ targets: ['openfaas'] }, async (rig) => {
      await started(rig);
      rig.gateway!.slowDown({ systemMs: 1_500, functionMs: 1_500 });
      await rig.load(durations.faultPhaseMs);
      rig.gateway!.slowDown({ systemMs: 0, functionMs: 0 });
    }),
};

export const functionHangs: Scenario = {
  name: 'OpenFaaS function hangs',
  fault: `function answers after 6 s (timeout 2 s) for ${durations.faultPhaseMs / 1000} s`,
  run: () =>
    withRig({ targets: ['openfaas'] }, async (rig) => {
      await started(rig);
      rig.functionBehaviour = async () => {
        await sleep(6_000);
        return { status: 200 };
      };
      await rig.load(durations.faultPhaseMs);
      rig.functionBehaviour = () => ({ status: 200 });
      rig.check(
        'the router says the call timed out',
        rig.router!.logs.some((line) => /timeout|timed out/i.test(line)),
      );
      await sleep(6_000); // calls given up on finish, and count as the duplicates they are
    }),
};
