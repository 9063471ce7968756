// The short table a run prints and the README quotes: one Markdown table, a row per figure.
import type { BufferingFigures } from './buffering';
import type { CatchUpFigures, SteadyFigures, ThroughputFigures } from './end-to-end';
import type { ScaleFigures, ScalePoint } from './scale';
import type { SourceFigures } from './source';
import type { BenchSettings } from './settings';

export interface BenchFigures {
  source?: SourceFigures;
  throughput?: { openfaas: ThroughputFigures; eventbridge: ThroughputFigures };
  latency?: SteadyFigures;
  catchup?: CatchUpFigures;
  buffering?: BufferingFigures;
  scale?: ScaleFigures;
}

type Row = [string, string];

const n = (value: number, digits = 0) =>
  value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

export function figuresTable(figures: BenchFigures, settings: BenchSettings): string {
  const rows: Row[] = [
    ...sourceRows(figures.source),
    ...throughputRows(figures.throughput),
    ...latencyRows(figures.latency, figures.catchup),
    ...bufferingRows(figures.buffering),
    ...scaleRows(figures.scale),
  ];
  const width = Math.max(...rows.map(([name]) => name.length), 'Figure'.length);
  const valueWidth = Math.max(...rows.map(([, value]) => value.length), 'Value'.length);
  const line = ([name, value]: Row) => `| ${name.padEnd(width)} | ${value.padStart(valueWidth)} |`;
  return [
    `Medians of ${settings.runs} run${settings.runs === 1 ? '' : 's'} unless marked (1 run).`,
    '',
    line(['Figure', 'Value']),
    `|${'-'.repeat(width + 2)}|${'-'.repeat(valueWidth + 1)}:|`,
    ...rows.map(line),
  ].join('\n');
}

function sourceRows(source?: SourceFigures): Row[] {
  if (!source) return [];
  const at = `${n(source.events)} events, 1000/page`;
  return [
    [`Take-in, router (checkpoints on), ${at}`, `${n(source.routerEventsPerSec)} ev/s`],
    [`Fetch+parse+decode, VimClient only`, `${n(source.vimClientEventsPerSec)} ev/s`],
    [`Fetch+parse, bare SOAP loop (ceiling)`, `${n(source.bareSoapEventsPerSec)} ev/s`],
    [`Take-in / ceiling (same runs)`, n(source.routerToBareRatio, 2)],
    [`Take-in / VimClient (same runs)`, n(source.routerToVimClientRatio, 2)],
    [
      `CPU per 1,000 events: take-in / VimClient / bare`,
      `${n(source.routerCpuPer1000, 2)}/${n(source.vimClientCpuPer1000, 2)}/` +
        `${n(source.bareSoapCpuPer1000, 2)} s`,
    ],
  ];
}

function throughputRows(throughput?: BenchFigures['throughput']): Row[] {
  if (!throughput) return [];
  const rows: Row[] = [];
  for (const [label, figures] of [
    ['OpenFaaS, 1 function', throughput.openfaas],
    ['EventBridge, 1 bus', throughput.eventbridge],
  ] as const) {
    const m = figures.median;
    rows.push(
      [`End to end ${label}, ${n(figures.events)} events`, `${n(m.eventsPerSec)} ev/s`],
      [`  CPU per 1,000 events (router process)`, `${n(m.cpuSecondsPer1000Events, 2)} s`],
      [`  peak RSS (router process)`, `${n(m.peakRssMb)} MB`],
    );
  }
  return rows;
}

function latencyRows(latency?: SteadyFigures, catchup?: CatchUpFigures): Row[] {
  const rows: Row[] = [];
  if (latency) {
    const m = latency.median;
    rows.push([
      `Latency CreatedTime->function at ${latency.ratePerSec}/s, p50/p99/max`,
      `${n(m.p50Ms)}/${n(m.p99Ms)}/${n(m.maxMs)} ms`,
    ]);
  }
  if (catchup) {
    const l = catchup.newEvents;
    rows.push(
      [`Catch-up of ${n(catchup.backlog)} backlog (1 run)`, `${n(catchup.catchUpSec, 1)} s`],
      [`  backlog delivered`, `${n(catchup.backlogEventsPerSec)} ev/s`],
      [
        `  latency of new events at ${catchup.ratePerSec}/s, p50/p99/max`,
        `${n(l.p50Ms / 1000, 1)}/${n(l.p99Ms / 1000, 1)}/${n(l.maxMs / 1000, 1)} s`,
      ],
    );
  }
  return rows;
}

function bufferingRows(buffering?: BufferingFigures): Row[] {
  if (!buffering) return [];
  const most = buffering.steps[buffering.steps.length - 1];
  const steps = buffering.steps.slice(1);
  return [
    [`RSS idle at start (after GC, 1 run)`, `${n(buffering.idle.rssMb)} MB`],
    [
      `RSS after ${n(buffering.warmUpEvents)} delivered, none buffered`,
      `${n(buffering.warm.rssMb)} MB`,
    ],
    [`RSS with ${n(most.buffered)} buffered`, `${n(most.rssMb)} MB`],
    [`  RSS ratio buffered / none buffered`, n(buffering.rssRatio, 2)],
    [
      `  RSS per step of ${n(steps[0]?.buffered ?? 0)} (page_size ${buffering.pageSize})`,
      steps.map((s) => n(s.rssMb)).join(', ') + ' MB',
    ],
    [`  peak RSS (whole run)`, `${n(buffering.peakRssMb)} MB`],
    [`Database per 100,000 buffered events`, `${n(buffering.databaseMbPer100k)} MB`],
    [`  stored CloudEvent JSON, average`, `${n(buffering.averageCloudEventBytes)} bytes`],
  ];
}

function scaleRows(scale?: ScaleFigures): Row[] {
  if (!scale) return [];
  const point = (what: string, p: ScalePoint): Row => [
    `${what}: ev/s (x1), calls/s, CPU/1k ev (x1)`,
    `${n(p.median.eventsPerSec)} (${n(p.eventsPerSecRatio, 2)}), ` +
      `${n(p.median.deliveriesPerSec)}, ` +
      `${n(p.median.cpuSecondsPer1000Events, 2)} s (${n(p.cpuPer1000Ratio, 2)})`,
  ];
  return [
    ...scale.functions.map((p) =>
      point(`${p.count} function${p.count === 1 ? '' : 's'}, ${n(scale.eventsPerVcenter)} ev`, p),
    ),
    ...scale.vcenters.map((p) =>
      point(`${p.count} vCenter${p.count === 1 ? '' : 's'} x ${n(scale.eventsPerVcenter)} ev`, p),
    ),
  ];
}
