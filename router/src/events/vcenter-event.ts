// A vCenter event as the decoder hands it to the stream: the fields the router itself needs,
// and `data`, the event in the original appliance's shape (see decode.ts).

export interface DecodedEvent {
  /** The vim25 class, from xsi:type: `VmPoweredOnEvent`, `EventEx`, `ExtendedEvent`. */
  className: string;
  /** vCenter's event key. A 32-bit counter that can wrap: never assume it grows. */
  key: number;
  /** `createdTime` exactly as vCenter sent it (an RFC 3339 string). */
  createdTime: string;
  /** `eventTypeId` of an EventEx or ExtendedEvent, else undefined. */
  eventTypeId?: string;
  /** The whole event, field names as the original appliance's router wrote them. */
  data: Record<string, unknown>;
  /** What could not be decoded (an unknown type, a malformed field); empty when all went well. */
  problems: string[];
}
