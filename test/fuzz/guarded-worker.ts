// Runs fuzz properties in a worker thread the test can stop: a decoder that loops forever or
// grows without bound would otherwise take the test process (and every other test) with it.
// The worker counts cases in shared memory; when the count stands still for longer than the
// case bound the worker is terminated and the test fails naming the case to replay. The heap
// limit turns unbounded memory into a failure of that property instead of a swapping machine.
import path from 'node:path';
import { Worker } from 'node:worker_threads';

import type { FuzzSettings } from './settings';

export interface PropertyRequest {
  property: string;
  numRuns: number;
  seed: number;
  path?: string;
}

export interface PropertyReport {
  property: string;
  /** Cases run (shrinks not included). */
  numRuns: number;
  seed: number;
  failed: boolean;
  /** The worker's heap after the property, for a run to show it stays bounded. */
  heapUsedMb: number;
  /** Why it failed, with the seed and path to replay it. */
  message?: string;
}

/** Slots of the shared progress counters. */
export const casesStartedSlot = 0;
const pollIntervalMs = 200;

export class FuzzWorker {
  private worker: Worker | undefined;
  private readonly progress = new Int32Array(new SharedArrayBuffer(8));

  /**
   * @param script a .ts file that calls serveProperties (test/fuzz/worker-side.ts).
   * @param heapLimitMb the worker's old-generation heap; reaching it fails the property.
   */
  constructor(
    private readonly script: string,
    private readonly heapLimitMb: number,
  ) {}

  /** Runs one property to its end; rejects on a hang or when the heap limit is reached. */
  async run(request: PropertyRequest, settings: FuzzSettings): Promise<PropertyReport> {
    const worker = this.ensureWorker();
    Atomics.store(this.progress, casesStartedSlot, 0);
    return new Promise<PropertyReport>((resolve, reject) => {
      let lastCount = -1;
      let lastChangeMs = Date.now();
      const watch = setInterval(() => {
        const count = Atomics.load(this.progress, casesStartedSlot);
        if (count !== lastCount) {
          lastCount = count;
          lastChangeMs = Date.now();
          return;
        }
        if (Date.now() - lastChangeMs < settings.caseBoundMs) return;
        finish();
        void this.stop();
        reject(
          new Error(
            `${request.property}: case ${count} ran longer than ${settings.caseBoundMs} ms ` +
              `(a hang); replay it with FUZZ_SEED=${request.seed} FUZZ_PATH=${count - 1}`,
          ),
        );
      }, pollIntervalMs);
      const onMessage = (report: PropertyReport) => {
        finish();
        resolve(report);
      };
      const onError = (error: Error) => {
        finish();
        this.worker = undefined;
        const count = Atomics.load(this.progress, casesStartedSlot);
        const memory = (error as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY';
        const what = memory ? `ran out of its ${this.heapLimitMb} MB heap` : 'crashed';
        reject(
          new Error(
            `${request.property}: the worker ${what} at case ${count}: ${error.message}; ` +
              `replay it with FUZZ_SEED=${request.seed} FUZZ_PATH=${count - 1}`,
            { cause: error },
          ),
        );
      };
      const finish = () => {
        clearInterval(watch);
        worker.off('message', onMessage);
        worker.off('error', onError);
      };
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.postMessage(request);
    });
  }

  async stop(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    await worker?.terminate();
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    // The worker does not inherit mocha's TypeScript loader; register tsx's there first.
    const source = `require('tsx/cjs'); require(${JSON.stringify(path.resolve(this.script))});`;
    this.worker = new Worker(source, {
      eval: true,
      workerData: { progress: this.progress },
      resourceLimits: { maxOldGenerationSizeMb: this.heapLimitMb },
    });
    this.worker.unref();
    return this.worker;
  }
}
