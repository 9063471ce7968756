// `vmware-event-router restore --data-dir DIR --from FILE`: puts a backup in place of the
// database. Refuses while a router holds the data directory; checks the backup first; keeps
// the replaced database aside rather than deleting it.
import { Command } from 'commander';
import { restoreDatabase } from '../store/backup';
import { defaultDataDir } from '../store/database';
import { runOperatorCommand, type OperatorOutput } from '../store/errors';

const processOutput: OperatorOutput = { stdout: process.stdout, stderr: process.stderr };

export function restoreCommand(output: OperatorOutput = processOutput): Command {
  return new Command('restore')
    .description('replace the database with a backup (stop the router first)')
    .option('-d, --data-dir <dir>', 'where the SQLite database lives', defaultDataDir)
    .requiredOption('-f, --from <file>', 'the backup file written by `backup`')
    .exitOverride()
    .action((options: { dataDir: string; from: string }) =>
      runOperatorCommand('restore', output, () => {
        const result = restoreDatabase(options.dataDir, options.from, Date.now());
        output.stdout.write(`restored ${options.from} as ${result.file}\n`);
        if (result.keptAside) {
          output.stdout.write(`the database it replaced is kept at ${result.keptAside}\n`);
        }
      }),
    );
}
