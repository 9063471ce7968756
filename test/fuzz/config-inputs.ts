// Generators of config files for the loader's fuzz properties: the valid fixtures
// (test/fixtures/config/) with values of the wrong type put anywhere, fields taken away or
// added, entries copied, their text cut and spliced; and secrets of every shape.
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export const configFixtureDir = path.resolve(__dirname, '../fixtures/config');

/** Keys whose values authenticate to something: never to be shown in a problem. */
export const secretKeys = new Set(['password', 'aws_secret_access_key', 'aws_access_key_id']);

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonPath = (string | number)[];

export interface ConfigFixture {
  name: string;
  text: string;
  document: Json[];
}

export const configFixtures: ConfigFixture[] = readdirSync(configFixtureDir)
  .filter((name) => name.endsWith('.json'))
  .sort()
  .map((name) => {
    const text = readFileSync(path.join(configFixtureDir, name), 'utf8');
    return {
      name,
      text,
      document: JSON.parse(text) as Json[],
      [fc.toStringMethod]: () => `fixture ${name}`,
    };
  });

const configFixture = fc.constantFrom(...configFixtures);

/** Every path in `value`, the root's [] first. */
export function pathsOf(value: Json, at: JsonPath = []): JsonPath[] {
  const paths: JsonPath[] = [at];
  if (Array.isArray(value)) value.forEach((item, i) => paths.push(...pathsOf(item, [...at, i])));
  else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) paths.push(...pathsOf(item, [...at, key]));
  }
  return paths;
}

export function valueAt(document: Json, at: JsonPath): Json | undefined {
  let value: Json | undefined = document;
  for (const key of at) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string | number, Json>)[key];
  }
  return value;
}

/** Sets (or, with `undefined`, removes) the value at a non-root path. */
export function setAt(document: Json, at: JsonPath, value: Json | undefined): void {
  const parent = valueAt(document, at.slice(0, -1)) as Record<string | number, Json>;
  const key = at[at.length - 1];
  if (value !== undefined) parent[key] = value;
  else if (Array.isArray(parent)) parent.splice(key as number, 1);
  else delete parent[key];
}

export const isSecretPath = (at: JsonPath) => secretKeys.has(String(at[at.length - 1]));

/** Every value at a secret path of `document`, as the text a leak would show. */
export function secretsIn(document: Json): string[] {
  return pathsOf(document)
    .filter(isSecretPath)
    .map((at) => valueAt(document, at))
    .filter((value) => typeof value === 'string' && value.length >= 6)
    .map(String);
}

export const kindOf = (value: Json | undefined) =>
  value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;

/** Values of every JSON type, plain and extreme. */
const anyValue: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom<Json>(null, true, false, 0, -1, 1.5, 1e308, -0, 65_536, '', ' ', [], {}),
  fc.constantFrom<Json>('true', 'no', '0', '-5s', '1h', 'now', '\u0000', 'x'.repeat(10_000)),
  fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>,
);

export type ConfigEdit =
  | { kind: 'replace'; at: JsonPath; value: Json }
  | { kind: 'remove'; at: JsonPath }
  | { kind: 'add'; at: JsonPath; key: string; value: Json }
  | { kind: 'copy entry'; index: number };

export interface EditedConfig {
  fixture: ConfigFixture;
  document: Json[];
  edits: ConfigEdit[];
}

/** Picks non-secret paths only: changing a secret's shape is secretShapes' job. */
function editOf(
  document: Json[],
  n: number,
  choice: number,
  value: Json,
  key: string,
): ConfigEdit {
  // The document itself is not replaced here: 'any JSON value' covers that.
  const paths = pathsOf(document).filter((at) => at.length > 0 && !isSecretPath(at));
  const kind = choice % 4;
  if (paths.length === 0 || (kind === 3 && document.length > 0)) {
    return { kind: 'copy entry', index: n % Math.max(1, document.length) };
  }
  const at = paths[n % paths.length];
  if (kind === 1) return { kind: 'remove', at };
  const target = valueAt(document, at);
  if (kind === 2 && target !== null && typeof target === 'object' && !Array.isArray(target)) {
    return { kind: 'add', at, key, value };
  }
  return { kind: 'replace', at, value };
}

function apply(document: Json[], edit: ConfigEdit): void {
  switch (edit.kind) {
    // Copies: the generated values may be shared constants, which a later edit would change.
    case 'replace':
      setAt(document, edit.at, structuredClone(edit.value));
      return;
    case 'remove':
      setAt(document, edit.at, undefined);
      return;
    case 'add':
      (valueAt(document, edit.at) as Record<string, Json>)[edit.key] = structuredClone(edit.value);
      return;
    case 'copy entry':
      if (document.length > 0) document.push(structuredClone(document[edit.index]));
  }
}

/** A key that is nearly a known one (a letter dropped, upper case) or nothing like any. */
const unknownKey = fc.oneof(
  fc.constantFrom('Type', 'provder', 'adress', 'opts', 'auth ', '', '__proto__', 'constructor'),
  fc.constantFrom('poll_intervall', 'pageSize', 'insecure ', 'ca-file', 'Username', 'secret'),
  fc.string({ maxLength: 16 }),
);

