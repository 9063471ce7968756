// The worker's half of guarded-worker.ts: answers each property request with a report, and
// counts every case in the shared progress counter before running it.
import fc from 'fast-check';
import { parentPort, workerData } from 'node:worker_threads';

import { casesStartedSlot, type PropertyReport, type PropertyRequest } from './guarded-worker';

/** Cases as fast-check generates them, and the check each must pass (throw to fail). */
export interface FuzzProperty<T> {
  arbitrary: fc.Arbitrary<T>;
  check: (value: T) => void;
}

export function fuzzProperty<T>(arbitrary: fc.Arbitrary<T>, check: (value: T) => void) {
  return { arbitrary, check } as FuzzProperty<unknown>;
}

const shownChars = 1_500;

function cut(text: string): string {
  return text.length > shownChars
    ? `${text.slice(0, shownChars)}... (${text.length} chars)`
    : text;
}

export function serveProperties(properties: Record<string, FuzzProperty<unknown>>): void {
  const progress = (workerData as { progress: Int32Array }).progress;
  parentPort!.on('message', (request: PropertyRequest) => {
    const definition = properties[request.property];
    if (!definition) throw new Error(`no fuzz property ${request.property}`);
    const property = fc.property(definition.arbitrary, (value) => {
      Atomics.add(progress, casesStartedSlot, 1);
      definition.check(value);
    });
    const details = fc.check(property, {
      numRuns: request.numRuns,
      seed: request.seed,
      ...(request.path ? { path: request.path } : {}),
    });
    const report: PropertyReport = {
      property: request.property,
      numRuns: details.numRuns,
      seed: request.seed,
      failed: details.failed,
      heapUsedMb: Math.round(process.memoryUsage().heapUsed / 1_048_576),
    };
    if (details.failed) {
      const error = details.errorInstance;
      const why = error instanceof Error ? (error.stack ?? error.message) : String(error);
      report.message =
        `${request.property} failed after ${details.numRuns} cases (shrunk ${details.numShrinks} ` +
        `times); replay: FUZZ_SEED=${request.seed} FUZZ_PATH=${details.counterexamplePath}\n` +
        `counterexample: ${cut(fc.stringify(details.counterexample))}\n${cut(why)}`;
    }
    parentPort!.postMessage(report);
  });
}
