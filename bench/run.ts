// `make bench` (scripts/bench.sh runs this with tsx): runs the suites the settings name, one
// after the other so they never compete for the two cores, writes every figure and every
// run's raw numbers to bench/results/<UTC time>-<commit>.json and prints the table.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { vcsimBinaryPath } from '../test/support/vcsim';
import { bufferingBench } from './buffering';
import { catchUpBench, steadyLatencyBench, throughputBench } from './end-to-end';
import { scaleBench } from './scale';
import { readSettings, settingVariables, type BenchSettings, type Suite } from './settings';
import { sourceBench } from './source';
import { figuresTable, type BenchFigures } from './table';

const repo = path.resolve(__dirname, '..');
const resultsDir = path.join(__dirname, 'results');

async function main(): Promise<void> {
  const settings = readSettings(process.env);
  if (!fs.existsSync(vcsimBinaryPath())) {
    throw new Error(`${vcsimBinaryPath()} is missing; run make vcsim (make bench does)`);
  }
  const startedAt = new Date();
  const loadAverageAtStart = os.loadavg();
  const commit = gitCommit();
  console.log(`bench: ${settings.suites.join(', ')}; ${describe(settings)}; commit ${commit}`);

  const figures: BenchFigures = {};
  const secondsBySuite: Partial<Record<Suite, number>> = {};
  for (const suite of settings.suites) {
    const suiteStart = Date.now();
    console.log(`bench: ${suite} ...`);
    await runSuite(suite, settings, figures);
    secondsBySuite[suite] = Math.round((Date.now() - suiteStart) / 1000);
    console.log(`bench: ${suite} done in ${secondsBySuite[suite]} s`);
  }

  const table = figuresTable(figures, settings);
  const file = writeResults(startedAt, commit, {
    machine: machine(loadAverageAtStart),
    settings,
    secondsBySuite,
    figures,
    table,
  });
  console.log(`\n${table}\n\nbench: results in ${path.relative(repo, file)}`);
}

async function runSuite(suite: Suite, s: BenchSettings, figures: BenchFigures): Promise<void> {
  switch (suite) {
    case 'source':
      figures.source = await sourceBench(s.sourceEvents, s.runs);
      return;
    case 'throughput':
      figures.throughput = {
        openfaas: await throughputBench('openfaas', s.throughputEvents, s.runs),
        eventbridge: await throughputBench('eventbridge', s.throughputEvents, s.runs),
      };
      return;
    case 'latency':
      figures.latency = await steadyLatencyBench(s.ratePerSec, s.steadySeconds * 1000, s.runs);
      return;
    case 'catchup':
      figures.catchup = await catchUpBench(s.catchUpBacklog, s.ratePerSec);
      return;
    case 'buffering':
      figures.buffering = await bufferingBench(s.bufferedEvents, s.bufferStep, s.bufferPageSize);
      return;
    case 'scale':
      figures.scale = await scaleBench(s.scaleEvents, s.runs);
      return;
  }
}

function describe(settings: BenchSettings): string {
  return Object.entries(settingVariables)
    .map(([field, variable]) => `${variable}=${settings[field as keyof typeof settingVariables]}`)
    .join(' ');
}

/** Short commit, with -dirty when the router or the bench differ from it. */
function gitCommit(): string {
  const git = (...args: string[]) =>
    execFileSync('git', args, { cwd: repo, encoding: 'utf8' }).trim();
  try {
    const commit = git('rev-parse', '--short=12', 'HEAD');
    return git(
      'status',
      '--porcelain',
      '--',
      'router/src',
      'bench',
      'test/support',
      ':!bench/results',
    ) === ''
      ? commit
      : `${commit}-dirty`;
  } catch {
    return 'unknown';
  }
}

/** The load average says how busy the shared machine was when the run began. */
function machine(loadAverageAtStart: number[]): object {
  return {
    node: process.version,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    memoryGb: Math.round(os.totalmem() / 1024 ** 3),
    loadAverageAtStart,
  };
}

function writeResults(startedAt: Date, commit: string, body: object): string {
  fs.mkdirSync(resultsDir, { recursive: true });
  const stamp = startedAt
    .toISOString()
    .replace(/:/g, '-')
    .replace(/\.\d+Z$/, 'Z');
  const file = path.join(resultsDir, `${stamp}-${commit}.json`);
  const result = { startedAt: startedAt.toISOString(), commit, ...body };
  // Written whole, then renamed: a reader never sees half a file (*.tmp is ignored by git).
  fs.writeFileSync(`${file}.tmp`, JSON.stringify(result, null, 2) + '\n');
  fs.renameSync(`${file}.tmp`, file);
  return file;
}

main().catch((error: unknown) => {
  console.error(`bench: ${(error as Error)?.stack ?? String(error)}`);
  process.exit(1);
});
