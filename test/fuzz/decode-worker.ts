// The decoder's fuzz properties, run in a worker by test/unit/fuzz-decode.test.ts (see
// guarded-worker.ts for why a worker). Each property throws (an assertion) on a case that
// breaks it; fast-check shrinks that case and the report names its seed and path.
import fc from 'fast-check';
import assert from 'node:assert/strict';

import { eventBaseType, SoapResponseError, VimFaultError } from '../../router/src/vcenter/decode';
import { lookupType } from '../../router/src/vcenter/decode-type-table';
import {
  XmlParseError,
  XSI_NAMESPACE as XSI,
  type XmlElement,
} from '../../router/src/vcenter/xml';
import { checkedDecode, checkedParse } from './decode-checks';
import { fuzzProperty, serveProperties } from './worker-side';
import {
  bitFlippedFixture,
  editedEvents,
  entityAttacks,
  envelopeWithNamespaces,
  fixtureArbitrary,
  mutatedFixtureText,
  prefixNamer,
  response,
  returnvals,
  SOAP_ENVELOPE,
  tokenSoup,
  VIM25,
  xmlText,
} from './xml-inputs';
import { copyTree, escapeText, writeXml } from './xml-tree';

/** Envelope, Body, ReadNextEventsResponse and returnval: the depth an event's fields start at. */
const eventDepth = 4;
const maxDepth = 128;

/** How the decoder names an unknown element's value: Go style, first letter upper case. */
const goName = (local: string) => local.charAt(0).toUpperCase() + local.slice(1);

/** Element names an event does not declare, among them its own fields' names in Go style. */
const unknownElementName = fc.oneof(
  fc.constantFrom('Key', 'CreatedTime', 'UserName', 'ChainId', 'FullFormattedMessage', 'Vm'),
  fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'),
  fc.stringMatching(/^[a-z][A-Za-z0-9]{0,12}$/),
);

const leaf = (local: string, text: string): XmlElement => ({
  uri: VIM25,
  local,
  attributes: undefined,
  xsiType: undefined,
  nil: false,
  children: [],
  text,
});

function eventsOf(xml: string) {
  const outcome = checkedDecode(xml);
  if ('error' in outcome) throw new Error(`expected events, got ${outcome.error.message}`);
  return outcome.events;
}

/** The fixture with its first event's fullFormattedMessage set to `text` (added if absent). */
function withMessage(fixtureTree: XmlElement, text: string): string {
  const tree = copyTree(fixtureTree);
  const [event] = returnvals(tree);
  const existing = event.children.find((child) => child.local === 'fullFormattedMessage');
  const message = existing ?? leaf('fullFormattedMessage', '');
  message.text = text;
  if (!existing) event.children.push(message);
  return writeXml(tree);
}

