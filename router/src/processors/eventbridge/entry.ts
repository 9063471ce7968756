// One CloudEvent as a PutEvents entry, its size as EventBridge counts it, and the event
// EventBridge will build from it (what the rule's pattern is matched against).
// https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-putevent-size.html
// https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-events-structure.html
import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import type { RouterCloudEvent } from '../../events/cloudevent-json';

/** Most bytes one entry, and one PutEvents call, may hold (the 256 KB quota). */
export const maxEntryBytes = 262_144;

/** The entity arguments every vim25 Event carries, in the original appliance's field names. */
const entityArguments = ['Datacenter', 'ComputeResource', 'Host', 'Vm', 'Ds', 'Net', 'Dvs'];

/**
 * Source = the CloudEvent source (the vCenter), DetailType = its subject (the event class),
 * Detail = the whole CloudEvent, Time = when vCenter created the event, Resources = the
 * managed objects involved (see resourcesOf).
 */
export function buildEntry(cloudEvent: RouterCloudEvent, eventBus: string): PutEventsRequestEntry {
  const entry: PutEventsRequestEntry = {
    EventBusName: eventBus,
    Source: cloudEvent.source,
    DetailType: cloudEvent.subject,
    Detail: JSON.stringify(cloudEvent),
    Resources: resourcesOf(cloudEvent),
  };
  const time = eventTime(cloudEvent);
  if (time !== undefined) entry.Time = time;
  return entry;
}

/** Time 14 bytes when set; Source, DetailType, Detail and each resource by their UTF-8 bytes. */
export function entrySizeBytes(entry: PutEventsRequestEntry): number {
  let size = entry.Time === undefined ? 0 : 14;
  for (const text of [entry.Source, entry.DetailType, entry.Detail, ...(entry.Resources ?? [])]) {
    if (text !== undefined) size += Buffer.byteLength(text, 'utf8');
  }
  return size;
}

/**
 * The managed objects an event is about, as `Type:value` (`VirtualMachine:vm-56`, the form
 * govc and govmomi print): the entity arguments every vim25 Event has (datacenter, compute
 * resource, host, VM, datastore, network, distributed switch), in that order, then the object
 * an EventEx names (objectType and objectId). Absent or empty ones are left out. They are
 * identifiers within one vCenter; the entry's Source says which vCenter.
 */
export function resourcesOf(cloudEvent: RouterCloudEvent): string[] {
  const data = cloudEvent.data ?? {};
  const resources: string[] = [];
  for (const field of entityArguments) {
    const argument = data[field];
    if (isRecord(argument)) addMoref(resources, argument[field]);
  }
  addMoref(resources, { Type: data.ObjectType, Value: data.ObjectId });
  return resources;
}

function addMoref(resources: string[], moref: unknown): void {
  if (!isRecord(moref)) return;
  const { Type: type, Value: value } = moref;
  if (typeof type !== 'string' || typeof value !== 'string' || type === '' || value === '') return;
  const resource = `${type}:${value}`;
  if (!resources.includes(resource)) resources.push(resource);
}

/**
 * vCenter's createdTime, else when the router made the CloudEvent; whole seconds, because
 * EventBridge keeps the event time in seconds and the pattern must see the same time.
 * A zero or unreadable time is left out (EventBridge then uses the time of the call).
 */
export function eventTime(cloudEvent: RouterCloudEvent): Date | undefined {
  for (const candidate of [cloudEvent.data?.CreatedTime, cloudEvent.time]) {
    if (typeof candidate !== 'string') continue;
    const ms = Date.parse(candidate);
    if (Number.isFinite(ms) && ms > 0) return new Date(Math.floor(ms / 1000) * 1000);
  }
  return undefined;
}

export interface BusContext {
  account: string;
  region: string;
}

/**
 * The event EventBridge makes of the entry buildEntry() gives for this CloudEvent, as rules
 * see it. `id` is left out: EventBridge assigns it on PutEvents, so no pattern can be decided
 * on it beforehand.
 */
export function eventBridgeEvent(
  cloudEvent: RouterCloudEvent,
  context: BusContext,
): Record<string, unknown> {
  const time = eventTime(cloudEvent) ?? new Date();
  return {
    version: '0',
    'detail-type': cloudEvent.subject,
    source: cloudEvent.source,
    account: context.account,
    time: time.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: context.region,
    resources: resourcesOf(cloudEvent),
    detail: cloudEvent,
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
