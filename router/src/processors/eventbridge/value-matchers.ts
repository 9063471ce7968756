// The value side of the EventBridge event-pattern language: one element of a pattern's value
// array (`"running"`, `{ "prefix": "vm-" }`, `{ "numeric": [">", 0] }`, ...) compiled into a
// test on one leaf value of the event. The structure (fields, nesting, `$or`, arrays in the
// event) lives in event-pattern.ts.
// https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html
import { BlockList, isIP } from 'node:net';
import { EventPatternError } from './pattern-error';

/** What a leaf of the event can hold; objects are not leaves. */
export type LeafValue = string | number | boolean | null;

export type LeafMatcher =
  /** `{ "exists": true | false }`: about the field being there, not about its value. */
  { kind: 'exists'; exists: boolean } | { kind: 'value'; test: (value: LeafValue) => boolean };

/** The operator names of the language; an object with one of them is an operator, not a field. */
export const operatorNames: ReadonlySet<string> = new Set([
  'anything-but',
  'cidr',
  'equals-ignore-case',
  'exists',
  'numeric',
  'prefix',
  'suffix',
  'wildcard',
]);

/** Compiles one element of a pattern value array; throws EventPatternError naming the problem. */
export function compileLeafMatcher(element: unknown, path: string): LeafMatcher {
  if (isLiteral(element)) {
    return { kind: 'value', test: equalsLiteral(element) };
  }
  if (Array.isArray(element)) {
    throw new EventPatternError(path, 'an array inside a value array is not allowed');
  }
  const [operator, spec] = singleOperator(element as Record<string, unknown>, path);
  if (operator === 'exists') {
    if (typeof spec !== 'boolean')
      throw new EventPatternError(path, '"exists" takes true or false');
    return { kind: 'exists', exists: spec };
  }
  return { kind: 'value', test: compileOperator(operator, spec, path) };
}

function singleOperator(element: Record<string, unknown>, path: string): [string, unknown] {
  const keys = Object.keys(element);
  if (keys.length !== 1) {
    const found = keys.length === 0 ? 'none' : keys.map((k) => `"${k}"`).join(', ');
    throw new EventPatternError(
      path,
      `a matcher object needs exactly one operator (got ${found})`,
    );
  }
  const operator = keys[0];
  if (!operatorNames.has(operator)) {
    throw new EventPatternError(path, `unsupported operator "${operator}"`);
  }
  return [operator, element[operator]];
}

function compileOperator(
  operator: string,
  spec: unknown,
  path: string,
): (v: LeafValue) => boolean {
  switch (operator) {
    case 'prefix':
      return stringTest(affixTest('prefix', spec, path));
    case 'suffix':
      return stringTest(affixTest('suffix', spec, path));
    case 'equals-ignore-case':
      return stringTest(ignoreCaseTest(spec, path, operator));
    case 'wildcard':
      return stringTest(wildcardTest(spec, path, operator));
    case 'numeric':
      return numericTest(spec, path);
    case 'cidr':
      return cidrTest(spec, path);
    case 'anything-but':
      return anythingButTest(spec, path);
    default:
      // Unreachable: singleOperator() only lets known names through.
      throw new EventPatternError(path, `unsupported operator "${operator}"`);
  }
}

function isLiteral(value: unknown): value is LeafValue {
  return (
    value === null ||
    typeof value === 'string' ||
    typeof value === 'boolean' ||
    (typeof value === 'number' && Number.isFinite(value))
  );
}

/** Exact match: strings by their characters, numbers by value (3.018e2 equals 301.8). */
function equalsLiteral(expected: LeafValue): (v: LeafValue) => boolean {
  return (v) => v === expected;
}

function stringTest(test: (s: string) => boolean): (v: LeafValue) => boolean {
  return (v) => typeof v === 'string' && test(v);
}

function requireString(spec: unknown, path: string, operator: string): string {
  if (typeof spec !== 'string') throw new EventPatternError(path, `"${operator}" takes a string`);
  return spec;
}

