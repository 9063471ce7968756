// `vmware-event-router validate --config FILE`: checks a config file without starting
// anything. Exit 0 when the router would accept it, 2 when not, with one line per problem on
// standard error, so an operator (or the appliance's first boot) fixes a file in one round.
import { Command, type ParseOptionsResult } from 'commander';

import { ConfigError } from '../config/config-error';
import { describeConfig } from '../config/describe';
import { loadConfigFileWithWarnings } from '../config/load';

/** Exit status for a config the router would refuse. */
export const invalidConfigExitCode = 2;

export interface ValidateOutput {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/** Validates `file`, reports on `output` and returns the exit status. */
export function validateConfigFile(
  file: string,
  options: { print: boolean },
  output: ValidateOutput,
): number {
  try {
    const { config, warnings } = loadConfigFileWithWarnings(file);
    for (const warning of warnings) output.stderr.write(`warning: ${warning}\n`);
    output.stdout.write(
      `config ${file} is valid: ${plural(config.streams.length, 'stream')}, ` +
        `${plural(config.processors.length, 'processor')}\n`,
    );
    if (options.print) output.stdout.write(`${describeConfig(config)}\n`);
    return 0;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    for (const problem of error.problems) output.stderr.write(`${file}: ${problem}\n`);
    return invalidConfigExitCode;
  }
}

/**
 * Accepts the original router's Go-style `-config FILE` and `-config=FILE` even when no
 * caller translated them: commander would read `-config` as `-c onfig`.
 */
class ValidateCommand extends Command {
  override parseOptions(args: string[]): ParseOptionsResult {
    return super.parseOptions(
      args.map((arg) => (arg === '-config' || arg.startsWith('-config=') ? `-${arg}` : arg)),
    );
  }
}

export function validateCommand(): Command {
  return (
    new ValidateCommand('validate')
      .description('check a configuration file: exit 0 when it is valid, 2 when it is not')
      .option(
        '-c, --config <file>',
        'the configuration file (a JSON array of entries)',
        '/etc/vmware-event-router/config.json',
      )
      .option('--print', 'also print the configuration with its defaults, secrets hidden')
      // A subcommand added with addCommand does not inherit the root's exitOverride; without
      // this, a usage error would exit 1 here instead of reaching main's handler (exit 2).
      .exitOverride()
      .action((options: { config: string; print?: boolean }) => {
        process.exitCode = validateConfigFile(
          options.config,
          { print: options.print === true },
          { stdout: process.stdout, stderr: process.stderr },
        );
      })
  );
}
