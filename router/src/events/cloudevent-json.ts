// The CloudEvent the router emits, as the JSON object functions receive (structured mode).
// https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/spec.md

export interface RouterCloudEvent {
  specversion: '1.0';
  /** UUID derived from the vCenter and the event: the same on every delivery and restart. */
  id: string;
  /** The vCenter's SDK URL, without credentials. */
  source: string;
  type: string;
  /** The event class (`VmPoweredOnEvent`), or the eventTypeId of an EventEx/ExtendedEvent. */
  subject: string;
  /** When the router produced it. */
  time: string;
  datacontenttype: 'application/json';
  /** vCenter's about.apiVersion. */
  vsphereapiversion: string;
  data: Record<string, unknown>;
}
