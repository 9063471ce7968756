// What every decode must satisfy, whatever it was given: a page of well-formed events, or one of
// the decoder's documented errors with a short message that says what was wrong.
import assert from 'node:assert/strict';

import type { DecodedEvent } from '../../router/src/events/vcenter-event';
import {
  decodeEventsResponse,
  SoapResponseError,
  VimFaultError,
} from '../../router/src/vcenter/decode';
import { parseXml, XmlParseError, type XmlElement } from '../../router/src/vcenter/xml';

const dateTimeText = /^-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/;

/**
 * The decoded page in JSON may be larger than its XML (every declared field is written, absent
 * ones with their zero value) but only by a constant factor: nothing may grow out of proportion
 * with the input. The worst real factor is a bare `<returnval xsi:type="...">` of a type with
 * many nested structures.
 */
export const maxGrowth = { perXmlChar: 100, fixedChars: 1_000_000 };

/** An error message is for a person: a sentence, not a copy of the document. */
export const maxErrorChars = 1_000;

export type DecodeOutcome = { events: DecodedEvent[] } | { error: Error };

/** Decodes `xml` and fails unless the outcome is one the decoder documents. */
export function checkedDecode(xml: string): DecodeOutcome {
  let events: DecodedEvent[];
  try {
    events = decodeEventsResponse(xml);
  } catch (error) {
    checkDocumentedError(error);
    return { error: error as Error };
  }
  checkEvents(events, xml);
  return { events };
}

/** Parses `xml` and fails unless it gives a tree or an XmlParseError. */
export function checkedParse(xml: string): XmlElement | XmlParseError {
  try {
    return parseXml(xml);
  } catch (error) {
    assert.ok(error instanceof XmlParseError, `parseXml threw ${describe(error)}`);
    checkMessage(error);
    return error;
  }
}

export function checkDocumentedError(error: unknown): void {
  const documented =
    error instanceof XmlParseError ||
    error instanceof SoapResponseError ||
    error instanceof VimFaultError;
  assert.ok(documented, `decodeEventsResponse threw an undocumented ${describe(error)}`);
  if (error instanceof VimFaultError) {
    // The fault's words are vCenter's; the type must name something.
    assert.ok(error.faultType.length > 0, 'a fault without a type');
    return;
  }
  checkMessage(error as Error);
}

function checkMessage(error: Error): void {
  assert.ok(error.message.trim().length > 0, `${error.name} without a message`);
  assert.ok(
    error.message.length <= maxErrorChars,
    `${error.name} message of ${error.message.length} chars: ${error.message.slice(0, 200)}...`,
  );
  if (error instanceof XmlParseError) {
    assert.match(error.message, /^XML (line \d+ column \d+: \S|document has no root element)/);
  }
}

export function checkEvents(events: DecodedEvent[], xml: string): void {
  assert.ok(Array.isArray(events));
  for (const event of events) {
    assert.equal(typeof event.className, 'string');
    assert.ok(Number.isSafeInteger(event.key), `key ${event.key}`);
    assert.match(event.createdTime, dateTimeText);
    assert.equal(Object.prototype.toString.call(event.data), '[object Object]');
    assert.ok(Array.isArray(event.problems));
    for (const problem of event.problems) {
      assert.equal(typeof problem, 'string');
      assert.ok(problem.length > 0, 'an empty problem');
    }
    if (event.eventTypeId !== undefined) assert.equal(typeof event.eventTypeId, 'string');
  }
  const json = JSON.stringify(events);
  const bound = maxGrowth.perXmlChar * xml.length + maxGrowth.fixedChars;
  assert.ok(json.length <= bound, `${xml.length} chars of XML became ${json.length} of JSON`);
  assert.deepEqual(Object.keys(Object.prototype), [], 'Object.prototype was changed');
}

function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message.slice(0, 300)}`;
  return String(error).slice(0, 300);
}