serveProperties({
  'any text at all': fuzzProperty(fc.string({ unit: 'binary', maxLength: 300 }), (text) => {
    checkedDecode(text);
  }),

  'SOAP and XML pieces in any order': fuzzProperty(tokenSoup, (xml) => {
    checkedDecode(xml);
    checkedParse(xml);
  }),

  'fixtures cut, spliced and copied into themselves': fuzzProperty(mutatedFixtureText, (xml) => {
    checkedDecode(xml);
  }),

  'fixtures with flipped bits read as UTF-8': fuzzProperty(bitFlippedFixture, (xml) => {
    checkedDecode(xml);
  }),

  'edited fields never cost the page an event': fuzzProperty(editedEvents, (edited) => {
    const events = eventsOf(edited.xml);
    assert.equal(events.length, edited.eventCount);
    for (const event of events) {
      if (eventBaseType(event.className) === event.className) continue;
      assert.ok(
        event.problems.some((problem) => problem.includes(event.className)),
        `event of unknown type ${event.className} read without saying so`,
      );
    }
  }),

  'namespace prefixes are only names': fuzzProperty(
    fc.tuple(fixtureArbitrary, prefixNamer),
    ([fixture, namer]) => {
      assert.deepEqual(eventsOf(writeXml(fixture.tree, namer)), eventsOf(fixture.xml));
    },
  ),

  'an envelope or body in another namespace is refused': fuzzProperty(
    envelopeWithNamespaces,
    (changed) => {
      const outcome = checkedDecode(changed.xml);
      if (changed.envelopeUri === SOAP_ENVELOPE && changed.bodyUri === SOAP_ENVELOPE) {
        assert.ok('events' in outcome, `refused a SOAP 1.1 envelope`);
        assert.equal(outcome.events.length, returnvals(changed.fixture.tree).length);
      } else {
        assert.ok('error' in outcome && outcome.error instanceof SoapResponseError);
      }
    },
  ),

  'unknown elements are kept beside the declared fields, never over them': fuzzProperty(
    fc.tuple(
      fixtureArbitrary,
      fc.uniqueArray(fc.tuple(unknownElementName, xmlText(12)), {
        minLength: 1,
        maxLength: 6,
        selector: ([name]) => goName(name),
      }),
    ),
    ([fixture, additions]) => {
      const tree = copyTree(fixture.tree);
      const [event] = returnvals(tree);
      const spec = lookupType(eventBaseType(event.xsiType?.local ?? 'Event'))!;
      const unknown = additions.filter(([name]) => !spec.elementIndex.has(name));
      for (const [local, text] of unknown) event.children.push(leaf(local, text));
      const [before] = eventsOf(fixture.xml);
      const [after] = eventsOf(writeXml(tree));
      for (const [local, text] of unknown) {
        const name = goName(local);
        if (spec.fields.some((field) => field.jsonName === name)) {
          assert.deepEqual(after.data[name], before.data[name], `field ${name} was replaced`);
          assert.ok(
            after.problems.some((problem) => problem.includes(`would hide field ${name}`)),
          );
        } else {
          assert.ok(Object.hasOwn(after.data, name), `unknown element ${local} was lost`);
          assert.equal(after.data[name], text);
        }
      }
      assert.equal(after.key, before.key);
      assert.equal(after.createdTime, before.createdTime);
    },
  ),

  'message text comes through unchanged': fuzzProperty(
    fc.tuple(fixtureArbitrary, xmlText(400)),
    ([fixture, text]) => {
      const [event] = eventsOf(withMessage(fixture.tree, text));
      assert.equal(event.data.FullFormattedMessage, text);
    },
  ),

  'huge fields are read whole': fuzzProperty(
    fc.tuple(
      fixtureArbitrary,
      fc.integer({ min: 16, max: 22 }),
      fc.constantFrom('message', 'attribute', 'siblings', 'name'),
    ),
    ([fixture, power, where]) => {
      const size = 2 ** power;
      if (where === 'message') {
        const text = `vm-${'x'.repeat(size)}&<>`;
        const [event] = eventsOf(withMessage(fixture.tree, text));
        assert.equal(event.data.FullFormattedMessage, text);
        return;
      }
      const inside =
        where === 'attribute'
          ? `<vm><name>n</name><vm type="${'V'.repeat(size)}">vm-1</vm></vm>`
          : where === 'siblings'
            ? '<tag><name>n</name></tag>'.repeat(size >> 6)
            : `<${'n'.repeat(size)}>text</${'n'.repeat(size)}>`;
      const xml = response(
        `<returnval xsi:type="VmPoweredOnEvent"><key>7</key>${inside}</returnval>`,
      );
      const [event] = eventsOf(xml);
      assert.equal(event.key, 7);
    },
  ),

  'errors about huge names stay short': fuzzProperty(
    fc.tuple(
      fc.integer({ min: 10, max: 20 }),
      fc.constantFrom(
        (n: string) => response(`<${n}>text`),
        (n: string) => response(`<returnval></${n}>`),
        (n: string) => response(`<returnval ${n}="1" ${n}="2"/>`),
        (n: string) => response(`<returnval>&${n};</returnval>`),
        (n: string) => response(`<returnval xsi:type="${n}:Event"/>`),
        (n: string) => response(`<${n}:returnval/>`),
        (n: string) => `<${n}/>`,
        (n: string) =>
          `<soapenv:Envelope xmlns:soapenv="${SOAP_ENVELOPE}"><${n}/></soapenv:Envelope>`,
      ),
    ),
    ([power, document]) => {
      const outcome = checkedDecode(document(`n${'x'.repeat(2 ** power)}`));
      assert.ok('error' in outcome || outcome.events.length <= 1);
    },
  ),

  'a SOAP Fault is a VimFaultError with its type and message': fuzzProperty(
    fc.tuple(
      fc.constantFrom('ServerFaultCode', 'soapenv:Server', 'Client', ''),
      xmlText(200),
      fc.option(
        fc.oneof(
          fc.constantFrom('NotAuthenticated', 'InvalidLogin', 'InvalidArgument', 'NoPermission'),
          fc.stringMatching(/^[A-Z][A-Za-z]{0,20}$/),
        ),
        { nil: undefined },
      ),
    ),
    ([code, message, faultType]) => {
      const detail =
        faultType === undefined
          ? ''
          : `<detail><${faultType}Fault xmlns="${VIM25}" xsi:type="${faultType}">` +
            `<reason>${escapeText(message)}</reason></${faultType}Fault></detail>`;
      const xml =
        `<soapenv:Envelope xmlns:soapenv="${SOAP_ENVELOPE}" xmlns:xsi="${XSI}">` +
        `<soapenv:Body><soapenv:Fault><faultcode>${code}</faultcode>` +
        `<faultstring>${escapeText(message)}</faultstring>${detail}</soapenv:Fault>` +
        '</soapenv:Body></soapenv:Envelope>';
      const outcome = checkedDecode(xml);
      assert.ok('error' in outcome && outcome.error instanceof VimFaultError);
      assert.equal(outcome.error.faultMessage, message.trim());
      const expectedType = faultType ?? (code.slice(code.indexOf(':') + 1) || 'UnknownFault');
      assert.equal(outcome.error.faultType, expectedType);
    },
  ),

  'nesting is accepted to its bound and refused beyond it': fuzzProperty(
    fc.tuple(fc.integer({ min: 1, max: 2 * maxDepth }), xmlText(10)),
    ([depth, text]) => {
      const open = Array.from({ length: depth }, (_, i) => `<level${i}>`).join('');
      const close = Array.from({ length: depth }, (_, i) => `</level${depth - 1 - i}>`).join('');
      const xml = response(
        `<returnval xsi:type="VmEvent"><key>1</key>${open}${escapeText(text)}${close}</returnval>`,
      );
      const outcome = checkedDecode(xml);
      if (eventDepth + depth <= maxDepth) {
        assert.ok('events' in outcome, `depth ${eventDepth + depth} refused`);
      } else {
        assert.ok('error' in outcome && outcome.error instanceof XmlParseError);
        assert.match(outcome.error.message, /nested deeper than 128/);
      }
    },
  ),

  'entities are never expanded, files and URLs never read': fuzzProperty(
    fc.tuple(fc.constantFrom(...entityAttacks), fixtureArbitrary),
    ([attack, fixture]) => {
      const body = returnvals(fixture.tree)
        .map((event) => writeXml(event))
        .join('');
      const outcome = checkedDecode(attack.xml(body));
      assert.ok('error' in outcome, `${attack.name} was accepted`);
      assert.ok(outcome.error instanceof XmlParseError, `${attack.name}: ${outcome.error.name}`);
      assert.match(outcome.error.message, /DOCTYPE|entity/i);
      assert.ok(!outcome.error.message.includes('root:'), 'a file was read');
    },
  ),
});
