// A light element tree of a SOAP response, with namespace URIs resolved, for the vim25
// decoder. Only what the decoder needs is kept: an element's namespace and local name, its
// unqualified attributes, its xsi:type (resolved against the prefixes in scope, because a
// server may bind XMLSchema-instance and XMLSchema to any prefix), its children and its text.
//
// vCenter never sends a DOCTYPE; one in a response is refused, so no entity declared in a DTD
// is ever expanded (saxes only knows the five predefined entities and character references).
import { SaxesParser, type SaxesTagNS } from 'saxes';

export const XSI_NAMESPACE = 'http://www.w3.org/2001/XMLSchema-instance';
export const XSD_NAMESPACE = 'http://www.w3.org/2001/XMLSchema';

/** A qualified name with its prefix resolved: `xsd:string` -> {uri: XSD_NAMESPACE, local}. */
export interface QName {
  uri: string;
  local: string;
}

export interface XmlElement {
  /** Namespace URI of the element, '' when it has none. */
  uri: string;
  local: string;
  /** Attributes without a namespace, by name (`type` of a ManagedObjectReference). */
  attributes: Record<string, string> | undefined;
  /** The xsi:type attribute, resolved; undefined when absent. */
  xsiType: QName | undefined;
  /** xsi:nil="true". */
  nil: boolean;
  children: XmlElement[];
  /** All text and CDATA directly inside the element, concatenated. */
  text: string;
}

export interface ParseXmlOptions {
  /** Deepest element nesting accepted; vim25 responses stay far below the default of 128. */
  maxDepth?: number;
}

export class XmlParseError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'XmlParseError';
  }
}

const defaultMaxDepth = 128;
/** saxes quotes names into its messages; a megabyte-long name must not become a log line. */
const maxReasonChars = 300;

/** `text` cut to `maxChars` for an error message, saying how long it was. */
export function cutForMessage(text: string, maxChars = 80): string {
  return text.length <= maxChars ? text : `${text.slice(0, maxChars)}... (${text.length} chars)`;
}

/**
 * Parses an XML document into an element tree and returns its root element. Throws
 * XmlParseError for a document that is not well-formed, has a DOCTYPE, uses an undeclared
 * prefix or entity, or nests deeper than maxDepth.
 */
export function parseXml(xml: string, options: ParseXmlOptions = {}): XmlElement {
  const maxDepth = options.maxDepth ?? defaultMaxDepth;
  const parser = new SaxesParser({ xmlns: true, position: true });
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  let failure: Error | undefined;

  const fail = (message: string): void => {
    // saxes starts its messages with its own "line:column: "; ours is enough.
    const reason = cutForMessage(message.replace(/^\d+:\d+: /, ''), maxReasonChars);
    failure ??= new XmlParseError(`XML line ${parser.line} column ${parser.column}: ${reason}`);
  };

  parser.on('error', (error) => fail(error.message));
  parser.on('doctype', () => fail('a DOCTYPE is not accepted (no DTD, no entity expansion)'));
  parser.on('opentag', (tag) => {
    if (stack.length >= maxDepth) {
      fail(`elements nested deeper than ${maxDepth}`);
      return;
    }
    const element = elementOf(tag, parser, fail);
    const parent = stack[stack.length - 1];
    if (parent) parent.children.push(element);
    else root = element;
    stack.push(element);
  });
  parser.on('closetag', () => {
    stack.pop();
  });
  const onText = (text: string): void => {
    const current = stack[stack.length - 1];
    if (current) current.text += text;
  };
  parser.on('text', onText);
  parser.on('cdata', onText);

  // saxes keeps going after an error it reports; stop at the first one we record.
  try {
    parser.write(xml);
    if (!failure) parser.close();
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
  }
  if (failure) throw failure;
  if (!root) throw new XmlParseError('XML document has no root element');
  return root;
}

function elementOf(
  tag: SaxesTagNS,
  parser: SaxesParser<{ xmlns: true; position: true }>,
  fail: (message: string) => void,
): XmlElement {
  let attributes: Record<string, string> | undefined;
  let xsiType: QName | undefined;
  let nil = false;
  for (const name in tag.attributes) {
    const attribute = tag.attributes[name];
    if (attribute.uri === '') {
      attributes ??= {};
      attributes[attribute.local] = attribute.value;
    } else if (attribute.uri === XSI_NAMESPACE) {
      if (attribute.local === 'type') xsiType = resolveQName(attribute.value, parser, fail);
      else if (attribute.local === 'nil') nil = attribute.value === 'true';
    }
  }
  return { uri: tag.uri, local: tag.local, attributes, xsiType, nil, children: [], text: '' };
}

/** Resolves a QName-valued attribute (xsi:type) with the prefixes in scope at this tag. */
function resolveQName(
  value: string,
  parser: SaxesParser<{ xmlns: true; position: true }>,
  fail: (message: string) => void,
): QName {
  const colon = value.indexOf(':');
  const prefix = colon < 0 ? '' : value.slice(0, colon);
  const local = colon < 0 ? value : value.slice(colon + 1);
  const uri = parser.resolve(prefix);
  if (uri === undefined && prefix !== '') fail(`xsi:type "${value}": prefix ${prefix} undeclared`);
  return { uri: uri ?? '', local };
}

/** The first child element with this local name, or undefined. */
export function childNamed(element: XmlElement, local: string): XmlElement | undefined {
  for (const child of element.children) if (child.local === local) return child;
  return undefined;
}
