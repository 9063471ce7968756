// `make chaos`: runs every fault scenario one after another against the test vCenter and the
// stand-ins, prints one row per scenario and target as each ends, and writes the table as JSON
// to test/chaos/results/ (default.json, or quick.json with CHAOS_QUICK=1). A scenario fails
// when an event is lost, a duplicate has another id, or one of its own checks fails; the exit
// status is then 1. CHAOS_ONLY=word,word runs the scenarios whose name contains a word.
import fs from 'node:fs';
import path from 'node:path';

import { quick } from './durations';
import { chaosSeed, type Scenario, type ScenarioResult } from './scenario';
import { routerKill } from './scenarios/router-kill';
import {
  certificateChanged,
  networkDropped,
  networkStalled,
  sessionExpired,
  vcenterFrozen,
  vcenterRestarted,
} from './scenarios/vcenter';
import { functionHangs, gatewayDown, gatewayErrors, gatewaySlow } from './scenarios/openfaas';
import { eventBridgePartial, eventBridgeThrottled } from './scenarios/eventbridge';
import { corruptDatabase, dataDirReadOnly, diskFull, diskFullFromStart } from './scenarios/disk';
import { reloadInvalid, stopDuringBurst } from './scenarios/signals';
import { formatRow, header, rowsOf, type TableRow } from './table';

const scenarios: Scenario[] = [
  routerKill,
  vcenterFrozen,
  vcenterRestarted,
  sessionExpired,
  networkDropped,
  networkStalled,
  certificateChanged,
  gatewayDown,
  gatewayErrors,
  gatewaySlow,
  functionHangs,
  eventBridgeThrottled,
  eventBridgePartial,
  diskFull,
  diskFullFromStart,
  corruptDatabase,
  dataDirReadOnly,
  reloadInvalid,
  stopDuringBurst,
];

function chosen(): Scenario[] {
  const words = (process.env.CHAOS_ONLY ?? '').split(',').filter((w) => w.trim() !== '');
  if (words.length === 0) return scenarios;
  return scenarios.filter((s) =>
    words.some((w) => s.name.toLowerCase().includes(w.toLowerCase())),
  );
}

async function runOne(scenario: Scenario): Promise<TableRow[]> {
  const startedAt = Date.now();
  let result: ScenarioResult;
  try {
    result = await scenario.run();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    result = {
      tallies: [],
      checks: [{ what: 'the scenario ran to its end', ok: false, detail: message }],
      notes: [],
    };
  }
  return rowsOf(scenario, result, (Date.now() - startedAt) / 1000);
}

async function main(): Promise<void> {
  const started = new Date();
  const rows: TableRow[] = [];
  console.log(`chaos: ${quick ? 'CHAOS_QUICK=1' : 'default durations'}, seed ${chaosSeed}`);
  console.log(header());
  for (const scenario of chosen()) {
    for (const row of await runOne(scenario)) {
      rows.push(row);
      console.log(formatRow(row));
      for (const check of row.failedChecks) console.log(`    FAILED: ${check}`);
    }
  }
  const failed = rows.filter((row) => !row.passed);
  const file = path.join(__dirname, 'results', quick ? 'quick.json' : 'default.json');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const table = {
    command: quick ? 'CHAOS_QUICK=1 make chaos' : 'make chaos',
    only: process.env.CHAOS_ONLY,
    seed: chaosSeed,
    startedAt: started.toISOString(),
    minutes: Number(((Date.now() - started.getTime()) / 60_000).toFixed(1)),
    node: process.version,
    rows,
  };
  fs.writeFileSync(file, JSON.stringify(table, null, 2) + '\n');
  console.log(
    `chaos: ${rows.length - failed.length}/${rows.length} rows passed ` +
      `in ${table.minutes} min; ${file}`,
  );
  process.exit(failed.length === 0 ? 0 : 1);
}

void main();
