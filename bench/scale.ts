// Scale: the end-to-end figures with 1, 4 and 16 OpenFaaS functions subscribed to every event
// (one vCenter), and with 1 and 3 vCenters (one function). Each count is run `runs` times,
// interleaved (1, 4, 16, 1, 4, 16, ...) so a busy moment of the machine is shared out; the
// ratios are to the smallest count, taken within each round, then the median.
import { median, medianOfRuns, round } from './support/figures';
import { pipelineRun, type PipelineRun } from './support/pipeline';

export interface ScalePoint {
  count: number;
  median: PipelineRun;
  /** events/s over events/s of the smallest count. */
  eventsPerSecRatio: number;
  cpuPer1000Ratio: number;
}

export interface ScaleFigures {
  eventsPerVcenter: number;
  functions: ScalePoint[];
  vcenters: ScalePoint[];
}

export async function scaleBench(eventsPerVcenter: number, runs: number): Promise<ScaleFigures> {
  const functions = await sweep([1, 4, 16], runs, (count) =>
    pipelineRun({ vcenters: 1, eventsPerVcenter, target: 'openfaas', functions: count }),
  );
  const vcenters = await sweep([1, 3], runs, (count) =>
    pipelineRun({ vcenters: count, eventsPerVcenter, target: 'openfaas', functions: 1 }),
  );
  return { eventsPerVcenter, functions, vcenters };
}

async function sweep(
  counts: number[],
  runs: number,
  runOne: (count: number) => Promise<PipelineRun>,
): Promise<ScalePoint[]> {
  const rounds: PipelineRun[][] = [];
  for (let run = 0; run < runs; run++) {
    const round: PipelineRun[] = [];
    for (const count of counts) round.push(await runOne(count));
    rounds.push(round);
  }
  return counts.map((count, i) => ({
    count,
    median: medianOfRuns(rounds.map((r) => r[i])),
    eventsPerSecRatio: ratio(rounds.map((r) => r[i].eventsPerSec / r[0].eventsPerSec)),
    cpuPer1000Ratio: ratio(
      rounds.map((r) => r[i].cpuSecondsPer1000Events / r[0].cpuSecondsPer1000Events),
    ),
  }));
}

const ratio = (values: number[]) => round(median(values), 2);
