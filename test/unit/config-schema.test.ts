// The published schema: that it is the one the tables generate, and that a generic JSON Schema
// validator (what an editor or CI would use) agrees with the router about real files.
import assert from 'node:assert/strict';

import Ajv from 'ajv';

import schema from '../../router/src/config/config.schema.json';
import { buildConfigSchema } from '../../router/src/config/schema-build';
import { fixtureText, openFaasEntry, vcenterEntry } from '../fixtures/config/fixtures';

describe('config: the published JSON Schema', () => {
  const validate = new Ajv({ allErrors: true, strict: true }).compile(schema);

  it('is the schema the option tables generate (regenerate with schema-build.ts)', () => {
    assert.deepEqual(
      schema,
      JSON.parse(JSON.stringify(buildConfigSchema())),
      'run: node --import tsx router/src/config/schema-build.ts',
    );
  });

  it('accepts the fixtures the router accepts', () => {
    for (const name of [
      'appliance-openfaas.json',
      'appliance-eventbridge.json',
      'readme-example.json',
      'every-option-native.json',
      'every-option-strings.json',
    ]) {
      assert.ok(
        validate(JSON.parse(fixtureText(name))),
        `${name}: ${JSON.stringify(validate.errors)}`,
      );
    }
  });

  it('rejects an unknown option, a wrong auth method and a misspelt duration', () => {
    const entries = [
      { ...vcenterEntry(), options: { insecure: 'false', colour: 'blue' } },
      { ...openFaasEntry(), auth: { method: 'token' } },
      { ...openFaasEntry(), name: 'b', options: { timeout: '15 seconds' } },
    ];
    assert.equal(validate(entries), false);
    const places = new Set(validate.errors?.map((error) => error.instancePath));
    for (const place of ['/0/options', '/1/auth/method', '/2/options/timeout']) {
      assert.ok(places.has(place), place);
    }
  });

  it('documents each option with its default', () => {
    const options = schema.definitions.stream_vmware_vcenter.properties.options.properties;
    assert.equal(options.poll_interval.default, '1s');
    assert.equal(options.page_size.default, 100);
    assert.match(options.page_size.description, /Events read/);
  });
});