/** `{"prefix": "us-"}` or `{"prefix": {"equals-ignore-case": "EVENTB"}}`, same for suffix. */
function affixTest(operator: 'prefix' | 'suffix', spec: unknown, path: string) {
  let affix: string;
  let ignoreCase = false;
  if (spec !== null && typeof spec === 'object' && !Array.isArray(spec)) {
    const [inner, innerSpec] = singleOperator(spec as Record<string, unknown>, path);
    if (inner !== 'equals-ignore-case') {
      throw new EventPatternError(path, `"${operator}" does not take "${inner}"`);
    }
    affix = requireString(innerSpec, path, `${operator}.equals-ignore-case`).toLowerCase();
    ignoreCase = true;
  } else {
    affix = requireString(spec, path, operator);
  }
  return (s: string): boolean => {
    const subject = ignoreCase ? s.toLowerCase() : s;
    return operator === 'prefix' ? subject.startsWith(affix) : subject.endsWith(affix);
  };
}

function ignoreCaseTest(spec: unknown, path: string, operator: string) {
  const expected = requireString(spec, path, operator).toLowerCase();
  return (s: string): boolean => s.toLowerCase() === expected;
}

/**
 * `*` matches any run of characters (also none). `\*` is a literal asterisk and `\\` a literal
 * backslash; any other escape, and two wildcards in a row, are errors, as EventBridge has them.
 * Matched segment by segment rather than with a regular expression, so that a pattern with
 * many wildcards cannot make matching a long value take exponential time.
 */
function wildcardTest(spec: unknown, path: string, operator: string) {
  const segments = wildcardSegments(requireString(spec, path, operator), path, operator);
  if (segments.length === 1) return (s: string): boolean => s === segments[0];
  const first = segments[0];
  const last = segments[segments.length - 1];
  const middle = segments.slice(1, -1);
  return (s: string): boolean => {
    const end = s.length - last.length;
    if (end < first.length || !s.startsWith(first) || !s.endsWith(last)) return false;
    let at = first.length;
    for (const segment of middle) {
      // The leftmost place for each segment leaves the most room for the ones after it.
      const found = s.indexOf(segment, at);
      if (found < 0 || found + segment.length > end) return false;
      at = found + segment.length;
    }
    return true;
  };
}

/** The literal runs between unescaped wildcards: `a*b\*c*` gives ['a', 'b*c', '']. */
function wildcardSegments(pattern: string, path: string, operator: string): string[] {
  const segments = [''];
  let previousWasWildcard = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*') {
      if (previousWasWildcard) {
        throw new EventPatternError(path, `"${operator}" has consecutive wildcard characters`);
      }
      segments.push('');
      previousWasWildcard = true;
      continue;
    }
    previousWasWildcard = false;
    let literal = c;
    if (c === '\\') {
      const next = pattern[i + 1];
      if (next !== '*' && next !== '\\') {
        throw new EventPatternError(path, `"${operator}" may escape only "*" and "\\"`);
      }
      literal = next;
      i++;
    }
    segments[segments.length - 1] += literal;
  }
  return segments;
}

type NumericOperator = '<' | '<=' | '=' | '>' | '>=';
const numericOperators: ReadonlySet<string> = new Set(['<', '<=', '=', '>', '>=']);

/**
 * `[">", 0, "<=", 5]`, `["<", 10]`, `["=", 301.8]`: at most one lower and one upper bound,
 * or `=` alone. Only JSON numbers in the event match.
 */
function numericTest(spec: unknown, path: string): (v: LeafValue) => boolean {
  const usage = '"numeric" takes operator/number pairs such as [">", 0, "<=", 5]';
  if (!Array.isArray(spec) || spec.length === 0 || spec.length % 2 !== 0 || spec.length > 4) {
    throw new EventPatternError(path, usage);
  }
  const comparisons: Array<[NumericOperator, number]> = [];
  for (let i = 0; i < spec.length; i += 2) {
    const [op, bound] = [spec[i], spec[i + 1]];
    if (typeof op !== 'string' || !numericOperators.has(op)) {
      throw new EventPatternError(
        path,
        `"numeric" has an unknown comparison ${JSON.stringify(op)}`,
      );
    }
    if (typeof bound !== 'number' || !Number.isFinite(bound)) {
      throw new EventPatternError(
        path,
        `"numeric" compares with numbers, not ${JSON.stringify(bound)}`,
      );
    }
    comparisons.push([op as NumericOperator, bound]);
  }
  checkNumericBounds(comparisons, path);
  // Limitation: compares IEEE doubles; EventBridge keeps six decimal places, so values that
  // differ only beyond the sixth decimal compare equal there and different here.
  return (v) => typeof v === 'number' && comparisons.every(([op, bound]) => compare(v, op, bound));
}

