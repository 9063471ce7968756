// What the stream's read loop needs of a logged-in vCenter session. client.ts implements it
// over SOAP; keeping the loop behind this interface keeps reconnect logic apart from vim25.
import type { DecodedEvent } from '../events/vcenter-event';

/** An EventHistoryCollector's managed object id. */
export interface CollectorRef {
  type: 'EventHistoryCollector';
  value: string;
}

/** Where an event stands in vCenter's history; keys alone can wrap. */
export interface EventPosition {
  key: number;
  createdTime: string;
}

export interface VcenterSession {
  /** vCenter's about.apiVersion. */
  readonly apiVersion: string;
  /** vCenter's clock (CurrentTime); also keeps the session alive. */
  currentTime(): Promise<Date>;
  /** CreateCollectorForEvents on the root folder, recursion all, from `beginTime` if given. */
  createCollector(beginTime?: string): Promise<CollectorRef>;
  readNextEvents(collector: CollectorRef, maxCount: number): Promise<DecodedEvent[]>;
  /** The collector's latestPage: what vCenter has, newest last. */
  latestPage(collector: CollectorRef): Promise<EventPosition[]>;
  destroyCollector(collector: CollectorRef): Promise<void>;
  logout(): Promise<void>;
}

/** Opens a session: RetrieveServiceContent, then Login. Throws VcenterError. */
export type SessionOpener = () => Promise<VcenterSession>;
