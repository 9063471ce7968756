// Signals an operator or systemd sends under load: SIGHUP with a broken config file (rejected,
// the running config stays), then with a good one (a real reload), and SIGTERM in the middle
// of a burst (a clean stop; the rest waits in the store or in vCenter).
import fs from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

import { connectedLog, durations, withRig, type Scenario } from '../scenario';

export const reloadInvalid: Scenario = {
  name: 'SIGHUP with an invalid file',
  fault: 'SIGHUP with a schema error, then a JSON syntax error, then a good file, under load',
  run: () =>
    withRig({ targets: ['openfaas'] }, async (rig) => {
      const router = rig.startRouter();
      await router.waitForLog(connectedLog, 30_000);
      const load = rig.load(Math.max(durations.faultPhaseMs, 8_000));
      const rejections = () =>
        router.logs.filter((line) => /rejected; the running configuration stays/.test(line));

      await sleep(1_000);
      fs.writeFileSync(rig.files.configFile, '[{"type": "stream", "provider": "vmware_vcenter"}]');
      router.signal('SIGHUP');
      await rig.waitFor('the first rejection', 30_000, () => rejections().length === 1);
      fs.writeFileSync(rig.files.configFile, '[{"type": "stream",');
      router.signal('SIGHUP');
      await rig.waitFor('the second rejection', 30_000, () => rejections().length === 2);
      rig.writeConfig();
      router.signal('SIGHUP');
      await router.waitForLog(/configuration reloaded/, 30_000);
      await load;
      rig.check(
        'both bad files rejected, the router kept running',
        router.child.exitCode === null,
      );
    }),
};

export const stopDuringBurst: Scenario = {
  name: 'SIGTERM during a burst',
  fault: 'SIGTERM while a 5000-event burst is read and delivered, then a restart',
  run: () =>
    withRig({ targets: ['stdout', 'openfaas'] }, async (rig) => {
      rig.functionBehaviour = async () => {
        await sleep(2); // deliveries in flight when SIGTERM comes
        return { status: 200 };
      };
      const router = rig.startRouter();
      await router.waitForLog(connectedLog, 30_000);
      const burst = rig.burst(5_000);
      await rig.waitFor('the burst arriving', 60_000, () => rig.arrivals('openfaas').length > 500);
      const stopAsked = Date.now();
      router.signal('SIGTERM');
      const code = await router.exited();
      rig.check('exit 0 on SIGTERM mid-burst', code === 0, `exit ${code}`);
      rig.check(
        'says undelivered events wait in the store',
        router.logs.some((line) => /undelivered events wait in the store/.test(line)),
      );
      rig.note(`stopped ${((Date.now() - stopAsked) / 1000).toFixed(1)} s after SIGTERM`);
      await burst;
      await router.killAndRestart();
      await router.waitForLog(connectedLog, 30_000);
      await rig.burst(300);
    }),
};
