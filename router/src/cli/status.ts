// `vmware-event-router status --data-dir DIR [--json]`: what the store holds, read from the
// database while the router runs (SQLite's WAL lets it read without stopping anything).
import { Command } from 'commander';
import { formatElapsedMs } from '../delivery/backoff';
import { databaseFile, defaultDataDir } from '../store/database';
import { runOperatorCommand, type OperatorOutput } from '../store/errors';
import { lockHolder } from '../store/lock';
import type { ProcessorStatus, StoreStatus } from '../store/status';
import { RouterStore } from '../store/store';

const processOutput: OperatorOutput = { stdout: process.stdout, stderr: process.stderr };

export function statusCommand(output: OperatorOutput = processOutput): Command {
  return new Command('status')
    .description('show checkpoints, buffered deliveries, retries and dead letters')
    .option('-d, --data-dir <dir>', 'where the SQLite database lives', defaultDataDir)
    .option('--json', 'print one JSON object instead of text')
    .exitOverride()
    .action((options: { dataDir: string; json?: boolean }) =>
      runOperatorCommand('status', output, () => {
        const store = RouterStore.open({ dataDir: options.dataDir, mode: 'command' });
        try {
          const status = store.status();
          const file = databaseFile(options.dataDir);
          const heldBy = lockHolder(options.dataDir);
          output.stdout.write(
            options.json
              ? JSON.stringify({ database: file, heldBy: heldBy ?? null, ...status }, null, 2) +
                  '\n'
              : describeStatus(file, status, heldBy),
          );
        } finally {
          store.close();
        }
      }),
    );
}

/** The text form of `status`, one line per stream, processor and target. */
export function describeStatus(file: string, status: StoreStatus, heldBy?: string): string {
  const lines = [
    `database ${file}: ${status.bufferedEvents} events buffered`,
    `in use by: ${heldBy ?? 'nothing (no router is running on it)'}`,
  ];
  lines.push(status.streams.length === 0 ? 'streams: none yet' : 'streams:');
  for (const s of status.streams) {
    lines.push(
      `  ${s.stream}: checkpoint key ${s.lastKey} created ${s.lastCreatedTime} ` +
        `(lag ${lag(s.lastCreatedTime)}), written ${ago(s.checkpointAgeMs)}`,
    );
  }
  lines.push(status.processors.length === 0 ? 'processors: none yet' : 'processors:');
  for (const p of status.processors) lines.push(...describeProcessor(p));
  return lines.join('\n') + '\n';
}

function describeProcessor(p: ProcessorStatus): string[] {
  const state = p.configured ? '' : ' (no longer configured)';
  const oldest = p.oldestAgeMs === undefined ? '' : `, oldest taken in ${ago(p.oldestAgeMs)}`;
  const lines = [
    `  ${p.processor}${state}: ${p.notRouted} not routed yet, ${p.deliveries} deliveries ` +
      `(${p.retrying} retrying)${oldest}, ${p.deadLetters} dead letters`,
  ];
  for (const t of p.targets) {
    const next = t.nextAttemptAt ? `, next attempt ${t.nextAttemptAt}` : '';
    lines.push(`    ${t.target}: ${t.deliveries} deliveries (${t.retrying} retrying)${next}`);
  }
  return lines;
}

/** How far behind the stream is: the age of the newest event taken in. While vCenter is idle
 * this grows too; the checkpoint's write time tells the two apart. */
function lag(createdTime: string): string {
  const ms = Date.now() - Date.parse(createdTime);
  return Number.isNaN(ms) ? 'unknown' : ms < 1_000 ? 'under 1s' : formatElapsedMs(ms);
}

function ago(ms: number): string {
  return ms < 1_000 ? 'just now' : `${formatElapsedMs(ms)} ago`;
}
