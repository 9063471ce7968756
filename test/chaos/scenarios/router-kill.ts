// kill -9 of the router at random moments while vCenter logs bursts of events, delivering to
// all three kinds of target at once. Every restart resumes from the store: what was taken in
// is delivered, what was not is re-read from vCenter.
import { setTimeout as sleep } from 'node:timers/promises';

import {
  chaosSeed,
  connectedLog,
  durations,
  randomSource,
  withRig,
  type Scenario,
} from '../scenario';

export const routerKill: Scenario = {
  name: 'router kill -9',
  fault: `SIGKILL ${durations.routerKills} times at random moments under load`,
  run: () =>
    withRig({ targets: ['stdout', 'openfaas', 'eventbridge'] }, async (rig) => {
      const random = randomSource(chaosSeed);
      rig.note(`seed ${chaosSeed}`);
      const router = rig.startRouter();
      await router.waitForLog(connectedLog, 30_000);
      for (let kill = 0; kill < durations.routerKills; kill++) {
        const burst = rig.burst(200 + random(800));
        await sleep(100 + random(1_500));
        await router.killAndRestart();
        await burst;
      }
      await rig.burst(300);
    }),
};
