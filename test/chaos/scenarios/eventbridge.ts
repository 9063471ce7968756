// EventBridge refusing work: whole PutEvents calls throttled or failing, and calls that go
// through with some entries failed, some for a retry (InternalFailure) and some for good
// (InvalidArgument), which must end as dead letters, not silently dropped.
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

import { internalError, throttling } from '../../stand-ins/eventbridge-endpoint';
import { connectedLog, durations, withRig, type Scenario } from '../scenario';

export const eventBridgeThrottled: Scenario = {
  name: 'EventBridge throttling',
  fault: `PutEvents throttled (and some 500s) for ${durations.faultPhaseMs / 1000} s`,
  run: () =>
    withRig({ targets: ['eventbridge'] }, async (rig) => {
      const router = rig.startRouter();
      await router.waitForLog(connectedLog, 30_000);
      const endpoint = rig.endpoint!;
      let faulting = true;
      // The stand-in fails the next N calls, however late they come: keep only a few queued,
      // so the faults end with the phase instead of lasting until the queue is used up.
      let queued = 0;
      const faulted = () =>
        endpoint.calls.filter(
          (c) => c.errorType === throttling.type || c.errorType === internalError.type,
        ).length;
      const faults = (async () => {
        while (faulting) {
          if (queued - faulted() < 4) {
            endpoint.failNext('PutEvents', 3, throttling);
            endpoint.failNext('PutEvents', 1, internalError);
            queued += 4;
          }
          await sleep(500);
        }
      })();
      await rig.load(durations.faultPhaseMs);
      faulting = false;
      await faults;
      const throttled = endpoint.calls.filter((c) => c.errorType === throttling.type).length;
      rig.check('calls were throttled', throttled > 0, `${throttled} calls`);
    }),
};

/** One event in fifty is rejected for good, by its id (the same on every attempt). */
function rejectedForGood(detail: unknown): boolean {
  const id = String((JSON.parse(String(detail)) as { id?: string }).id);
  return createHash('sha256').update(id).digest()[0] % 50 === 0;
}

export const eventBridgePartial: Scenario = {
  name: 'EventBridge partial failures',
  fault:
    '30% of entries InternalFailure, 2% InvalidArgument ' +
    `for ${durations.faultPhaseMs / 1000} s`,
  run: () =>
    withRig({ targets: ['eventbridge'] }, async (rig) => {
      const router = rig.startRouter();
      await router.waitForLog(connectedLog, 30_000);
      const endpoint = rig.endpoint!;
      let rejected = 0;
      endpoint.failEntries((entry) => {
        if (rejectedForGood(entry.Detail)) {
          rejected += 1;
          return { code: 'InvalidArgument', message: 'chaos: rejected for good' };
        }
        if (Math.random() < 0.3) return { code: 'InternalFailure', message: 'chaos: try again' };
        return undefined;
      });
      await rig.load(durations.faultPhaseMs);
      await rig.waitTakenIn('the load taken in');
      await sleep(3_000);
      endpoint.failEntries(undefined);
      rig.check('some entries were rejected for good', rejected > 0, `${rejected} entries`);
    }),
};