/** A fixture with one to four edits; edit `i` is decided on the document as edit `i-1` left it. */
export const editedConfig: fc.Arbitrary<EditedConfig> = fc
  .tuple(
    configFixture,
    fc.array(fc.tuple(fc.nat(), fc.nat(), anyValue, unknownKey), { minLength: 1, maxLength: 4 }),
  )
  .map(([fixture, choices]) => {
    const document = structuredClone(fixture.document);
    const edits: ConfigEdit[] = [];
    for (const [n, choice, value, key] of choices) {
      if (!Array.isArray(document)) break;
      const edit = editOf(document, n, choice, value, key);
      apply(document, edit);
      edits.push(edit);
    }
    return { fixture, document, edits };
  });

/** One edit that puts a value of another JSON type at a non-secret field of an entry. */
export const wrongTypeConfig = fc
  .tuple(configFixture, fc.nat(), anyValue)
  .map(([fixture, n, value]) => {
    const document = structuredClone(fixture.document);
    const fields = pathsOf(document).filter((at) => at.length >= 2 && !isSecretPath(at));
    const at = fields[n % fields.length];
    const original = valueAt(document, at);
    setAt(document, at, structuredClone(value));
    return { fixture, document, at, value, original };
  })
  .filter((c) => kindOf(c.value) !== kindOf(c.original));

/** A secret nobody would write in a message by chance: 10 to 40 characters, a marker first. */
const secretText = fc
  .string({ minLength: 8, maxLength: 38 })
  .map((text) => `Zq${text}`)
  .filter((text) => text.trim() === text);

/** Secrets, and values in a secret's place that are not secrets of the right shape. */
const secretShape: fc.Arbitrary<{ value: Json; shown: string[] }> = fc.oneof(
  secretText.map((s) => ({ value: s, shown: [s] })),
  secretText.map((s) => ({ value: [s], shown: [s] })),
  secretText.map((s) => ({ value: { value: s }, shown: [s] })),
  secretText.map((s) => ({ value: `${s}\n${s}`, shown: [s] })),
  secretText.map((s) => ({ value: s.repeat(300), shown: [s] })),
  fc
    .integer({ min: 10_000_000, max: Number.MAX_SAFE_INTEGER })
    .map((n) => ({ value: n, shown: [String(n)] })),
);

export interface SecretConfig {
  document: Json[];
  /** Text that must not appear in any problem or warning. */
  secrets: string[];
}

/**
 * A fixture with every secret replaced by a new one of any shape, a secret in an address, and
 * up to three other edits that make the file wrong elsewhere.
 */
export const configWithSecrets: fc.Arbitrary<SecretConfig> = fc
  .tuple(
    configFixture,
    fc.array(secretShape, { minLength: 8, maxLength: 8 }),
    fc.option(secretText, { nil: undefined }),
    fc.array(fc.tuple(fc.nat(), fc.nat(), anyValue, unknownKey), { maxLength: 3 }),
  )
  .map(([fixture, shapes, addressSecret, choices]) => {
    const document = structuredClone(fixture.document);
    const secrets: string[] = [];
    pathsOf(document)
      .filter(isSecretPath)
      .forEach((at, i) => {
        const shape = shapes[i % shapes.length];
        setAt(document, at, structuredClone(shape.value));
        secrets.push(...shape.shown);
      });
    if (addressSecret !== undefined) {
      const entry = document.find((e) => typeof (e as { address?: Json })?.address === 'string');
      const withAddress = entry as { address: string } | undefined;
      if (withAddress) {
        withAddress.address = withAddress.address.replace('//', `//admin:${addressSecret}@`);
        secrets.push(addressSecret);
      }
    }
    for (const [n, choice, value, key] of choices) {
      apply(document, editOf(document, n, choice, value, key));
    }
    return { document, secrets };
  });

const jsonTokens = [
  '{',
  '}',
  '[',
  ']',
  ',',
  ':',
  '"',
  '\\',
  '\\u',
  '\\ud800',
  'true',
  'null',
  '1e999',
  '-0',
  '01',
  "'",
  '\u0000',
  '\n',
  '\uFEFF',
  '/* comment */',
  '"type": "stream"',
  '"": ""',
];

type TextEdit = (text: string) => string;
const at = (text: string, position: number) => position % (text.length + 1);

const textEdit: fc.Arbitrary<TextEdit> = fc.oneof(
  fc.nat().map((n) => (text: string) => text.slice(0, at(text, n))),
  fc.tuple(fc.nat(), fc.nat({ max: 40 })).map(([n, length]) => (text: string) => {
    const start = at(text, n);
    return text.slice(0, start) + text.slice(start + length);
  }),
  fc
    .tuple(fc.nat(), fc.oneof(fc.constantFrom(...jsonTokens), fc.string({ maxLength: 6 })))
    .map(([n, piece]) => (text: string) => {
      const position = at(text, n);
      return text.slice(0, position) + piece + text.slice(position);
    }),
);

/** A fixture's text with one to five cuts and splices. */
export const mutatedConfigText = fc
  .tuple(configFixture, fc.array(textEdit, { minLength: 1, maxLength: 5 }))
  .map(([fixture, edits]) => ({
    fixture,
    text: edits.reduce((text, edit) => edit(text), fixture.text),
  }));
