// What the stream side and the operator commands see of the store. The implementation
// (database.ts, take-in.ts, checkpoints.ts, ...) keeps every SQL statement to itself.
import type { RouterCloudEvent } from '../events/cloudevent-json';

/** Where a stream resumes. */
export interface Checkpoint {
  /** Key of the newest event taken in. Keys can wrap: it only pairs with lastCreatedTime. */
  lastKey: number;
  /** Its createdTime exactly as vCenter sent it: the collector's next beginTime. */
  lastCreatedTime: string;
  /** When the checkpoint was written (ISO time). */
  updatedAt: string;
}

/** One event of a page, ready to be taken in. */
export interface IncomingEvent {
  key: number;
  createdTime: string;
  cloudEvent: RouterCloudEvent;
}

export interface TakeInResult {
  /** Newly stored events. */
  takenIn: number;
  /** Events of the page already taken in before (a resume re-reads a little). */
  duplicates: number;
  checkpoint: Checkpoint;
}

/** The stream side's view of the store. */
export interface StreamStore {
  readCheckpoint(stream: string): Checkpoint | undefined;
  /**
   * Stores the new events of a page and moves the checkpoint to the newest of them, in one
   * transaction: the checkpoint never passes an event that is not in the store. Events already
   * taken in (same key and createdTime) are skipped. Throws StoreFullError when the disk is
   * full, without storing anything of the page.
   */
  takeIn(stream: string, events: IncomingEvent[]): TakeInResult;
  /** Events taken in and not yet done for every processor. */
  bufferedEventCount(): number;
}

/** The disk (SQLITE_FULL) or the configured buffer bound is full; the stream waits for room. */
export class StoreFullError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreFullError';
  }
}
