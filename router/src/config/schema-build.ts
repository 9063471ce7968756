// Builds the published JSON Schema (config.schema.json) from the provider and option tables.
// The router validates with the committed JSON file, not with this builder; a unit test fails
// when the two differ. Regenerate with:
//   node --import tsx router/src/config/schema-build.ts
import { writeFileSync } from 'node:fs';
import path from 'node:path';

import { goDurationPattern, secondsPattern } from './duration';
import { optionTitle, type OptionSpec, type OptionTable } from './options';
import {
  definitionName,
  entryTypes,
  providerSpecs,
  providersOf,
  type AddressKind,
  type ProviderSpec,
} from './providers';
import { falseSpellings, integerPattern, trueSpellings } from './scalars';

type Schema = Record<string, unknown>;

export const namePattern = '^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$';
export const nameTitle =
  "1 to 63 letters, digits, '.', '_' or '-', starting with a letter or digit";

function optionSchema(spec: OptionSpec): Schema {
  const annotations = { title: optionTitle(spec), description: spec.description };
  switch (spec.kind) {
    case 'boolean':
      return {
        ...annotations,
        default: spec.default,
        anyOf: [
          { type: 'boolean' },
          { type: 'string', enum: [...trueSpellings, ...falseSpellings] },
        ],
      };
    case 'integer':
      return {
        ...annotations,
        default: spec.default,
        anyOf: [
          { type: 'integer', minimum: spec.min, maximum: spec.max },
          { type: 'string', pattern: integerPattern },
        ],
      };
    case 'duration':
      return {
        ...annotations,
        default: spec.default,
        anyOf: [
          { type: 'number', minimum: spec.minMs / 1_000, maximum: spec.maxMs / 1_000 },
          { type: 'string', pattern: goDurationPattern },
          { type: 'string', pattern: secondsPattern },
        ],
      };
    case 'string':
      return {
        ...annotations,
        type: 'string',
        minLength: 1,
        ...(spec.pattern ? { pattern: spec.pattern } : {}),
      };
  }
}

function optionsSchema(options: OptionTable): Schema {
  const required = Object.keys(options).filter((name) => {
    const spec = options[name];
    return spec.kind === 'string' && spec.required;
  });
  return {
    type: 'object',
    additionalProperties: false,
    ...(required.length > 0 ? { required } : {}),
    properties: Object.fromEntries(
      Object.entries(options).map(([name, spec]) => [name, optionSchema(spec)]),
    ),
  };
}

function addressSchema(address: Exclude<AddressKind, { kind: 'none' }>): Schema {
  if (address.kind === 'url') {
    return {
      title: `an http or https URL such as ${address.example}`,
      type: 'string',
      pattern: '^[Hh][Tt][Tt][Pp][Ss]?://\\S+$',
    };
  }
  return {
    title: `host:port such as ${address.example}`,
    type: 'string',
    pattern: '^([^\\s:\\[\\]]*|\\[[0-9A-Fa-f:.]+\\]):[0-9]{1,5}$',
  };
}

function secretSchema(fields: string[]): Schema {
  return {
    type: 'object',
    additionalProperties: false,
    required: fields,
    properties: Object.fromEntries(
      fields.map((field) => [field, { type: 'string', minLength: 1 }]),
    ),
  };
}

function authSchema(methods: Record<string, string[]>): Schema {
  return {
    type: 'object',
    additionalProperties: false,
    required: ['method'],
    properties: { method: { enum: Object.keys(methods) }, secret: true },
    allOf: Object.entries(methods).map(([method, fields]) => ({
      if: { properties: { method: { const: method } }, required: ['method'] },
      then:
        fields.length > 0
          ? { required: ['secret'], properties: { secret: secretSchema(fields) } }
          : { properties: { secret: false } },
    })),
  };
}

function providerSchema(spec: ProviderSpec): Schema {
  const hasRequiredOption = Object.values(spec.options).some(
    (option) => option.kind === 'string' && option.required,
  );
  const required = [
    ...(spec.address.kind === 'none' ? [] : ['address']),
    ...(spec.defaultAuthMethod === undefined ? ['auth'] : []),
    ...(hasRequiredOption ? ['options'] : []),
  ];
  return {
    type: 'object',
    additionalProperties: false,
    ...(required.length > 0 ? { required } : {}),
    properties: {
      type: true,
      provider: true,
      name: { $ref: '#/definitions/name' },
      ...(spec.address.kind === 'none' ? {} : { address: addressSchema(spec.address) }),
      auth: authSchema(spec.authMethods),
      options: optionsSchema(spec.options),
    },
  };
}

function entrySchema(): Schema {
  const providerByType = entryTypes.map((type) => ({
    if: { type: 'object', properties: { type: { const: type } }, required: ['type'] },
    then: { properties: { provider: { enum: providersOf(type) } } },
  }));
  const detailsByProvider = providerSpecs.map((spec) => ({
    if: {
      type: 'object',
      properties: { type: { const: spec.type }, provider: { const: spec.provider } },
      required: ['type', 'provider'],
    },
    then: { $ref: `#/definitions/${definitionName(spec)}` },
  }));
  return {
    type: 'object',
    required: ['type', 'provider'],
    properties: { type: { enum: entryTypes }, provider: { type: 'string' } },
    allOf: [...providerByType, ...detailsByProvider],
  };
}

export function buildConfigSchema(): Schema {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'urn:vmware-event-router:config',
    title: 'VMware Event Router configuration',
    description:
      'A JSON array of entries: one or more streams (vCenters), one or more processors and at ' +
      'most one metrics server. Options may be JSON values or, as in files of the original ' +
      'router, the same values in strings. Durations are Go durations ("500ms", "1m30s") or ' +
      'seconds. Generated from router/src/config/options.ts and providers.ts.',
    type: 'array',
    items: { $ref: '#/definitions/entry' },
    definitions: {
      entry: entrySchema(),
      name: {
        title: nameTitle,
        description: 'Tells entries of the same provider apart.',
        type: 'string',
        pattern: namePattern,
      },
      ...Object.fromEntries(
        providerSpecs.map((spec) => [definitionName(spec), providerSchema(spec)]),
      ),
    },
  };
}

export function renderConfigSchema(): string {
  return `${JSON.stringify(buildConfigSchema(), null, 2)}\n`;
}

if (require.main === module) {
  writeFileSync(path.join(__dirname, 'config.schema.json'), renderConfigSchema());
}
