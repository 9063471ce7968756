// An EventBridge event pattern, compiled once and matched locally against the event as
// EventBridge will see it. The structure of the language lives here: every field of a pattern
// must match (and), any value of a field's array may match (or), `$or` between sub-patterns,
// nested objects, and arrays in the event (a value matches if any element does).
// https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html
import { EventPatternError } from './pattern-error';
import {
  compileLeafMatcher,
  operatorNames,
  type LeafMatcher,
  type LeafValue,
} from './value-matchers';

interface LeafField {
  name: string;
  matchers: LeafMatcher[];
}

interface NestedField {
  name: string;
  pattern: ObjectPattern;
}

interface ObjectPattern {
  leaves: LeafField[];
  nested: NestedField[];
  /** Each entry is one `$or`: at least one of its alternatives must match. */
  alternatives: ObjectPattern[][];
}

export class EventPattern {
  private constructor(
    private readonly root: ObjectPattern,
    /** The pattern's JSON as the rule holds it, for comparing refreshes and for messages. */
    readonly source: string,
  ) {}

  /** Compiles the `EventPattern` string of a rule; throws EventPatternError naming the problem. */
  static parse(json: string): EventPattern {
    let pattern: unknown;
    try {
      pattern = JSON.parse(json);
    } catch (error) {
      throw new EventPatternError('', `not valid JSON (${(error as Error).message})`);
    }
    return new EventPattern(compileObject(pattern, ''), json);
  }

  /** True when the whole EventBridge event (source, detail-type, detail, ...) matches. */
  matches(event: Record<string, unknown>): boolean {
    return matchFields(this.root, event);
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

// Limitation: a field name holding a dot (`"state.status"`) is one name here; EventBridge's
// matcher joins nested names with dots, so there it also matches {"state": {"status": ...}}.
function compileObject(pattern: unknown, path: string): ObjectPattern {
  if (!isPlainObject(pattern)) {
    throw new EventPatternError(path, `must be a JSON object, not ${describe(pattern)}`);
  }
  const compiled: ObjectPattern = { leaves: [], nested: [], alternatives: [] };
  for (const [name, value] of Object.entries(pattern)) {
    const fieldPath = path === '' ? name : `${path}.${name}`;
    if (name === '$or' && isOrList(value)) {
      compiled.alternatives.push(compileOr(value, fieldPath));
    } else if (Array.isArray(value)) {
      compiled.leaves.push({ name, matchers: compileLeaf(value, fieldPath) });
    } else if (isPlainObject(value)) {
      compiled.nested.push({ name, pattern: compileObject(value, fieldPath) });
    } else {
      const problem = `must be an array of values or a nested object, not ${describe(value)}`;
      throw new EventPatternError(fieldPath, problem);
    }
  }
  return compiled;
}

/**
 * `$or` is the or-primitive only when it holds sub-patterns (objects whose keys are field
 * names, not operators); otherwise EventBridge reads `$or` as an ordinary field name, and so
 * do we (`"$or": [{"prefix": "a"}]` matches a field called `$or`).
 */
function isOrList(value: unknown): value is unknown[] {
  return (
    Array.isArray(value) &&
    value.length > 0 &&
    value.every((alt) => isPlainObject(alt) && !Object.keys(alt).some((k) => operatorNames.has(k)))
  );
}

function compileOr(alternatives: unknown[], path: string): ObjectPattern[] {
  if (alternatives.length < 2) {
    throw new EventPatternError(path, '"$or" needs at least two alternatives');
  }
  return alternatives.map((alt, i) => compileObject(alt, `${path}[${i}]`));
}

function compileLeaf(values: unknown[], path: string): LeafMatcher[] {
  if (values.length === 0) {
    throw new EventPatternError(
      path,
      'an empty value array matches nothing; EventBridge rejects it',
    );
  }
  return values.map((element) => compileLeafMatcher(element, path));
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `${typeof value} ${JSON.stringify(value)}`;
}

/**
 * A nested pattern against an event value: an object is matched field by field; an array by
 * any of its elements (arrays nest); anything else, or nothing, as an object without fields,
 * so that only `exists: false` leaves can hold there.
 * Limitation: inside an array of objects, `exists: false` holds when any one element lacks the
 * field; EventBridge documents exists only for plain objects.
 */
function matchObject(pattern: ObjectPattern, node: unknown): boolean {
  const candidates = objectsIn(node);
  if (candidates.length === 0) return matchFields(pattern, undefined);
  return candidates.some((candidate) => matchFields(pattern, candidate));
}

/** Every field, and one alternative of every `$or`, against the same object. */
function matchFields(
  pattern: ObjectPattern,
  object: Record<string, unknown> | undefined,
): boolean {
  return (
    pattern.leaves.every((leaf) => matchLeaf(leaf.matchers, ownField(object, leaf.name))) &&
    pattern.nested.every((field) => matchObject(field.pattern, ownField(object, field.name))) &&
    pattern.alternatives.every((alts) => alts.some((alt) => matchFields(alt, object)))
  );
}

function matchLeaf(matchers: LeafMatcher[], value: unknown): boolean {
  const values = leafValuesOf(value);
  return matchers.some((matcher) =>
    matcher.kind === 'exists'
      ? matcher.exists === values.length > 0
      : values.some((v) => matcher.test(v)),
  );
}

/** Own properties only: a field named `constructor` must not find Object's. */
function ownField(object: Record<string, unknown> | undefined, name: string): unknown {
  return object !== undefined && Object.prototype.hasOwnProperty.call(object, name)
    ? object[name]
    : undefined;
}

function objectsIn(node: unknown): Array<Record<string, unknown>> {
  if (Array.isArray(node)) return node.flatMap(objectsIn);
  return isPlainObject(node) ? [node] : [];
}

/** The leaf values at a field: a scalar, or the scalars of an array; an object is no leaf. */
function leafValuesOf(value: unknown): LeafValue[] {
  if (Array.isArray(value)) return value.flatMap(leafValuesOf);
  if (
    value === null ||
    typeof value === 'string' ||
    typeof value === 'number' ||
    typeof value === 'boolean'
  ) {
    return [value];
  }
  return [];
}
