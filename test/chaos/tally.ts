// The counting method of test/integration/router-crash.test.ts, per target: an event is known
// by `key@createdTime` (keys can repeat across vCenter restarts, never with the same time).
// vCenter's history says what was emitted; a target's record says what arrived; the store's
// dead letters say what was given up on with a reason. An emitted event that is neither
// delivered nor dead-lettered is lost. A second arrival of an event is a duplicate, which
// at-least-once allows only with the same CloudEvent id.
import type { RouterCloudEvent } from '../../router/src/events/cloudevent-json';

export interface EventIdentity {
  key: number;
  createdTime: string;
}

export interface TargetTally {
  target: string;
  emitted: number;
  delivered: number;
  /** Arrivals beyond the first, with the first arrival's id. */
  duplicated: number;
  /** Arrivals beyond the first with another id: a broken invariant, fails the scenario. */
  duplicatedWithOtherId: number;
  deadLettered: number;
  lost: number;
  /** Up to ten lost identities, for the report. */
  lostExamples: string[];
}

export const identityOf = (event: EventIdentity) => `${event.key}@${event.createdTime}`;

export function cloudEventIdentity(event: RouterCloudEvent): string {
  return `${Number(event.data.Key)}@${String(event.data.CreatedTime)}`;
}

export function tally(
  target: string,
  emitted: EventIdentity[],
  arrivals: RouterCloudEvent[],
  deadLetters: RouterCloudEvent[],
): TargetTally {
  const firstId = new Map<string, string>();
  let duplicated = 0;
  let duplicatedWithOtherId = 0;
  for (const event of arrivals) {
    const identity = cloudEventIdentity(event);
    const id = firstId.get(identity);
    if (id === undefined) firstId.set(identity, event.id);
    else if (id === event.id) duplicated += 1;
    else duplicatedWithOtherId += 1;
  }
  const dead = new Set(deadLetters.map(cloudEventIdentity));
  const emittedSet = new Set(emitted.map(identityOf));
  const lost = [...emittedSet].filter((identity) => !firstId.has(identity) && !dead.has(identity));
  return {
    target,
    emitted: emittedSet.size,
    delivered: [...emittedSet].filter((identity) => firstId.has(identity)).length,
    duplicated,
    duplicatedWithOtherId,
    deadLettered: [...emittedSet].filter((identity) => dead.has(identity)).length,
    lost: lost.length,
    lostExamples: lost.slice(0, 10),
  };
}
