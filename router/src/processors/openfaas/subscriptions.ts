// Which functions take which topics, as of one listing of the gateway. Immutable: a refresh
// builds a new table, so a route() never sees half of one listing and half of another.
import type { SubscribedFunction } from './list-functions';
import { topicsForSubject } from './topics';

export class SubscriptionTable {
  /** topic -> targets, sorted. */
  private readonly targetsByTopic = new Map<string, string[]>();
  private readonly topicsByTarget = new Map<string, Set<string>>();

  constructor(
    functions: SubscribedFunction[],
    /** When the listing behind this table was read. */
    readonly listedAt: Date,
  ) {
    for (const fn of functions) {
      if (fn.topics.length === 0) continue;
      this.topicsByTarget.set(fn.target, new Set(fn.topics));
      for (const topic of fn.topics) {
        const targets = this.targetsByTopic.get(topic) ?? [];
        targets.push(fn.target);
        this.targetsByTopic.set(topic, targets);
      }
    }
    for (const targets of this.targetsByTopic.values()) targets.sort();
  }

  /** The functions an event with this subject goes to, each once, sorted. */
  targetsFor(subject: string): string[] {
    const targets = new Set<string>();
    for (const topic of topicsForSubject(subject)) {
      for (const target of this.targetsByTopic.get(topic) ?? []) targets.add(target);
    }
    return [...targets].sort();
  }

  /**
   * The topic to name in X-Topic when this target gets this subject: the best one it
   * subscribes to, or the subject itself when the function is no longer listed.
   */
  topicFor(target: string, subject: string): string {
    const subscribed = this.topicsByTarget.get(target);
    return topicsForSubject(subject).find((topic) => subscribed?.has(topic)) ?? subject;
  }

  /** Targets with at least one topic. */
  get targets(): string[] {
    return [...this.topicsByTarget.keys()].sort();
  }

  /** Target -> its topics, for logging changes between listings. */
  describe(): Map<string, string[]> {
    const described = new Map<string, string[]>();
    for (const target of this.targets) {
      described.set(target, [...(this.topicsByTarget.get(target) ?? [])]);
    }
    return described;
  }
}
