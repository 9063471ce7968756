// The table `make chaos` prints and writes: one row per scenario and target.
import type { Scenario, ScenarioResult } from './scenario';

export interface TableRow {
  scenario: string;
  fault: string;
  target: string;
  emitted: number;
  delivered: number;
  duplicated: number;
  duplicatedWithOtherId: number;
  deadLettered: number;
  lost: number;
  passed: boolean;
  seconds: number;
  checks: { what: string; ok: boolean; detail?: string }[];
  failedChecks: string[];
  notes: string[];
  lostExamples: string[];
}

export function rowsOf(scenario: Scenario, result: ScenarioResult, seconds: number): TableRow[] {
  const failedChecks = result.checks
    .filter((check) => !check.ok)
    .map((check) => (check.detail ? `${check.what} (${check.detail})` : check.what));
  const tallies = result.tallies.length > 0 ? result.tallies : [undefined];
  return tallies.map((t) => {
    const lost = t?.lost ?? 0;
    const otherId = t?.duplicatedWithOtherId ?? 0;
    return {
      scenario: scenario.name,
      fault: scenario.fault,
      target: t?.target ?? '-',
      emitted: t?.emitted ?? 0,
      delivered: t?.delivered ?? 0,
      duplicated: t?.duplicated ?? 0,
      duplicatedWithOtherId: otherId,
      deadLettered: t?.deadLettered ?? 0,
      lost,
      passed: t !== undefined && lost === 0 && otherId === 0 && failedChecks.length === 0,
      seconds: Math.round(seconds),
      checks: result.checks,
      failedChecks,
      notes: result.notes,
      lostExamples: t?.lostExamples ?? [],
    };
  });
}

const columns: [string, number][] = [
  ['scenario', 36],
  ['target', 11],
  ['emitted', 8],
  ['delivered', 9],
  ['dup', 6],
  ['dead', 5],
  ['lost', 5],
  ['result', 6],
  ['s', 4],
];

export function header(): string {
  return columns
    .map(([name, width], i) => (i < 2 ? name.padEnd(width) : name.padStart(width)))
    .join(' ');
}

export function formatRow(row: TableRow): string {
  const dup =
    row.duplicatedWithOtherId > 0
      ? `${row.duplicated}+${row.duplicatedWithOtherId}!`
      : String(row.duplicated);
  const cells = [
    row.scenario,
    row.target,
    String(row.emitted),
    String(row.delivered),
    dup,
    String(row.deadLettered),
    String(row.lost),
    row.passed ? 'pass' : 'FAIL',
    String(row.seconds),
  ];
  return cells
    .map((cell, i) => (i < 2 ? cell.padEnd(columns[i][1]) : cell.padStart(columns[i][1])))
    .join(' ');
}

/** The same table as Markdown, for README.md. */
export function markdownTable(rows: TableRow[]): string {
  const lines = [
    '| scenario | target | emitted | delivered | duplicated (same id) | dead-lettered | lost ' +
      '| result |',
    '|---|---|---:|---:|---:|---:|---:|---|',
  ];
  for (const row of rows) {
    lines.push(
      `| ${row.scenario} | ${row.target} | ${row.emitted} | ${row.delivered} | ` +
        `${row.duplicated} | ` +
        `${row.deadLettered} | ${row.lost} | ${row.passed ? 'pass' : 'FAIL'} |`,
    );
  }
  return lines.join('\n');
}
