// Decodes a vim25 value (an element of a SOAP response) into the JSON shape the original
// appliance's router produced by marshalling govmomi's Go structs with encoding/json:
// Go field names, every declared field present, absent ones with Go's zero value.
//
// Decoding never throws for bad content: a malformed or unknown part is recorded in
// `problems` and takes its zero value (or, for an unknown element, a generic reading), so one
// bad field never costs the rest of the event.
import {
  integerRanges,
  lookupType,
  scalarKind,
  type FieldSpec,
  type TypeSpec,
  type ValueKind,
} from './decode-type-table';
import { XSD_NAMESPACE, type XmlElement } from './xml';

/** Go's zero time.Time as encoding/json writes it. */
export const ZERO_DATE_TIME = '0001-01-01T00:00:00Z';

/** Children DynamicData may carry that govmomi has no field for and Go's decoder skipped. */
const ignoredElements = new Set(['dynamicType', 'dynamicProperty']);

const integerText = /^\s*[+-]?\d+\s*$/;
const floatText = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/;
// RFC 3339 / xsd:dateTime as vCenter writes it; the offset is optional in xsd:dateTime.
const dateTimeText = /^-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/;
const trueTexts = new Set(['true', '1', 't', 'T', 'TRUE', 'True']);
const falseTexts = new Set(['false', '0', 'f', 'F', 'FALSE', 'False']);

/** Problems of one decode, each naming the type and field (`VirtualDisk.CapacityInKB: ...`). */
export type Problems = string[];

/**
 * Decodes `element` as a value of the vim25 type `typeName` (a data type such as
 * `VirtualMachineConfigSpec`, an enum, or a scalar: `string`, `int`, `long`, `boolean`,
 * `dateTime`, `anyType`, ...). A known xsi:type on the element takes precedence over
 * `typeName` for a data type, as for a polymorphic field. Problems are appended to `problems`.
 */
export function decodeValue(
  element: XmlElement,
  typeName: string,
  problems: Problems = [],
): unknown {
  const kind = scalarKind(typeName);
  if (kind === 'anyType') return decodeAny(element, undefined, typeName, problems);
  if (kind !== undefined) {
    return decodeScalar(element.text, kind, typeName, undefined, typeName, problems);
  }

  const declared = lookupType(typeName);
  const actual = element.xsiType ? lookupType(element.xsiType.local) : undefined;
  const spec = actual ?? declared;
  if (!spec) {
    problems.push(`unknown vim25 type ${typeName}; read generically`);
    return decodeGeneric(element, problems);
  }
  if (element.xsiType && !actual && element.xsiType.uri !== XSD_NAMESPACE) {
    problems.push(`${typeName}: unknown xsi:type ${element.xsiType.local}, read as ${spec.name}`);
  }
  return decodeStruct(element, spec, problems);
}

/** Decodes the children of `element` as the fields of `spec`, in the order `spec` declares. */
export function decodeStruct(
  element: XmlElement,
  spec: TypeSpec,
  problems: Problems,
): Record<string, unknown> {
  const fields = spec.fields;
  const values: unknown[] = new Array(fields.length);
  let unknownChildren: Record<string, unknown> | undefined;

  for (const child of element.children) {
    const index = spec.elementIndex.get(child.local);
    if (index === undefined) {
      if (ignoredElements.has(child.local)) continue;
      unknownChildren ??= {};
      addGeneric(unknownChildren, child, problems);
      problems.push(`${spec.name}: unknown element ${child.local}; read generically`);
      continue;
    }
    // xsi:nil: vCenter's way of writing an absent value; Go left the field at its zero.
    if (child.nil) continue;
    const field = fields[index];
    const value = decodeField(child, field, spec, problems);
    if (field.repeated) {
      const list = values[index] as unknown[] | undefined;
      if (list) list.push(value);
      else values[index] = [value];
    } else {
      values[index] = value;
    }
  }
  for (const index of spec.attributeFields) {
    const text = element.attributes?.[fields[index].xmlName];
    if (text !== undefined) values[index] = decodeText(text, fields[index], spec, problems);
  }
  if (spec.charDataField >= 0) {
    const field = fields[spec.charDataField];
    values[spec.charDataField] = decodeText(element.text, field, spec, problems);
  }

  const result: Record<string, unknown> = {};
  for (let i = 0; i < fields.length; i++) {
    const value = values[i];
    result[fields[i].jsonName] = value === undefined ? zeroValue(fields[i]) : value;
  }
  if (unknownChildren) {
    for (const [name, value] of Object.entries(unknownChildren)) {
      // A declared field wins: an unknown <Key> must not replace the event's key.
      if (Object.hasOwn(result, name)) {
        problems.push(`${spec.name}: unknown element ${name} would hide field ${name}; left out`);
      } else {
        setOwn(result, name, value);
      }
    }
  }
  return result;
}

