// How much fuzzing a run does and with which seed, read from the environment so that a failure
// can be replayed exactly and a long run is one variable away:
// - FUZZ_SCALE: multiplies every property's number of cases (default 1; 20 for a long run).
// - FUZZ_SEED: the seed of every property (default: a fixed seed per property, so two runs of
//   the same commit try the same cases).
// - FUZZ_PATH: with FUZZ_SEED, replays the one case (and its shrinks) a failure reported.
// - FUZZ_CASE_BOUND_MS: how long one case may run before it counts as a hang (default 15 s;
//   generous because this machine is shared, and a hang is minutes, not milliseconds).

export interface FuzzSettings {
  scale: number;
  seed?: number;
  path?: string;
  caseBoundMs: number;
}

function positiveNumber(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) {
    throw new Error(`${name} must be a positive number, not ${JSON.stringify(text)}`);
  }
  return value;
}

export function fuzzSettings(): FuzzSettings {
  const seedText = process.env.FUZZ_SEED;
  const seed = seedText === undefined || seedText === '' ? undefined : Number(seedText);
  if (seed !== undefined && !Number.isInteger(seed)) {
    throw new Error(`FUZZ_SEED must be an integer, not ${JSON.stringify(seedText)}`);
  }
  return {
    scale: positiveNumber('FUZZ_SCALE', 1),
    seed,
    path: process.env.FUZZ_PATH || undefined,
    caseBoundMs: positiveNumber('FUZZ_CASE_BOUND_MS', 15_000),
  };
}

/** A fixed seed per property name (FNV-1a), so properties do not share their cases. */
export function seedOf(propertyName: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < propertyName.length; i++) {
    hash ^= propertyName.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash | 0;
}
