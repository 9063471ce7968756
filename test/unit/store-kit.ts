// Shared pieces of the store and delivery tests: temporary data directories, vCenter-like
// events, and an in-test Processor (our own interface, not a stand-in for anything outside)
// whose answers each test scripts.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RouterCloudEvent } from '../../router/src/events/cloudevent-json';
import type { IncomingEvent } from '../../router/src/store/types';
import type {
  BufferedEvent,
  DeliveryResult,
  Processor,
  ProcessorHealth,
} from '../../router/src/processors/processor';

export function tempDataDir(): { dir: string; remove(): void } {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'router-store-'));
  const dir = path.join(base, 'data');
  return { dir, remove: () => fs.rmSync(base, { recursive: true, force: true }) };
}

export function cloudEvent(key: number, subject = 'VmPoweredOnEvent'): RouterCloudEvent {
  return {
    specversion: '1.0',
    id: `00000000-0000-4000-8000-${String(key >>> 0).padStart(12, '0')}`,
    source: 'https://vc01.example.com/sdk',
    type: `com.vmware.event.router/${subject}`,
    subject,
    time: '2026-12-03T10:00:00.000Z',
    datacontenttype: 'application/json',
    vsphereapiversion: '8.0.3.0',
    data: { Key: key, FullFormattedMessage: `event ${key}` },
  };
}

/** An event as the collector hands it over; createdTime one second per step from 10:00. */
export function incoming(key: number, second = key, subject?: string): IncomingEvent {
  const createdTime = new Date(Date.UTC(2026, 11, 3, 10, 0, 0) + second * 1000)
    .toISOString()
    .replace('Z', '123Z'); // microseconds, as vCenter sends them
  return { key, createdTime, cloudEvent: cloudEvent(key, subject) };
}

export type Answer = (target: string, event: BufferedEvent) => DeliveryResult;

/** A processor that answers each event with `answer` and records every call. */
export class TestProcessor implements Processor {
  readonly provider = 'test';
  readonly calls: { target: string; keys: number[]; ids: string[] }[] = [];
  /** Pending resolves of deliveries held back with `hold`. */
  private held: (() => void)[] = [];
  holdTargets = new Set<string>();
  answer: Answer = () => ({ outcome: 'done' });
  routeTo: (event: RouterCloudEvent) => string[] | undefined = () => ['fn-a'];

  constructor(
    readonly name = 'test',
    readonly maxBatchSize = 10,
  ) {}

  async start(): Promise<void> {}
  async stop(): Promise<void> {}
  health(): ProcessorHealth {
    return { healthy: true };
  }

  route(event: RouterCloudEvent): string[] | undefined {
    return this.routeTo(event);
  }

  async deliver(target: string, events: BufferedEvent[]): Promise<DeliveryResult[]> {
    this.calls.push({
      target,
      keys: events.map((e) => e.cloudEvent.data.Key as number),
      ids: events.map((e) => e.cloudEvent.id),
    });
    if (this.holdTargets.has(target)) await new Promise<void>((r) => this.held.push(r));
    return events.map((event) => this.answer(target, event));
  }

  release(): void {
    const held = this.held;
    this.held = [];
    for (const resolve of held) resolve();
  }

  /** Keys delivered to a target with the outcome `done`, in order, from the recorded calls. */
  keysSentTo(target: string): number[] {
    return this.calls.filter((c) => c.target === target).flatMap((c) => c.keys);
  }
}

/** Waits until `condition` holds, checking after each turn of the event loop and timer tick. */
export async function eventually(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
