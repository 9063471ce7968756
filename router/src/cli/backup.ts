// `vmware-event-router backup --data-dir DIR --out FILE`: a consistent copy of the database,
// taken while the router runs, written private (0600: it holds every buffered event).
import { Command } from 'commander';
import { backupDatabase } from '../store/backup';
import { defaultDataDir } from '../store/database';
import { runOperatorCommand, type OperatorOutput } from '../store/errors';

const processOutput: OperatorOutput = { stdout: process.stdout, stderr: process.stderr };

export function backupCommand(output: OperatorOutput = processOutput): Command {
  return new Command('backup')
    .description('copy the database to a file, safely while the router runs')
    .option('-d, --data-dir <dir>', 'where the SQLite database lives', defaultDataDir)
    .requiredOption('-o, --out <file>', 'the backup file to write (replaced if it exists)')
    .exitOverride()
    .action((options: { dataDir: string; out: string }) =>
      runOperatorCommand('backup', output, async () => {
        const result = await backupDatabase(options.dataDir, options.out);
        output.stdout.write(`backup written to ${result.file} (${result.bytes} bytes)\n`);
      }),
    );
}
