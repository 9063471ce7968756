// Decodes vim25 SOAP responses: the events of ReadNextEvents, ReadPreviousEvents and
// QueryEvents into DecodedEvents (data in the original appliance's shape, see
// decode-value.ts), and a SOAP Fault into a VimFaultError.
//
// One event never breaks its page: an event of a type the table does not know is read as the
// nearest known base type its name suggests (else as a plain Event), a malformed field takes
// its zero value, and each such thing is listed in that event's `problems`.
import type { DecodedEvent } from '../events/vcenter-event';
import { derivesFrom, lookupType, type TypeSpec } from './decode-type-table';
import { decodeStruct, decodeValue, ZERO_DATE_TIME } from './decode-value';
import { childNamed, cutForMessage, parseXml, type XmlElement } from './xml';

export { decodeValue } from './decode-value';

const SOAP_ENVELOPE_NAMESPACE = 'http://schemas.xmlsoap.org/soap/envelope/';

/** vCenter answered with a SOAP Fault. */
export class VimFaultError extends Error {
  /**
   * @param faultType the vim25 fault (`NotAuthenticated`, `InvalidLogin`), else the SOAP
   *   faultcode's local name (`ServerFaultCode`) when the fault has no detail.
   * @param faultMessage vCenter's faultstring.
   * @param detail the fault object, decoded like any vim25 value, when there is one.
   */
  constructor(
    readonly faultType: string,
    readonly faultMessage: string,
    readonly faultCode: string,
    readonly detail?: Record<string, unknown>,
  ) {
    super(`vCenter fault ${faultType}: ${faultMessage}`);
    this.name = 'VimFaultError';
  }
}

/** The response is well-formed XML but not a SOAP 1.1 response we can read. */
export class SoapResponseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SoapResponseError';
  }
}

/**
 * Decodes the body of a ReadNextEvents, ReadPreviousEvents or QueryEvents response: one
 * DecodedEvent per `returnval`, in the order vCenter sent them. Throws VimFaultError for a SOAP
 * Fault, XmlParseError for XML that is not well-formed, SoapResponseError for anything else
 * that is not a SOAP response; never throws for the content of an event.
 */
export function decodeEventsResponse(xml: string): DecodedEvent[] {
  const response = soapResponseElement(xml);
  const events: DecodedEvent[] = [];
  for (const child of response.children) {
    if (child.local === 'returnval') events.push(decodeEvent(child));
  }
  return events;
}

/**
 * Parses a SOAP response and returns the element inside its Body (`ReadNextEventsResponse`,
 * `RetrieveServiceContentResponse`, ...), for the vCenter client's other calls. Throws
 * VimFaultError when the Body holds a Fault.
 */
export function soapResponseElement(xml: string): XmlElement {
  const envelope = parseXml(xml);
  if (envelope.local !== 'Envelope' || envelope.uri !== SOAP_ENVELOPE_NAMESPACE) {
    throw new SoapResponseError(
      `not a SOAP 1.1 envelope: root element ${cutForMessage(envelope.local)}`,
    );
  }
  const body = envelope.children.find(
    (child) => child.local === 'Body' && child.uri === SOAP_ENVELOPE_NAMESPACE,
  );
  const content = body?.children[0];
  if (!content) throw new SoapResponseError('SOAP envelope without a Body element');
  if (content.local === 'Fault' && content.uri === SOAP_ENVELOPE_NAMESPACE) {
    throw faultOf(content);
  }
  return content;
}