/**
 * The value Go's encoding/json wrote for a field absent from the XML: null for a pointer, a
 * slice or an interface; '' / 0 / false; Go's zero time; a struct of zero fields.
 */
export function zeroValue(field: FieldSpec): unknown {
  if (field.repeated || field.pointer || field.polymorphic) return null;
  switch (field.kind) {
    case 'string':
      return '';
    case 'integer':
    case 'float':
      return 0;
    case 'boolean':
      return false;
    case 'dateTime':
      return ZERO_DATE_TIME;
    case 'base64Binary':
    case 'anyType':
      return null;
    case 'struct':
      return zeroStruct(field.typeName);
  }
}

function zeroStruct(typeName: string): Record<string, unknown> | null {
  const spec = lookupType(typeName);
  if (!spec) return null;
  const result: Record<string, unknown> = {};
  for (const field of spec.fields) result[field.jsonName] = zeroValue(field);
  return result;
}

function decodeField(
  element: XmlElement,
  field: FieldSpec,
  owner: TypeSpec,
  problems: Problems,
): unknown {
  switch (field.kind) {
    case 'struct':
      return decodeStructField(element, field, owner, problems);
    case 'anyType':
      return decodeAny(element, owner, field.jsonName, problems);
    default:
      return decodeText(element.text, field, owner, problems);
  }
}

function decodeStructField(
  element: XmlElement,
  field: FieldSpec,
  owner: TypeSpec,
  problems: Problems,
): unknown {
  let spec: TypeSpec | undefined;
  // Go honoured xsi:type only where govmomi has an interface; elsewhere the declared type.
  if (field.polymorphic && element.xsiType) {
    spec = lookupType(element.xsiType.local);
    if (!spec) {
      problems.push(
        `${owner.name}.${field.jsonName}: unknown xsi:type ${element.xsiType.local}, ` +
          `read as ${field.typeName}`,
      );
    }
  }
  spec ??= lookupType(field.typeName);
  if (!spec) {
    problems.push(`${owner.name}.${field.jsonName}: unknown type ${field.typeName}`);
    return decodeGeneric(element, problems);
  }
  return decodeStruct(element, spec, problems);
}

function decodeText(text: string, field: FieldSpec, owner: TypeSpec, problems: Problems): unknown {
  return decodeScalar(text, field.kind, field.typeName, owner, field.jsonName, problems);
}

/** `Type.Field` for a problem message; built only when there is a problem to report. */
function whereOf(owner: TypeSpec | undefined, name: string): string {
  return owner ? `${owner.name}.${name}` : name;
}

/** Reads a scalar from element text; `owner` and `name` say where, for a problem. */
function decodeScalar(
  text: string,
  kind: ValueKind,
  typeName: string,
  owner: TypeSpec | undefined,
  name: string,
  problems: Problems,
): unknown {
  switch (kind) {
    case 'string':
    case 'base64Binary':
      // Limitation: govmomi kept base64Binary text as raw bytes, so the original appliance
      // wrote it base64-encoded a second time; we keep vCenter's base64 text as it came.
      return text;
    case 'integer':
      return decodeInteger(text, typeName, owner, name, problems);
    case 'float':
      // Go's decoder read an empty element as 0.
      if (text === '') return 0;
      if (floatText.test(text)) return Number(text);
      problems.push(`${whereOf(owner, name)}: ${quote(text)} is not a valid ${typeName}`);
      return 0;
    case 'boolean': {
      const trimmed = text.trim();
      if (trueTexts.has(trimmed)) return true;
      if (falseTexts.has(trimmed)) return false;
      problems.push(`${whereOf(owner, name)}: ${quote(text)} is not a boolean`);
      return false;
    }
    case 'dateTime': {
      const trimmed = text.trim();
      if (dateTimeText.test(trimmed)) return trimmed;
      problems.push(`${whereOf(owner, name)}: ${quote(text)} is not a dateTime`);
      return ZERO_DATE_TIME;
    }
    default:
      problems.push(`${whereOf(owner, name)}: cannot read ${kind} ${typeName} from text`);
      return text;
  }
}

