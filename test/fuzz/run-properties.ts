// Declares one mocha test per fuzz property, run in a guarded worker (guarded-worker.ts), and
// prints how many cases each ran and with which seed, so a run says what it proved.
import { FuzzWorker } from './guarded-worker';
import { fuzzSettings, seedOf } from './settings';

export interface PlannedProperty {
  /** The name the worker script serves it under. */
  name: string;
  /** Cases in a default run; FUZZ_SCALE multiplies it. */
  runs: number;
}

export function describeFuzzProperties(
  title: string,
  workerScript: string,
  heapLimitMb: number,
  properties: PlannedProperty[],
): void {
  describe(title, function () {
    const settings = fuzzSettings();
    const worker = new FuzzWorker(workerScript, heapLimitMb);
    let total = 0;
    // Generous: mocha's own timeout must not fire before the worker's hang detection does.
    this.timeout(Math.max(120_000, settings.caseBoundMs * 4));

    after(async () => {
      await worker.stop();
      console.log(`      ${title}: ${total} cases in all (FUZZ_SCALE=${settings.scale})`);
    });

    for (const property of properties) {
      it(property.name, async () => {
        const seed = settings.seed ?? seedOf(`${title}: ${property.name}`);
        const numRuns = Math.max(1, Math.round(property.runs * settings.scale));
        const report = await worker.run(
          { property: property.name, numRuns, seed, path: settings.path },
          settings,
        );
        total += report.numRuns;
        console.log(`        ${report.numRuns} cases, seed ${seed}, heap ${report.heapUsedMb} MB`);
        if (report.failed) throw new Error(report.message);
      });
    }
  });
}
