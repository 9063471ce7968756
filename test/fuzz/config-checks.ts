// What every config load must satisfy, whatever the file holds: a config, or a ConfigError
// whose problems are sentences, each naming its entry (or the file as a whole), none quoting a
// secret.
import assert from 'node:assert/strict';

import { ConfigError } from '../../router/src/config/config-error';
import { parseConfigWithWarnings, type LoadedConfig } from '../../router/src/config/load';
import { configFixtureDir } from './config-inputs';

export const origin = 'fuzz.json';

/** Problems about the file as a whole; every other problem starts with `entry N`. */
const fileProblems = [
  /^invalid JSON( at line \d+, column \d+: \S.*)?$/,
  /^the configuration must be a JSON array of entries$/,
  /^no stream entry: /,
  /^no processor entry: /,
];

export type LoadOutcome = { loaded: LoadedConfig } | { error: ConfigError };

/** Loads `text`, failing unless the outcome is a config or a well-formed ConfigError. */
export function checkedLoad(text: string, secrets: string[] = []): LoadOutcome {
  let outcome: LoadOutcome;
  try {
    outcome = { loaded: parseConfigWithWarnings(text, origin, { baseDir: configFixtureDir }) };
  } catch (error) {
    if (!(error instanceof ConfigError)) {
      const what = error instanceof Error ? (error.stack ?? error.message) : String(error);
      assert.fail(`the loader threw something other than a ConfigError: ${what}`);
    }
    checkConfigError(error, text);
    outcome = { error };
  }
  if ('loaded' in outcome) checkConfig(outcome.loaded);
  checkNoSecrets(outcome, secrets);
  return outcome;
}

function checkConfigError(error: ConfigError, text: string): void {
  assert.equal(error.origin, origin);
  assert.ok(error.problems.length > 0, 'a ConfigError without problems');
  const entries = entryCount(text);
  for (const problem of error.problems) {
    assert.equal(typeof problem, 'string');
    const entry = /^entry (\d+)[ :]/.exec(problem);
    if (entry) {
      const number = Number(entry[1]);
      assert.ok(number >= 1 && number <= entries, `${problem}: there are ${entries} entries`);
      assert.ok(problem.length > entry[0].length + 5, `a problem that says nothing: ${problem}`);
    } else {
      assert.ok(
        fileProblems.some((pattern) => pattern.test(problem)),
        `a problem naming no entry: ${problem}`,
      );
    }
    assert.ok(error.message.includes(problem));
  }
}

/** Entries in the file when it is a JSON array (else 0: only file problems are expected). */
function entryCount(text: string): number {
  try {
    const document = JSON.parse(text.replace(/^\uFEFF/, '')) as unknown;
    return Array.isArray(document) ? document.length : 0;
  } catch {
    return 0;
  }
}

function checkConfig({ config, warnings }: LoadedConfig): void {
  assert.ok(
    Array.isArray(config.streams) && config.streams.length > 0,
    'a config without streams',
  );
  assert.ok(Array.isArray(config.processors) && config.processors.length > 0);
  for (const warning of warnings) assert.equal(typeof warning, 'string');
}

function checkNoSecrets(outcome: LoadOutcome, secrets: string[]): void {
  const shown =
    'error' in outcome
      ? [outcome.error.message, ...outcome.error.problems, String(outcome.error.stack)]
      : outcome.loaded.warnings;
  for (const text of shown) {
    for (const secret of secrets) {
      for (const form of [secret, JSON.stringify(secret).slice(1, -1)]) {
        assert.ok(!text.includes(form), `a secret reached a message: ${text.slice(0, 2_000)}`);
      }
    }
  }
}
