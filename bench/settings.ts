// What a benchmark run does, from the environment (make bench passes it through). Defaults
// keep a full run at 7 to 9 minutes on a 2-core machine; the bigger sizes the README quotes
// are behind the variables below.

export type Suite = 'source' | 'throughput' | 'latency' | 'catchup' | 'buffering' | 'scale';

const allSuites: Suite[] = ['source', 'throughput', 'latency', 'catchup', 'buffering', 'scale'];

export interface BenchSettings {
  suites: Suite[];
  /** Repetitions of each timed figure; the median is reported. */
  runs: number;
  sourceEvents: number;
  throughputEvents: number;
  ratePerSec: number;
  steadySeconds: number;
  /** Events in the catch-up backlog. The catch-up suite runs only when BENCH_CATCHUP_BACKLOG
   * is set or BENCH_ONLY names it: 100,000 events take about 3.5 minutes here. */
  catchUpBacklog: number;
  bufferedEvents: number;
  bufferStep: number;
  /** page_size of the buffering suite's stream (the others read 1000 at a time). */
  bufferPageSize: number;
  scaleEvents: number;
}

export const settingVariables: Record<keyof Omit<BenchSettings, 'suites'>, string> = {
  runs: 'BENCH_RUNS',
  sourceEvents: 'BENCH_SOURCE_EVENTS',
  throughputEvents: 'BENCH_E2E_EVENTS',
  ratePerSec: 'BENCH_RATE',
  steadySeconds: 'BENCH_STEADY_SECONDS',
  catchUpBacklog: 'BENCH_CATCHUP_BACKLOG',
  bufferedEvents: 'BENCH_BUFFERED',
  bufferStep: 'BENCH_BUFFER_STEP',
  bufferPageSize: 'BENCH_BUFFER_PAGE_SIZE',
  scaleEvents: 'BENCH_SCALE_EVENTS',
};

const defaults: Omit<BenchSettings, 'suites'> = {
  runs: 3,
  sourceEvents: 20_000,
  throughputEvents: 5_000,
  ratePerSec: 200,
  steadySeconds: 15,
  catchUpBacklog: 100_000,
  bufferedEvents: 200_000,
  bufferStep: 100_000,
  bufferPageSize: 1000,
  scaleEvents: 2_000,
};

/** Reads BENCH_* variables; throws naming the variable when one is not a whole number. */
export function readSettings(env: NodeJS.ProcessEnv): BenchSettings {
  const settings = { ...defaults } as BenchSettings;
  for (const [field, variable] of Object.entries(settingVariables)) {
    const text = env[variable];
    if (text === undefined || text === '') continue;
    const value = Number(text.replace(/_/g, ''));
    if (!Number.isInteger(value) || value < 1) {
      throw new Error(`${variable}=${text}: must be a whole number of at least 1`);
    }
    (settings as unknown as Record<string, number>)[field] = value;
  }
  settings.suites = readSuites(env.BENCH_ONLY);
  const catchUpAsked = Boolean(env.BENCH_CATCHUP_BACKLOG) || Boolean(env.BENCH_ONLY);
  if (!catchUpAsked) settings.suites = settings.suites.filter((suite) => suite !== 'catchup');
  return settings;
}

function readSuites(text: string | undefined): Suite[] {
  if (text === undefined || text.trim() === '') return allSuites;
  const names = text.split(',').map((name) => name.trim());
  const unknown = names.filter((name) => !allSuites.includes(name as Suite));
  if (unknown.length > 0) {
    throw new Error(`BENCH_ONLY: unknown ${unknown.join(', ')}; known: ${allSuites.join(', ')}`);
  }
  return names as Suite[];
}
