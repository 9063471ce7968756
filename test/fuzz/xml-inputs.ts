// Generators of vim25 responses for the decoder's fuzz properties: the real fixtures
// (test/fixtures/vim25/) cut, spliced and bit-flipped; their element trees with namespaces,
// xsi:types and texts changed; and documents built to hurt a parser (deep, huge, entities).
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import generatedTable from '../../router/src/vcenter/vim25-types.generated.json';
import {
  parseXml,
  XSD_NAMESPACE,
  XSI_NAMESPACE,
  type XmlElement,
} from '../../router/src/vcenter/xml';
import { allElements, copyTree, writeXml, type PrefixNamer } from './xml-tree';

export const SOAP_ENVELOPE = 'http://schemas.xmlsoap.org/soap/envelope/';
export const VIM25 = 'urn:vim25';

const fixtureDir = path.resolve(__dirname, '../fixtures/vim25');

export interface Fixture {
  name: string;
  xml: string;
  tree: XmlElement;
}

export const fixtures: Fixture[] = readdirSync(fixtureDir)
  .filter((name) => name.endsWith('.xml'))
  .sort()
  .map((name) => {
    const xml = readFileSync(path.join(fixtureDir, name), 'utf8');
    // A failure report names the fixture instead of printing it whole.
    return { name, xml, tree: parseXml(xml), [fc.toStringMethod]: () => `fixture ${name}` };
  });

export const fixtureArbitrary = fc.constantFrom(...fixtures);

/** The response element's `returnval` children of a parsed fixture (Envelope > Body > X). */
export function returnvals(tree: XmlElement): XmlElement[] {
  return tree.children[0].children[0].children.filter((child) => child.local === 'returnval');
}

const knownTypes = Object.keys(generatedTable.types);
const knownEnums = Object.keys(generatedTable.enums);
const xsdScalars = ['string', 'int', 'long', 'boolean', 'dateTime', 'double', 'anyType', 'QName'];

/** Pieces of XML and of vim25 that a cut or splice is likely to make trouble with. */
const tokens = [
  '<',
  '>',
  '</',
  '/>',
  '&',
  '&amp;',
  '&lt;',
  '&#0;',
  '&#xD800;',
  '&#x110000;',
  '&#65534;',
  '&nbsp;',
  '&undefined;',
  '<![CDATA[',
  ']]>',
  '<!-- ',
  ' -->',
  '<?xml version="1.0"?>',
  '<?pi data?>',
  '<!DOCTYPE x>',
  '<!ENTITY e "e">',
  ' xmlns="urn:other"',
  ' xmlns:xsi="urn:not-xsi"',
  ' xmlns:soapenv=""',
  ' xsi:type="NoSuchEvent"',
  ' xsi:type="undeclared:Type"',
  ' xsi:nil="true"',
  ' type="VirtualMachine"',
  '<returnval xsi:type="VmPoweredOnEvent">',
  '</returnval>',
  '<key>',
  '</key>',
  '<createdTime>',
  '2026-13-45T99:99:99Z',
  '-2147483649',
  '99999999999999999999',
  'NaN',
  '\u0000',
  '\u0007',
  '\uD800',
  '\uDFFF',
  '\uFFFE',
  '\uFEFF',
  '\u{1F600}',
  '\r\n',
];

/** A short piece of text for a splice: a token, or any characters at all. */
const splice = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...tokens) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
);

type TextEdit = (text: string) => string;

const at = (text: string, position: number) => position % (text.length + 1);

const textEdit: fc.Arbitrary<TextEdit> = fc.oneof(
  fc.nat().map((n) => (text: string) => text.slice(0, at(text, n))),
  fc.tuple(fc.nat(), fc.nat({ max: 64 })).map(([n, length]) => (text: string) => {
    const start = at(text, n);
    return text.slice(0, start) + text.slice(start + length);
  }),
  fc.tuple(fc.nat(), fc.nat({ max: 200 }), fc.nat()).map(([n, length, to]) => (text: string) => {
    const start = at(text, n);
    const piece = text.slice(start, start + length);
    const target = at(text, to);
    return text.slice(0, target) + piece + text.slice(target);
  }),
  fc.tuple(fc.nat(), splice).map(([n, piece]) => (text: string) => {
    const position = at(text, n);
    return text.slice(0, position) + piece + text.slice(position);
  }),
  fc.tuple(fc.nat(), splice).map(([n, piece]) => (text: string) => {
    const position = at(text, n);
    return text.slice(0, position) + piece + text.slice(position + 1);
  }),
);

