// Prints a results file of `make chaos` as the Markdown table README.md shows:
// node --import tsx test/chaos/print-markdown.ts test/chaos/results/default.json
import fs from 'node:fs';

import { markdownTable, type TableRow } from './table';

const file = process.argv[2];
if (!file) {
  console.error('usage: print-markdown.ts RESULTS.json');
  process.exit(2);
}
const results = JSON.parse(fs.readFileSync(file, 'utf8')) as {
  command: string;
  startedAt: string;
  minutes: number;
  node: string;
  seed: number;
  rows: TableRow[];
};
console.log(
  `\`${results.command}\` (seed ${results.seed}), ${results.startedAt}, ` +
    `${results.minutes} min, node ${results.node}:\n`,
);
console.log(markdownTable(results.rows));
const firstRows = results.rows.filter(
  (row, i, rows) => rows.findIndex((r) => r.scenario === row.scenario) === i,
);
const notes = firstRows.filter((row) => row.notes.length > 0);
if (notes.length > 0) console.log('');
for (const row of notes) console.log(`- ${row.scenario}: ${row.notes.join('; ')}`);