function decodeInteger(
  text: string,
  typeName: string,
  owner: TypeSpec | undefined,
  name: string,
  problems: Problems,
): number {
  // Go's decoder read an empty element as 0.
  if (text === '') return 0;
  if (!integerText.test(text)) {
    problems.push(`${whereOf(owner, name)}: ${quote(text)} is not a valid ${typeName}`);
    return 0;
  }
  const value = Number(text);
  const range = integerRanges[typeName] ?? integerRanges.long;
  if (value < range[0] || value > range[1]) {
    // Limitation: an xsd:long beyond 2^53 is not exact as a JavaScript number; it is kept
    // (rounded) and reported, where Go kept every digit.
    problems.push(`${whereOf(owner, name)}: ${quote(text)} is out of range for ${typeName}`);
    return typeName === 'long' || typeName === 'unsignedLong' ? value : 0;
  }
  return value;
}

/**
 * A value of xsd:anyType (KeyAnyValue.value, OptionValue.value): its xsi:type says what it is,
 * an XML Schema type (xsd:string, xsd:int, ...) or a vim25 type (ManagedObjectReference,
 * ArrayOfString, ...).
 */
function decodeAny(
  element: XmlElement,
  owner: TypeSpec | undefined,
  name: string,
  problems: Problems,
): unknown {
  const xsiType = element.xsiType;
  const where = (): string => whereOf(owner, name);
  if (!xsiType) {
    if (element.children.length > 0) {
      problems.push(`${where()}: value without xsi:type; read generically`);
      return decodeGeneric(element, problems);
    }
    problems.push(`${where()}: value without xsi:type; read as a string`);
    return element.text;
  }
  if (xsiType.uri === XSD_NAMESPACE) {
    const kind = scalarKind(xsiType.local);
    if (kind && kind !== 'anyType') {
      return decodeScalar(element.text, kind, xsiType.local, owner, name, problems);
    }
    problems.push(`${where()}: unsupported xsi:type xsd:${xsiType.local}; read as a string`);
    return element.text;
  }
  const kind = scalarKind(xsiType.local);
  if (kind === 'string') return element.text; // a vim25 enum
  const spec = lookupType(xsiType.local);
  if (spec) return decodeStruct(element, spec, problems);
  problems.push(`${where()}: unknown xsi:type ${xsiType.local}; read generically`);
  return decodeGeneric(element, problems);
}

/**
 * An element the table has no type for: text when it has no children, else an object of its
 * children under Go-style (upper-cased first letter) names, repeated names as arrays.
 */
export function decodeGeneric(element: XmlElement, problems: Problems): unknown {
  if (element.xsiType && element.xsiType.uri !== XSD_NAMESPACE) {
    const spec = lookupType(element.xsiType.local);
    if (spec) return decodeStruct(element, spec, problems);
  }
  if (element.children.length === 0) return element.text;
  const result: Record<string, unknown> = {};
  for (const child of element.children) addGeneric(result, child, problems);
  return result;
}

function addGeneric(target: Record<string, unknown>, child: XmlElement, problems: Problems) {
  const name = child.local.charAt(0).toUpperCase() + child.local.slice(1);
  const value = decodeGeneric(child, problems);
  if (!Object.hasOwn(target, name)) setOwn(target, name, value);
  else if (Array.isArray(target[name])) (target[name] as unknown[]).push(value);
  else setOwn(target, name, [target[name], value]);
}

/** `__proto__` is a legal element name; assigning it would set the prototype, losing the value. */
function setOwn(target: Record<string, unknown>, name: string, value: unknown): void {
  Object.defineProperty(target, name, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

/** Element text for a problem message: quoted, and cut short. */
function quote(text: string): string {
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}...` : text);
}