function checkNumericBounds(comparisons: Array<[NumericOperator, number]>, path: string): void {
  const ops = comparisons.map(([op]) => op);
  const lower = ops.filter((op) => op === '>' || op === '>=').length;
  const upper = ops.filter((op) => op === '<' || op === '<=').length;
  const equals = ops.filter((op) => op === '=').length;
  if ((equals > 0 && ops.length > 1) || lower > 1 || upper > 1) {
    throw new EventPatternError(
      path,
      '"numeric" takes "=" alone, or one lower and one upper bound',
    );
  }
}

function compare(value: number, op: NumericOperator, bound: number): boolean {
  switch (op) {
    case '<':
      return value < bound;
    case '<=':
      return value <= bound;
    case '=':
      return value === bound;
    case '>':
      return value > bound;
    case '>=':
      return value >= bound;
  }
}

/** `{"cidr": "10.0.0.0/24"}` or an IPv6 prefix; the event value is an address string. */
function cidrTest(spec: unknown, path: string): (v: LeafValue) => boolean {
  const text = requireString(spec, path, 'cidr');
  const slash = text.indexOf('/');
  const address = slash < 0 ? '' : text.slice(0, slash);
  const bitsText = slash < 0 ? '' : text.slice(slash + 1);
  const family = isIP(address);
  const maxBits = family === 4 ? 32 : 128;
  if (family === 0 || !/^\d{1,3}$/.test(bitsText) || Number(bitsText) > maxBits) {
    throw new EventPatternError(path, `"cidr" needs an address/prefix-length, not "${text}"`);
  }
  const type = family === 4 ? 'ipv4' : 'ipv6';
  const subnet = new BlockList();
  subnet.addSubnet(address, Number(bitsText), type);
  return (v) => typeof v === 'string' && isIP(v) === family && subnet.check(v, type);
}

/**
 * Matches every value except the excluded ones. A value list excludes equal values (strings or
 * numbers); the string forms (prefix, suffix, equals-ignore-case, wildcard) exclude only strings,
 * so a number, a boolean or null is never excluded by them.
 */
function anythingButTest(spec: unknown, path: string): (v: LeafValue) => boolean {
  const excluded = exclusionTest(spec, path);
  return (v) => !excluded(v);
}

function exclusionTest(spec: unknown, path: string): (v: LeafValue) => boolean {
  if (typeof spec === 'string' || (typeof spec === 'number' && Number.isFinite(spec))) {
    return equalsLiteral(spec);
  }
  if (Array.isArray(spec)) {
    const allStrings = spec.every((s) => typeof s === 'string');
    const allNumbers = spec.every((s) => typeof s === 'number' && Number.isFinite(s));
    if (spec.length === 0 || !(allStrings || allNumbers)) {
      throw new EventPatternError(
        path,
        '"anything-but" takes a list of only strings or only numbers',
      );
    }
    const values = new Set<LeafValue>(spec as LeafValue[]);
    return (v) => values.has(v);
  }
  if (spec !== null && typeof spec === 'object') {
    const [inner, innerSpec] = singleOperator(spec as Record<string, unknown>, path);
    const name = `anything-but.${inner}`;
    const specs = Array.isArray(innerSpec) ? innerSpec : [innerSpec];
    if (specs.length === 0) throw new EventPatternError(path, `"${name}" takes a string`);
    const tests = specs.map((s) => stringExclusion(inner, s, path, name));
    return stringTest((s) => tests.some((test) => test(s)));
  }
  throw new EventPatternError(
    path,
    '"anything-but" takes a string, a number, a list of them, or a prefix, suffix, ' +
      'equals-ignore-case or wildcard',
  );
}

function stringExclusion(inner: string, spec: unknown, path: string, name: string) {
  const text = requireString(spec, path, name);
  switch (inner) {
    case 'prefix':
      return (s: string): boolean => s.startsWith(text);
    case 'suffix':
      return (s: string): boolean => s.endsWith(text);
    case 'equals-ignore-case':
      return ignoreCaseTest(text, path, name);
    case 'wildcard':
      return wildcardTest(text, path, name);
    default:
      throw new EventPatternError(path, `unsupported operator "${name}"`);
  }
}
