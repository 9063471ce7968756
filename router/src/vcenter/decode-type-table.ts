// The vim25 type table (generated from govmomi by scripts/gen-vim25-types) in the form the
// decoder walks: per type, every field it declares, its base types' first, in declaration
// order, as Go's encoding/json emitted govmomi's embedded structs.
//
// Module state: the JSON is parsed once, when this module is first loaded; a type's flattened
// field list is built the first time that type is decoded and kept for the process's life.
import generatedTable from './vim25-types.generated.json';

/** Flag bits of a field in the generated table (see scripts/gen-vim25-types/main.go). */
const flagRepeated = 1;
const flagPointer = 2;
const flagPolymorphic = 4;
const flagAttribute = 8;
const flagCharData = 16;

/** How a value is read from its element text, or that it is a structure. */
export type ValueKind =
  'string' | 'boolean' | 'integer' | 'float' | 'dateTime' | 'base64Binary' | 'anyType' | 'struct';

/** Inclusive range of each vim25 integer type (xsd:long is limited by JavaScript numbers). */
export const integerRanges: Readonly<Record<string, readonly [number, number]>> = {
  byte: [-128, 255], // govmomi reads xsd:byte into a Go byte; accept both readings
  short: [-32_768, 32_767],
  int: [-2_147_483_648, 2_147_483_647],
  long: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  unsignedByte: [0, 255],
  unsignedShort: [0, 65_535],
  unsignedInt: [0, 4_294_967_295],
  unsignedLong: [0, Number.MAX_SAFE_INTEGER],
};

const scalarKinds: Readonly<Record<string, ValueKind>> = {
  string: 'string',
  anyURI: 'string',
  boolean: 'boolean',
  byte: 'integer',
  short: 'integer',
  int: 'integer',
  long: 'integer',
  unsignedByte: 'integer',
  unsignedShort: 'integer',
  unsignedInt: 'integer',
  unsignedLong: 'integer',
  float: 'float',
  double: 'float',
  dateTime: 'dateTime',
  base64Binary: 'base64Binary',
  anyType: 'anyType',
};

export interface FieldSpec {
  /** The XML element (or attribute) name; '' for the text of the parent element. */
  xmlName: string;
  /** The JSON name: govmomi's Go field name. */
  jsonName: string;
  /** The vim25 type: a scalar (`int`, `dateTime`), an enum or a data type name. */
  typeName: string;
  kind: ValueKind;
  repeated: boolean;
  /** A Go pointer: absent means null. */
  pointer: boolean;
  /** A Go interface: the element's xsi:type says which type the value is. */
  polymorphic: boolean;
  attribute: boolean;
  charData: boolean;
}

export interface TypeSpec {
  name: string;
  base: TypeSpec | undefined;
  /** Base fields first, in declaration order; a field re-declared lower down hides its base's. */
  fields: FieldSpec[];
  /** Element name -> index in fields, for child elements (attributes and text excluded). */
  elementIndex: Map<string, number>;
  attributeFields: number[];
  charDataField: number;
}

type RawField = [string, string, number, string?];
type RawType = [string, RawField[]];

const rawTypes = generatedTable.types as unknown as Record<string, RawType>;
const enums = generatedTable.enums as unknown as Record<string, string[]>;
const resolved = new Map<string, TypeSpec>();

/** What the table was generated from, for `--version` style reports. */
export const typeTableSource: string = generatedTable.source;

/** The data type of this name, or undefined when the table does not know it. */
export function lookupType(name: string): TypeSpec | undefined {
  const known = resolved.get(name);
  if (known) return known;
  if (!Object.hasOwn(rawTypes, name)) return undefined;
  return resolveType(name, 0);
}

/** True when `name` is `ancestor` or derives from it. */
export function derivesFrom(name: string, ancestor: string): boolean {
  for (let spec = lookupType(name); spec; spec = spec.base) {
    if (spec.name === ancestor) return true;
  }
  return false;
}

export function isEnum(name: string): boolean {
  return Object.hasOwn(enums, name);
}

/** The values of a vim25 enum, or undefined. */
export function enumValues(name: string): readonly string[] | undefined {
  return Object.hasOwn(enums, name) ? enums[name] : undefined;
}

/** The kind of a scalar type name (`int`, `dateTime`, an enum), or undefined for a data type. */
export function scalarKind(typeName: string): ValueKind | undefined {
  if (Object.hasOwn(scalarKinds, typeName)) return scalarKinds[typeName];
  if (isEnum(typeName)) return 'string';
  return undefined;
}

function resolveType(name: string, depth: number): TypeSpec {
  if (depth > 64) throw new Error(`vim25 type table: base chain of ${name} loops`);
  const [baseName, rawFields] = rawTypes[name];
  const base = baseName ? (resolved.get(baseName) ?? resolveType(baseName, depth + 1)) : undefined;

  const fields = base ? [...base.fields] : [];
  for (const raw of rawFields) {
    const field = fieldOf(raw);
    const hidden = fields.findIndex((f) => f.jsonName === field.jsonName);
    if (hidden >= 0) fields.splice(hidden, 1);
    fields.push(field);
  }

  const spec: TypeSpec = {
    name,
    base,
    fields,
    elementIndex: new Map(),
    attributeFields: [],
    charDataField: -1,
  };
  fields.forEach((field, index) => {
    if (field.attribute) spec.attributeFields.push(index);
    else if (field.charData) spec.charDataField = index;
    else spec.elementIndex.set(field.xmlName, index);
  });
  resolved.set(name, spec);
  return spec;
}

function fieldOf([xmlName, typeName, flags, goName]: RawField): FieldSpec {
  return {
    xmlName,
    jsonName: goName ?? xmlName.charAt(0).toUpperCase() + xmlName.slice(1),
    typeName,
    kind: scalarKind(typeName) ?? 'struct',
    repeated: (flags & flagRepeated) !== 0,
    pointer: (flags & flagPointer) !== 0,
    polymorphic: (flags & flagPolymorphic) !== 0,
    attribute: (flags & flagAttribute) !== 0,
    charData: (flags & flagCharData) !== 0,
  };
}
