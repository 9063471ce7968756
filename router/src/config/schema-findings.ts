// Validates a parsed config document against the published JSON Schema and turns ajv's
// errors into one sentence per problem, naming the field. ajv's own wording ("must match a
// schema in anyOf") is not fit for an operator, and its `data` may hold a secret, so nothing
// of an error but its location, keyword and parameters is used.
//
// Module state: the compiled validator, built on first use (compiling takes a while and most
// processes load the config once).
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';

import schema from './config.schema.json';
import { entryFields, findProviderSpec } from './providers';
import { closestName } from './suggest';

export interface SchemaFinding {
  /** 0-based entry index; undefined when the problem is about the whole document. */
  entryIndex?: number;
  /** Dotted path of the field inside the entry, '' for the entry itself. */
  path: string;
  /** The sentence after "entry N (...): ", or after "entry N " when `path` is ''. */
  message: string;
}

let validator: ValidateFunction | undefined;

function compiledValidator(): ValidateFunction {
  validator ??= new Ajv({ allErrors: true, verbose: true, strict: true }).compile(schema);
  return validator;
}

/** Every problem the schema finds in `document`, in document order. */
export function schemaFindings(document: unknown): SchemaFinding[] {
  const validate = compiledValidator();
  if (validate(document)) return [];
  const findings: SchemaFinding[] = [];
  const seen = new Set<string>();
  for (const error of pickErrors(validate.errors ?? [])) {
    const finding = translate(error, document);
    const key = `${finding.entryIndex}|${finding.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      findings.push(finding);
    }
  }
  return findings;
}

/** Keywords that judge a value itself, not which fields an object has. */
const valueKeywords = new Set([
  'type',
  'enum',
  'const',
  'pattern',
  'minLength',
  'maxLength',
  'minimum',
  'maximum',
  'anyOf',
]);

/**
 * One error per value: where several describe the same value (the branches of an anyOf and
 * the anyOf itself), the one whose schema has a title wins, because the title says what a
 * valid value is. `if` errors only repeat what their `then` found.
 */
function pickErrors(errors: ErrorObject[]): ErrorObject[] {
  const byValue = new Map<string, ErrorObject>();
  const picked: ErrorObject[] = [];
  for (const error of errors) {
    if (error.keyword === 'if') continue;
    if (!valueKeywords.has(error.keyword)) {
      picked.push(error);
      continue;
    }
    const current = byValue.get(error.instancePath);
    if (current === undefined) {
      byValue.set(error.instancePath, error);
      picked.push(error);
    } else if (titleOf(error) !== undefined && titleOf(current) === undefined) {
      byValue.set(error.instancePath, error);
      picked[picked.indexOf(current)] = error;
    }
  }
  return picked;
}

function titleOf(error: ErrorObject): string | undefined {
  const title = (error.parentSchema as { title?: unknown } | undefined)?.title;
  return typeof title === 'string' ? title : undefined;
}

function pointerSegments(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function translate(error: ErrorObject, document: unknown): SchemaFinding {
  const [index, ...fieldSegments] = pointerSegments(error.instancePath);
  if (index === undefined) {
    return { path: '', message: 'the configuration must be a JSON array of entries' };
  }
  const entryIndex = Number(index);
  const entry = Array.isArray(document) ? document[entryIndex] : undefined;
  const path = fieldSegments.join('.');
  switch (error.keyword) {
    case 'required': {
      const missing = String(error.params.missingProperty);
      const field = path === '' ? missing : `${path}.${missing}`;
      return { entryIndex, path: field, message: `${field} is required` };
    }
    case 'additionalProperties':
      return unknownField(entryIndex, entry, path, error);
    case 'false schema':
      return { entryIndex, path, message: notAllowed(path, entry) };
    default:
      return { entryIndex, path, message: valueMessage(path, error) };
  }
}

function unknownField(
  entryIndex: number,
  entry: unknown,
  parentPath: string,
  error: ErrorObject,
): SchemaFinding {
  const key = String(error.params.additionalProperty);
  const path = parentPath === '' ? key : `${parentPath}.${key}`;
  const properties = (error.parentSchema as { properties?: object } | undefined)?.properties;
  const known = Object.keys(properties ?? {});
  const record = entry as Record<string, unknown>;
  if (parentPath === '' && entryFields.includes(key)) {
    const spec = findProviderSpec(record.type, record.provider);
    const owner = spec ? `${spec.type} ${spec.provider}` : 'this entry';
    return { entryIndex, path, message: `${key} does not apply to ${owner}` };
  }
  const suggestion = closestName(key, known);
  const hint = suggestion ? ` (did you mean "${suggestion}"?)` : '';
  if (parentPath === 'options') {
    const list = known.length > 0 ? `; known options: ${known.join(', ')}` : ' (it takes none)';
    return {
      entryIndex,
      path,
      message: `unknown option "${key}"${suggestion ? hint : list}`,
    };
  }
  return { entryIndex, path, message: `unknown field "${path}"${hint}` };
}

function notAllowed(path: string, entry: unknown): string {
  const method = (entry as { auth?: { method?: unknown } }).auth?.method;
  if (path === 'auth.secret' && typeof method === 'string') {
    return `auth.secret must be left out when auth.method is ${method}`;
  }
  return `${path} is not allowed here`;
}

const typeWords: Record<string, string> = {
  object: 'an object',
  array: 'an array',
  string: 'a string',
  boolean: 'true or false',
  integer: 'an integer',
  number: 'a number',
};

function valueMessage(path: string, error: ErrorObject): string {
  const subject = path === '' ? '' : `${path} `;
  const title = titleOf(error);
  if (title !== undefined) return `${subject}must be ${title}`;
  switch (error.keyword) {
    case 'type':
      return `${subject}must be ${typeWords[String(error.params.type)] ?? error.params.type}`;
    case 'enum':
      return `${subject}must be one of ${(error.params.allowedValues as unknown[]).join(', ')}`;
    case 'const':
      return `${subject}must be ${String(error.params.allowedValue)}`;
    case 'minLength':
      return error.params.limit === 1
        ? `${subject}must not be empty`
        : `${subject}must be at least ${error.params.limit} characters long`;
    default:
      // ajv's message names the rule (a limit, a pattern) and never the value.
      return `${subject}${error.message ?? 'is not valid'}`;
  }
}