/** A fixture with one to eight cuts, deletions, copies and splices of its text. */
export const mutatedFixtureText = fc
  .tuple(fixtureArbitrary, fc.array(textEdit, { minLength: 1, maxLength: 8 }))
  .map(([fixture, edits]) => edits.reduce((text, edit) => edit(text), fixture.xml));

/**
 * A fixture's bytes with some flipped, read as UTF-8 the way the HTTP client reads a body:
 * invalid sequences become U+FFFD, so the decoder sees a string either way.
 */
export const bitFlippedFixture = fc
  .tuple(
    fixtureArbitrary,
    fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 6 }),
  )
  .map(([fixture, flips]) => {
    const bytes = Buffer.from(fixture.xml, 'utf8');
    for (const [position, mask] of flips) bytes[position % bytes.length] ^= mask;
    return bytes.toString('utf8');
  });

/** A valid NCName that is not reserved (no xml prefix), for namespace prefixes. */
const prefixWord = fc
  .stringMatching(/^[A-Za-z_][A-Za-z0-9_.-]{0,7}$/)
  .filter((word) => !/^xml/i.test(word));

/** Injective prefix names from a random word: the word plus the binding's number. */
export const prefixNamer: fc.Arbitrary<PrefixNamer> = fc
  .array(prefixWord, { minLength: 1, maxLength: 4 })
  .map((words) => (n: number) => `${words[n % words.length]}${n}`);

/** Text that XML can carry (no NUL, no lone surrogates, no U+FFFE/U+FFFF). */
export const xmlText = (maxLength: number) =>
  fc
    .string({ unit: 'grapheme', maxLength })
    .map((text) => text.replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, ''));

/** An element name: usually a vim25 field name, sometimes one nobody declares. */
const elementName = fc.oneof(
  fc.constantFrom('key', 'createdTime', 'userName', 'vm', 'host', 'name', 'type', 'value'),
  fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', 'prototype'),
  fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,15}$/),
);

/** An xsi:type: known data types and enums, XML Schema scalars, names nobody knows. */
const xsiTypeName = fc.oneof(
  fc.constantFrom(...knownTypes).map((local) => ({ uri: VIM25, local })),
  fc.constantFrom(...knownEnums).map((local) => ({ uri: VIM25, local })),
  fc.constantFrom(...xsdScalars).map((local) => ({ uri: XSD_NAMESPACE, local })),
  fc.stringMatching(/^[A-Z][A-Za-z0-9]{0,30}$/).map((local) => ({ uri: VIM25, local })),
  fc.stringMatching(/^[A-Za-z]{1,12}$/).map((local) => ({ uri: 'urn:somewhere-else', local })),
);

const namespaceUri = fc.constantFrom(
  '',
  VIM25,
  'urn:vim2',
  'urn:VIM25',
  SOAP_ENVELOPE,
  'http://www.w3.org/2003/05/soap-envelope',
  XSI_NAMESPACE,
  XSD_NAMESPACE,
);

/** A change inside the events of a parsed response; `pick` chooses the element. */
export type TreeEdit = (inside: XmlElement[]) => void;

const pick = <T>(list: T[], n: number): T | undefined =>
  list.length === 0 ? undefined : list[n % list.length];

