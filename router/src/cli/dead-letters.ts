// `vmware-event-router dead-letters list|replay|purge --data-dir DIR [--processor NAME]
// [--id N] [--json]`. Replay and purge may run while the router runs: a replayed delivery is
// picked up by the running router within a few seconds (it watches for outside writes).
import { Command } from 'commander';
import { defaultDataDir } from '../store/database';
import type { DeadLetter, DeadLetterFilter } from '../store/dead-letters';
import { runOperatorCommand, StoreOperatorError, type OperatorOutput } from '../store/errors';
import { RouterStore } from '../store/store';

interface DeadLetterOptions {
  dataDir: string;
  processor?: string;
  id?: string;
  json?: boolean;
}

const processOutput: OperatorOutput = { stdout: process.stdout, stderr: process.stderr };

export function deadLettersCommand(output: OperatorOutput = processOutput): Command {
  const command = new Command('dead-letters')
    .description('list, replay or purge deliveries that will not be retried')
    .exitOverride();
  const actions: [string, string, (store: RouterStore, o: DeadLetterOptions) => void][] = [
    ['list', 'print dead letters, oldest first', (store, o) => list(store, o, output)],
    [
      'replay',
      'deliver dead letters again, from a fresh attempt count',
      (store, o) => replay(store, o, output),
    ],
    ['purge', 'delete dead letters for good', (store, o) => purge(store, o, output)],
  ];
  for (const [name, description, act] of actions) {
    command
      .command(name)
      .description(description)
      .option('-d, --data-dir <dir>', 'where the SQLite database lives', defaultDataDir)
      .option('-p, --processor <name>', 'only the dead letters of this processor')
      .option('--id <n>', 'only the dead letter with this id (see `list`)')
      .option('--json', 'print JSON instead of text')
      .exitOverride()
      .action((options: DeadLetterOptions) =>
        runOperatorCommand(`dead-letters ${name}`, output, () => {
          const store = RouterStore.open({ dataDir: options.dataDir, mode: 'command' });
          try {
            act(store, options);
          } finally {
            store.close();
          }
        }),
      );
  }
  return command;
}

function filterOf(options: DeadLetterOptions): DeadLetterFilter {
  if (options.id !== undefined && !/^[1-9][0-9]*$/.test(options.id)) {
    throw new StoreOperatorError(`--id ${options.id}: not a dead letter id (a positive integer)`);
  }
  return {
    processor: options.processor,
    id: options.id === undefined ? undefined : Number(options.id),
  };
}

function list(store: RouterStore, options: DeadLetterOptions, output: OperatorOutput): void {
  const letters = store.deadLetters.list(filterOf(options));
  if (options.json) {
    // Written as it is read, so a long list never sits in memory whole.
    let first = true;
    output.stdout.write('[');
    for (const letter of letters) {
      output.stdout.write((first ? '\n  ' : ',\n  ') + JSON.stringify(letter));
      first = false;
    }
    output.stdout.write(first ? ']\n' : '\n]\n');
    return;
  }
  let count = 0;
  for (const letter of letters) {
    output.stdout.write(describeDeadLetter(letter) + '\n');
    count++;
  }
  if (count === 0) output.stdout.write('no dead letters\n');
}

export function describeDeadLetter(letter: DeadLetter): string {
  return (
    `#${letter.id} ${letter.processor} -> ${letter.target}: ${letter.subject} ` +
    `${letter.eventId} (stream ${letter.stream}), dead ${letter.deadAt} after ` +
    `${letter.attempts} attempts: ${letter.reason}`
  );
}

function replay(store: RouterStore, options: DeadLetterOptions, output: OperatorOutput): void {
  const result = store.deadLetters.replay(filterOf(options), store.now());
  if (options.json) {
    output.stdout.write(JSON.stringify(result) + '\n');
    return;
  }
  output.stdout.write(`replayed ${result.replayed} dead letters\n`);
  for (const { processor, count } of result.skipped) {
    output.stderr.write(
      `skipped ${count} dead letters of processor ${processor}: it is not configured ` +
        '(add it back to the config and start the router once, then replay)\n',
    );
  }
}

function purge(store: RouterStore, options: DeadLetterOptions, output: OperatorOutput): void {
  const purged = store.deadLetters.purge(filterOf(options));
  output.stdout.write(
    options.json ? JSON.stringify({ purged }) + '\n' : `purged ${purged} dead letters\n`,
  );
}
