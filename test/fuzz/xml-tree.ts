// Writes an element tree (router/src/vcenter/xml.ts's XmlElement) back as XML, with every
// namespace bound on the element that uses it under a prefix the caller picks. A server may
// bind any prefix to any namespace; the decoder must read the same thing whatever the names.
import { XSI_NAMESPACE, type XmlElement } from '../../router/src/vcenter/xml';

/** Picks the prefix for the nth namespace binding written (0, 1, 2, ...). */
export type PrefixNamer = (n: number) => string;

export const plainPrefixes: PrefixNamer = (n) => `ns${n}`;

export function escapeText(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\r/g, '&#13;');
}

function escapeAttribute(text: string): string {
  return escapeText(text).replace(/"/g, '&quot;').replace(/\t/g, '&#9;').replace(/\n/g, '&#10;');
}

export function writeXml(root: XmlElement, namer: PrefixNamer = plainPrefixes): string {
  let bindings = 0;
  const write = (element: XmlElement): string => {
    const parts: string[] = [];
    let name = element.local;
    if (element.uri !== '') {
      const prefix = namer(bindings++);
      name = `${prefix}:${element.local}`;
      parts.push(`xmlns:${prefix}="${escapeAttribute(element.uri)}"`);
    }
    for (const [attribute, value] of Object.entries(element.attributes ?? {})) {
      parts.push(`${attribute}="${escapeAttribute(value)}"`);
    }
    if (element.xsiType || element.nil) {
      const xsi = namer(bindings++);
      parts.push(`xmlns:${xsi}="${XSI_NAMESPACE}"`);
      if (element.nil) parts.push(`${xsi}:nil="true"`);
      if (element.xsiType) {
        const typePrefix = namer(bindings++);
        const { uri, local } = element.xsiType;
        if (uri === '') {
          parts.push(`${xsi}:type="${escapeAttribute(local)}"`);
        } else {
          parts.push(`xmlns:${typePrefix}="${escapeAttribute(uri)}"`);
          parts.push(`${xsi}:type="${typePrefix}:${escapeAttribute(local)}"`);
        }
      }
    }
    const open = [name, ...parts].join(' ');
    const inside = escapeText(element.text) + element.children.map(write).join('');
    return inside === '' ? `<${open}/>` : `<${open}>${inside}</${name}>`;
  };
  return write(root);
}

/** A deep copy, for mutating a parsed fixture without touching the original. */
export function copyTree(element: XmlElement): XmlElement {
  return {
    ...element,
    attributes: element.attributes ? { ...element.attributes } : undefined,
    xsiType: element.xsiType ? { ...element.xsiType } : undefined,
    children: element.children.map(copyTree),
  };
}

/** Every element of the tree, parents before children. */
export function allElements(root: XmlElement): XmlElement[] {
  const found: XmlElement[] = [];
  const visit = (element: XmlElement) => {
    found.push(element);
    element.children.forEach(visit);
  };
  visit(root);
  return found;
}