export const treeEdit: fc.Arbitrary<TreeEdit> = fc.oneof(
  fc.tuple(fc.nat(), xmlText(80)).map(([n, text]) => (inside: XmlElement[]) => {
    const leaves = inside.filter((element) => element.children.length === 0);
    const leaf = pick(leaves, n);
    if (leaf) leaf.text = text;
  }),
  fc.tuple(fc.nat(), xsiTypeName).map(([n, type]) => (inside: XmlElement[]) => {
    const element = pick(inside, n);
    if (element) element.xsiType = type;
  }),
  fc.nat().map((n) => (inside: XmlElement[]) => {
    const element = pick(inside, n);
    if (element) element.xsiType = undefined;
  }),
  fc.tuple(fc.nat(), namespaceUri).map(([n, uri]) => (inside: XmlElement[]) => {
    const element = pick(inside, n);
    if (element) element.uri = uri;
  }),
  fc.tuple(fc.nat(), fc.boolean()).map(([n, nil]) => (inside: XmlElement[]) => {
    const element = pick(inside, n);
    if (element) element.nil = nil;
  }),
  fc.tuple(fc.nat(), fc.nat()).map(([n, m]) => (inside: XmlElement[]) => {
    const parent = pick(inside, n);
    if (parent && parent.children.length > 0)
      parent.children.splice(m % parent.children.length, 1);
  }),
  fc.tuple(fc.nat(), fc.nat()).map(([n, m]) => (inside: XmlElement[]) => {
    const parent = pick(inside, n);
    const child = parent && pick(parent.children, m);
    if (child) parent.children.push(copyTree(child));
  }),
  fc
    .tuple(fc.nat(), elementName, xmlText(20), fc.option(xsiTypeName, { nil: undefined }))
    .map(([n, local, text, xsiType]) => (inside: XmlElement[]) => {
      const parent = pick(inside, n);
      parent?.children.push({
        uri: VIM25,
        local,
        attributes: undefined,
        xsiType,
        nil: false,
        children: [],
        text,
      });
    }),
  fc
    .tuple(fc.nat(), elementName, fc.string({ maxLength: 20 }))
    .map(([n, name, value]) => (inside: XmlElement[]) => {
      const element = pick(inside, n);
      if (!element) return;
      const clean = value.replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD]/g, '');
      element.attributes = { ...element.attributes, [name]: clean };
    }),
);

export interface EditedResponse {
  /** How many events the unedited response holds. */
  eventCount: number;
  xml: string;
}

/** What happens to an event's own xsi:type: nothing, taken away, or another type. */
const eventTypeEdit = fc.oneof(
  { weight: 4, arbitrary: fc.constant('keep' as const) },
  { weight: 1, arbitrary: fc.constant('remove' as const) },
  { weight: 2, arbitrary: xsiTypeName },
);

/** A fixture whose events (never the envelope around them) had one to ten edits. */
export const editedEvents: fc.Arbitrary<EditedResponse> = fc
  .tuple(
    fixtureArbitrary,
    fc.array(treeEdit, { minLength: 1, maxLength: 10 }),
    fc.array(eventTypeEdit, { maxLength: 3 }),
    prefixNamer,
  )
  .map(([fixture, edits, typeEdits, namer]) => {
    const tree = copyTree(fixture.tree);
    const events = returnvals(tree);
    // Edits reach the events' insides only: the returnval elements themselves keep their
    // names, so the page still has every event, whatever happened to its fields.
    const inside = events.flatMap((event) => allElements(event).slice(1));
    for (const edit of edits) edit(inside);
    typeEdits.forEach((typeEdit, index) => {
      const event = events[index];
      if (!event || typeEdit === 'keep') return;
      event.xsiType = typeEdit === 'remove' ? undefined : typeEdit;
    });
    return { eventCount: events.length, xml: writeXml(tree, namer) };
  });

/** A fixture with the namespaces of its envelope, body and response element changed. */
export const envelopeWithNamespaces = fc
  .tuple(fixtureArbitrary, namespaceUri, namespaceUri, namespaceUri, prefixNamer)
  .map(([fixture, envelopeUri, bodyUri, responseUri, namer]) => {
    const tree = copyTree(fixture.tree);
    tree.uri = envelopeUri;
    tree.children[0].uri = bodyUri;
    tree.children[0].children[0].uri = responseUri;
    return { fixture, envelopeUri, bodyUri, xml: writeXml(tree, namer) };
  });