/** Turns a SOAP 1.1 Fault element into a VimFaultError. */
export function faultOf(fault: XmlElement): VimFaultError {
  const faultCode = childNamed(fault, 'faultcode')?.text.trim() ?? '';
  const faultMessage = childNamed(fault, 'faultstring')?.text.trim() ?? '';
  const detail = childNamed(fault, 'detail')?.children[0];
  if (!detail) {
    const codeName = faultCode.slice(faultCode.indexOf(':') + 1);
    return new VimFaultError(codeName || 'UnknownFault', faultMessage, faultCode);
  }
  // vCenter writes <NotAuthenticatedFault xsi:type="NotAuthenticated">; prefer the xsi:type.
  const faultType =
    detail.xsiType?.local ??
    (detail.local.endsWith('Fault') ? detail.local.slice(0, -'Fault'.length) : detail.local);
  const decoded = lookupType(faultType) ? decodeValue(detail, faultType) : undefined;
  return new VimFaultError(
    faultType,
    faultMessage,
    faultCode,
    decoded as Record<string, unknown> | undefined,
  );
}

/** Decodes one event element (a `returnval` of type Event or a subtype). */
export function decodeEvent(element: XmlElement): DecodedEvent {
  const problems: string[] = [];
  const className = element.xsiType?.local ?? 'Event';
  if (!element.xsiType) problems.push('event without xsi:type; read as Event');
  const spec = eventSpecFor(className, problems);

  let data: Record<string, unknown>;
  try {
    data = decodeStruct(element, spec, problems);
  } catch (error) {
    // Not expected (decoding records problems instead of throwing); kept so that a bug here
    // costs one event its data, never the page.
    problems.push(`cannot decode: ${error instanceof Error ? error.message : String(error)}`);
    data = {};
  }

  if (!childNamed(element, 'key')) problems.push(`${spec.name}.Key: missing`);
  if (!childNamed(element, 'createdTime')) problems.push(`${spec.name}.CreatedTime: missing`);
  const key = typeof data.Key === 'number' ? data.Key : 0;
  const createdTime = typeof data.CreatedTime === 'string' ? data.CreatedTime : ZERO_DATE_TIME;
  const event: DecodedEvent = { className, key, createdTime, data, problems };
  if (hasEventTypeId(spec) && typeof data.EventTypeId === 'string') {
    event.eventTypeId = data.EventTypeId;
  }
  return event;
}

/**
 * The known type the decoder reads an event of this class as: the class itself when the
 * table knows it, else the base its name suggests (`VmFooEvent` -> `VmEvent`), else `Event`.
 */
export function eventBaseType(className: string): string {
  const cached = baseTypeCache.get(className);
  if (cached) return cached;
  const known = lookupType(className);
  const base = known && derivesFrom(className, 'Event') ? className : guessBase(className);
  if (baseTypeCache.size < maxCachedClassNames) baseTypeCache.set(className, base);
  return base;
}

// Bounded: class names come from the server, and a broken one must not grow memory forever.
const baseTypeCache = new Map<string, string>();
const maxCachedClassNames = 10_000;

function eventSpecFor(className: string, problems: string[]): TypeSpec {
  const baseName = eventBaseType(className);
  if (baseName !== className) {
    const why = lookupType(className) ? 'is not an Event' : 'is not in the vim25 type table';
    problems.push(`event type ${className} ${why}; read as ${baseName}`);
  }
  return lookupType(baseName) as TypeSpec;
}

/**
 * Limitation: the table cannot know the base of a type it does not know, so it is guessed
 * from the name; an unknown event named against the pattern is read as a plain Event, and
 * its own fields come out generically read (strings, no zero values).
 *
 * vim25 names events after the class they extend (`VmPoweredOnEvent` extends `VmEvent`,
 * `HostConnectionLostEvent` extends `HostEvent`): try ever shorter leading words + `Event`.
 */
function guessBase(className: string): string {
  const words = className.match(/[A-Z][a-z0-9]*|[a-z0-9]+/g) ?? [];
  for (let count = words.length - 1; count > 0; count--) {
    const candidate = `${words.slice(0, count).join('')}Event`;
    if (candidate !== className && lookupType(candidate) && derivesFrom(candidate, 'Event')) {
      return candidate;
    }
  }
  return 'Event';
}

function hasEventTypeId(spec: TypeSpec): boolean {
  return derivesFrom(spec.name, 'EventEx') || derivesFrom(spec.name, 'ExtendedEvent');
}
