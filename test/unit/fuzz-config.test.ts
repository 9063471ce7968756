// Fuzzing the config loader (router/src/config/load.ts, parseConfig): whatever the file holds,
// the outcome is a config or a ConfigError whose problems are non-empty, each naming its entry
// (and for a wrong value its field), none quoting a secret; no case hangs or runs out of stack.
// The properties live in test/fuzz/config-worker.ts; FUZZ_SCALE, FUZZ_SEED and FUZZ_PATH are in
// test/fuzz/settings.ts.
import path from 'node:path';

import { describeFuzzProperties } from '../fuzz/run-properties';

describeFuzzProperties(
  'config loader fuzz',
  path.resolve(__dirname, '../fuzz/config-worker.ts'),
  512,
  [
    { name: 'any text at all', runs: 300 },
    { name: 'any JSON value', runs: 300 },
    { name: 'arrays of entry-like objects', runs: 300 },
    { name: 'arrays and objects nested to any depth', runs: 40 },
    { name: 'fixture text cut and spliced', runs: 300 },
    { name: 'fixtures with fields changed, removed, added and entries copied', runs: 300 },
    { name: 'a value of the wrong type is named by its entry and field', runs: 300 },
    { name: 'secrets of any shape never reach a problem or warning', runs: 300 },
  ],
);