const soupPieces = fc.oneof(
  splice,
  fc.constantFrom(
    `<soapenv:Envelope xmlns:soapenv="${SOAP_ENVELOPE}">`,
    '<soapenv:Body>',
    '</soapenv:Body>',
    '</soapenv:Envelope>',
    `<ReadNextEventsResponse xmlns="${VIM25}">`,
    `<returnval xmlns:xsi="${XSI_NAMESPACE}" xsi:type="VmPoweredOnEvent">`,
    '<soapenv:Fault><faultcode>ServerFaultCode</faultcode><faultstring>x</faultstring>',
    '<detail><NotAuthenticatedFault xsi:type="NotAuthenticated"/></detail></soapenv:Fault>',
    '<key>1</key>',
    '<createdTime>2026-01-01T00:00:00Z</createdTime>',
    '<a>',
    '</a>',
    '<a b="c">',
  ),
);

/** Pieces of SOAP, vim25 and XML syntax strung together in any order. */
export const tokenSoup = fc.array(soupPieces, { maxLength: 40 }).map((pieces) => pieces.join(''));

/** An Envelope > Body > ReadNextEventsResponse holding `inside`, with xsi and xsd bound. */
export function response(inside: string): string {
  return (
    `<soapenv:Envelope xmlns:soapenv="${SOAP_ENVELOPE}" xmlns:xsi="${XSI_NAMESPACE}" ` +
    `xmlns:xsd="${XSD_NAMESPACE}"><soapenv:Body><ReadNextEventsResponse xmlns="${VIM25}">` +
    `${inside}</ReadNextEventsResponse></soapenv:Body></soapenv:Envelope>`
  );
}

const prolog = '<?xml version="1.0" encoding="UTF-8"?>\n';
const laughs = Array.from(
  { length: 9 },
  (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i};`.repeat(10)}">`,
).join('');

/** Documents that try to make the parser expand entities or read files and URLs. */
export const entityAttacks: { name: string; xml: (body: string) => string }[] = [
  {
    name: 'billion laughs',
    xml: () =>
      `${prolog}<!DOCTYPE lolz [<!ENTITY lol0 "lol">${laughs}]>` +
      response(`<returnval><fullFormattedMessage>&lol9;</fullFormattedMessage></returnval>`),
  },
  {
    name: 'quadratic blow-up',
    xml: () =>
      `${prolog}<!DOCTYPE r [<!ENTITY a "${'a'.repeat(10_000)}">]>` +
      response(
        '<returnval><fullFormattedMessage>' +
          '&a;'.repeat(10_000) +
          '</fullFormattedMessage></returnval>',
      ),
  },
  {
    name: 'external entity (file)',
    xml: () =>
      `${prolog}<!DOCTYPE r [<!ENTITY passwd SYSTEM "file:///etc/passwd">]>` +
      response(`<returnval><userName>&passwd;</userName></returnval>`),
  },
  {
    name: 'external entity (URL)',
    xml: () =>
      `${prolog}<!DOCTYPE r [<!ENTITY remote SYSTEM "http://127.0.0.1:9/entity">]>` +
      response(`<returnval><userName>&remote;</userName></returnval>`),
  },
  {
    name: 'external DTD',
    xml: () =>
      `${prolog}<!DOCTYPE soapenv:Envelope SYSTEM "file:///etc/passwd">` +
      response('<returnval/>'),
  },
  {
    name: 'parameter entity',
    xml: () =>
      `${prolog}<!DOCTYPE r [<!ENTITY % p SYSTEM "file:///etc/hostname"> %p;]>` +
      response('<returnval/>'),
  },
  {
    name: 'entity in an attribute',
    xml: () =>
      `<!DOCTYPE r [<!ENTITY t "VirtualMachine">]>` +
      response('<returnval><vm><vm type="&t;">vm-1</vm></vm></returnval>'),
  },
  {
    name: 'DOCTYPE inside the body',
    xml: (body) => response(`<!DOCTYPE r [<!ENTITY x "x">]>${body}`),
  },
  {
    name: 'undeclared entity',
    xml: (body) => response(`${body}<returnval><userName>&passwd;</userName></returnval>`),
  },
];
