// What a scenario is and how one runs: a rig is started, the scenario's body inflicts its fault
// under load, and the rig settles and counts. `cleanup` runs after the router stopped and before
// the rig removes its files (a tmpfs must be unmounted first).
import { durations } from './durations';
import { ChaosRig, type Check, type RigOptions } from './rig';
import type { TargetTally } from './tally';

export interface ScenarioResult {
  tallies: TargetTally[];
  checks: Check[];
  notes: string[];
}

export interface Scenario {
  /** Short, for the table's first column. */
  name: string;
  /** The fault in a few words. */
  fault: string;
  run(): Promise<ScenarioResult>;
}

export async function withRig(
  options: RigOptions,
  body: (rig: ChaosRig) => Promise<void>,
  cleanup?: (rig: ChaosRig) => Promise<void> | void,
): Promise<ScenarioResult> {
  const rig = await ChaosRig.start(options);
  try {
    await body(rig);
    const tallies = await rig.settle();
    const leaked = rig.secretsInLogs();
    rig.check('no secret in any log line', leaked.length === 0, leaked[0]);
    return { tallies, checks: rig.checks, notes: rig.notes };
  } finally {
    await rig.router?.stop();
    await cleanup?.(rig);
    await rig.close();
  }
}

/** A small seeded generator, so a failing run's random moments can be replayed (CHAOS_SEED). */
export function randomSource(seed: number): (below: number) => number {
  let state = seed >>> 0;
  return (below) => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * below);
  };
}

export const chaosSeed = Number(process.env.CHAOS_SEED ?? Date.now() % 1_000_000);

export const connectedLog = /\[vcenter\] connected/;

export { durations };
