// The config loader's fuzz properties, run in a worker by test/unit/fuzz-config.test.ts.
import fc from 'fast-check';
import assert from 'node:assert/strict';

import { checkedLoad } from './config-checks';
import {
  configWithSecrets,
  editedConfig,
  kindOf,
  mutatedConfigText,
  secretsIn,
  wrongTypeConfig,
  type Json,
} from './config-inputs';
import { fuzzProperty, serveProperties } from './worker-side';

const entryTypes = ['stream', 'processor', 'metrics', 'Stream', '', 'sink'];
const providers = ['vmware_vcenter', 'openfaas', 'aws_event_bridge', 'stdout', 'default', 'x'];

/** Objects shaped roughly like entries, so the loader gets past "must be an object". */
const entryLike = fc.record(
  {
    type: fc.oneof(fc.constantFrom(...entryTypes), fc.jsonValue({ maxDepth: 1 })),
    provider: fc.oneof(fc.constantFrom(...providers), fc.jsonValue({ maxDepth: 1 })),
    name: fc.oneof(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 1 })),
    address: fc.oneof(fc.webUrl(), fc.string({ maxLength: 20 }), fc.constant('127.0.0.1:8082')),
    auth: fc.oneof(
      fc.record({ method: fc.string({ maxLength: 12 }), secret: fc.jsonValue({ maxDepth: 2 }) }),
      fc.jsonValue({ maxDepth: 2 }),
    ),
    options: fc.dictionary(
      fc.constantFrom('insecure', 'page_size', 'poll_interval', 'timeout', 'async', 'ca_file'),
      fc.jsonValue({ maxDepth: 1 }),
    ),
  },
  { requiredKeys: [] },
);

const nestingDepth = fc.integer({ min: 1, max: 20_000 });

serveProperties({
  'any text at all': fuzzProperty(fc.string({ unit: 'binary', maxLength: 300 }), (text) => {
    checkedLoad(text);
  }),

  'any JSON value': fuzzProperty(fc.jsonValue(), (value) => {
    checkedLoad(JSON.stringify(value));
  }),

  'arrays of entry-like objects': fuzzProperty(
    fc.array(entryLike, { maxLength: 5 }),
    (entries) => {
      checkedLoad(JSON.stringify(entries));
    },
  ),

  'arrays and objects nested to any depth': fuzzProperty(
    fc.tuple(nestingDepth, fc.boolean()),
    ([depth, objects]) => {
      const [open, close] = objects ? ['{"a":', '}'] : ['[', ']'];
      const text = `[${open.repeat(depth)}1${close.repeat(depth)}]`;
      checkedLoad(text);
    },
  ),

  'fixture text cut and spliced': fuzzProperty(mutatedConfigText, ({ fixture, text }) => {
    checkedLoad(text, secretsIn(fixture.document));
  }),

  'fixtures with fields changed, removed, added and entries copied': fuzzProperty(
    editedConfig,
    ({ fixture, document }) => {
      checkedLoad(JSON.stringify(document, null, 2), secretsIn(fixture.document));
    },
  ),

  'a value of the wrong type is named by its entry and field': fuzzProperty(
    wrongTypeConfig,
    ({ fixture, document, at, value, original }) => {
      const outcome = checkedLoad(JSON.stringify(document), secretsIn(fixture.document));
      if (!('error' in outcome)) {
        // Strings and scalars may stand for each other ("true" and true, "500" and 500); no
        // null, object or array stands for anything else.
        const scalars = ['string', 'number', 'boolean'];
        const taken = `${at.join('.')} = ${JSON.stringify(value)} taken for ${kindOf(original)}`;
        assert.ok(scalars.includes(kindOf(value)) && scalars.includes(kindOf(original)), taken);
        return;
      }
      const [index, ...fields] = at as [number, ...(string | number)[]];
      const about = outcome.error.problems.filter((p) =>
        new RegExp(`^entry ${index + 1}[ :]`).test(p),
      );
      assert.ok(about.length > 0, `no problem names entry ${index + 1}: ${outcome.error.message}`);
      const names = fields.filter((field): field is string => typeof field === 'string');
      assert.ok(
        about.some((problem) => names.some((name) => problem.includes(name))),
        `no problem of entry ${index + 1} names ${names.join('.')}: ${about.join(' | ')}`,
      );
    },
  ),

  'secrets of any shape never reach a problem or warning': fuzzProperty(
    configWithSecrets,
    ({ document, secrets }) => {
      checkedLoad(JSON.stringify(document as Json), secrets);
    },
  ),
});
