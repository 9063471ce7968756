// Builds the CloudEvent the router emits for one decoded vCenter event, with the attributes
// the original appliance used (type com.vmware.event.router/..., subject the event class).
//
// Module state: which (source, type, API version) combinations have already been checked with
// the cloudevents SDK's validator; see validateOnce for why not every event is.
import { CloudEvent, ValidationError } from 'cloudevents';
import { v5 as uuidv5 } from 'uuid';
import { derivesFrom } from '../vcenter/decode-type-table';
import { eventBaseType } from '../vcenter/decode';
import type { RouterCloudEvent } from './cloudevent-json';
import type { DecodedEvent } from './vcenter-event';

/**
 * The UUID namespace of our event ids. Fixed forever: changing it changes the id of every
 * event, and functions that deduplicate by id would see each event again.
 */
export const EVENT_ID_NAMESPACE = 'fae5f6f5-d1ce-405e-96da-6d199fd9dbc4';

export const EVENT_TYPE_PREFIX = 'com.vmware.event.router/';

export type EventCategory = 'event' | 'eventex' | 'extendedevent';

export interface CloudEventContext {
  /** The vCenter's SDK URL (`https://vc01.example.com/sdk`); credentials in it are dropped. */
  source: string;
  /** vCenter's about.apiVersion, carried as the vsphereapiversion extension. */
  apiVersion: string;
  /** The clock for `time`; tests fix it. */
  now?: () => Date;
}

/** An event whose CloudEvent would not be valid (a source that is not a URI, ...). */
export class CloudEventBuildError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CloudEventBuildError';
  }
}

/**
 * The CloudEvent of a decoded vCenter event. `data` is the event's data object itself (not a
 * copy). Throws CloudEventBuildError when the context makes an invalid CloudEvent.
 */
export function toCloudEvent(event: DecodedEvent, context: CloudEventContext): RouterCloudEvent {
  const source = sourceWithoutCredentials(context.source);
  const category = eventCategory(event.className);
  const subject = category !== 'event' && event.eventTypeId ? event.eventTypeId : event.className;
  const cloudEvent: RouterCloudEvent = {
    specversion: '1.0',
    id: eventId(source, event.key, event.createdTime),
    source,
    type: EVENT_TYPE_PREFIX + category,
    subject,
    time: (context.now ?? currentTime)().toISOString(),
    datacontenttype: 'application/json',
    vsphereapiversion: context.apiVersion,
    data: event.data,
  };
  validateOnce(cloudEvent, event);
  return cloudEvent;
}

/**
 * The CloudEvent id: a UUID v5 of the source, the event key and its createdTime. The same
 * vCenter event gets the same id on every read, retry and restart; keys alone are not enough,
 * because vCenter's 32-bit key counter can wrap and a rebuilt vCenter starts again.
 */
export function eventId(source: string, key: number, createdTime: string): string {
  // A newline cannot occur in a URL or a dateTime, so the parts cannot run into each other.
  return uuidv5(`${source}\n${key}\n${createdTime}`, EVENT_ID_NAMESPACE);
}

/** `eventex` for EventEx, `extendedevent` for ExtendedEvent, `event` for every other class. */
export function eventCategory(className: string): EventCategory {
  const known = eventBaseType(className);
  if (derivesFrom(known, 'EventEx')) return 'eventex';
  if (derivesFrom(known, 'ExtendedEvent')) return 'extendedevent';
  return 'event';
}

function currentTime(): Date {
  return new Date();
}

let lastSource: { given: string; clean: string } | undefined;

/**
 * The source URL without user name and password; otherwise exactly as given (so
 * `https://10.0.0.1:443/sdk` keeps its port, as the original appliance wrote it).
 */
export function sourceWithoutCredentials(given: string): string {
  if (lastSource?.given === given) return lastSource.clean;
  let clean = given;
  if (given.includes('@')) {
    const authorityStart = given.indexOf('://') + 3;
    const rest = given.slice(authorityStart);
    const authorityLength = rest.search(/[/?#]/);
    const authority = authorityLength < 0 ? rest : rest.slice(0, authorityLength);
    const at = authority.lastIndexOf('@');
    if (authorityStart >= 3 && at >= 0) {
      clean = given.slice(0, authorityStart) + rest.slice(at + 1);
    }
    if (!URL.canParse(clean)) {
      // Not shown: the text may hold a password.
      throw new CloudEventBuildError('source is not a URL (not shown: it may hold credentials)');
    }
  }
  lastSource = { given, clean };
  return clean;
}

const validated = new Set<string>();
const maxValidatedCombinations = 1_000;

/**
 * Checks the event with the cloudevents SDK the first time a (source, type, API version)
 * combination is seen. Measured here (Node 20, 2 busy cores): the SDK's constructor with
 * validation costs about 6 µs an event, as much as building the event itself (10 µs, most of
 * it the SHA-1 of the id), and about 10-15% of decoding a small event. Per event it would
 * prove nothing more: the other attributes are valid by construction (id is a UUID, time comes
 * from Date, subject is checked here to be non-empty, data is a JSON object).
 */
function validateOnce(cloudEvent: RouterCloudEvent, event: DecodedEvent): void {
  if (cloudEvent.subject === '') {
    throw new CloudEventBuildError(`event ${event.key}: empty subject (no event class)`);
  }
  const combination = `${cloudEvent.source}\n${cloudEvent.type}\n${cloudEvent.vsphereapiversion}`;
  if (validated.has(combination)) return;
  try {
    new CloudEvent({ ...cloudEvent }, true);
  } catch (error) {
    const detail =
      error instanceof ValidationError
        ? JSON.stringify(error.errors ?? error.message)
        : String(error);
    throw new CloudEventBuildError(
      `event ${event.key} (${event.className}): not a valid CloudEvent: ${detail}`,
      { cause: error },
    );
  }
  if (validated.size < maxValidatedCombinations) validated.add(combination);
}
