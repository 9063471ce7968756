// The stdout processor: each CloudEvent as one JSON line on standard output, for the demo, for
// piping into other tools, and for seeing what functions would receive.
import type { Writable } from 'node:stream';

import type { StdoutProcessorConfig } from '../config/types';
import type { RouterCloudEvent } from '../events/cloudevent-json';
import type { BufferedEvent, DeliveryResult, Processor, ProcessorHealth } from './processor';

const target = 'stdout';

export class StdoutProcessor implements Processor {
  readonly provider = 'stdout';
  readonly maxBatchSize = 100;

  constructor(
    private readonly config: StdoutProcessorConfig,
    private readonly output: Writable = process.stdout,
  ) {}

  get name(): string {
    return this.config.name;
  }

  async start(): Promise<void> {}

  async stop(): Promise<void> {}

  route(_event: RouterCloudEvent): string[] {
    return [target];
  }

  /** Done once the lines are handed to the stream; a closed stdout (EPIPE) is a retry. */
  async deliver(_target: string, events: BufferedEvent[]): Promise<DeliveryResult[]> {
    const lines = events.map((event) => `${JSON.stringify(event.cloudEvent)}\n`).join('');
    try {
      await new Promise<void>((resolve, reject) =>
        this.output.write(lines, (error) => (error ? reject(error) : resolve())),
      );
      return events.map(() => ({ outcome: 'done' }));
    } catch (error) {
      const reason = `standard output: ${(error as Error).message}`;
      return events.map(() => ({ outcome: 'retry', reason }));
    }
  }

  health(): ProcessorHealth {
    return { healthy: true };
  }
}
