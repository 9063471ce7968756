// What /stats, /metrics and /healthz report, gathered by the router from its streams,
// processors and the store each time one of them is asked.
import type { ProcessorHealth } from '../processors/processor';
import type { StreamHealth } from '../vcenter/stream';

export interface StreamSnapshot {
  name: string;
  address: string;
  started: string;
  health: StreamHealth;
  checkpoint?: { lastKey: number; lastCreatedTime: string; updatedAt: string; ageSeconds: number };
}

export interface ProcessorSnapshot {
  name: string;
  provider: string;
  address?: string;
  started: string;
  health: ProcessorHealth;
  /** Deliveries waiting (never attempted or to be retried). */
  buffered: number;
  /** Of those, the ones that failed at least once. */
  retrying: number;
  deadLetters: number;
  /** Age of the oldest waiting event, from its vCenter createdTime. */
  oldestBufferedAgeSeconds?: number;
}

export interface RouterSnapshot {
  streams: StreamSnapshot[];
  processors: ProcessorSnapshot[];
}

/** Why the router is unhealthy, or empty when every stream is connected and reading. */
export function healthProblems(snapshot: RouterSnapshot): string[] {
  const problems: string[] = [];
  for (const stream of snapshot.streams) {
    if (stream.health.state !== 'connected') {
      const reason = stream.health.reason ? `: ${stream.health.reason}` : '';
      problems.push(`stream ${stream.name} ${stream.health.state}${reason}`);
    }
  }
  for (const processor of snapshot.processors) {
    if (!processor.health.healthy) {
      problems.push(`processor ${processor.name}: ${processor.health.reason ?? 'unhealthy'}`);
    }
  }
  return problems;
}
