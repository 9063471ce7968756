#!/usr/bin/env node
// The `vmware-event-router` command. Without a subcommand it runs the router (`run`), as the
// original did; the other subcommands are for operators and the appliance's first boot.
import { Command, CommanderError } from 'commander';

import { translateLegacyFlags } from './cli/legacy-flags';
import { runCommand } from './cli/run';
import { versionLine } from './cli/version';
import { validateCommand } from './cli/validate';
import { statusCommand } from './cli/status';
import { deadLettersCommand } from './cli/dead-letters';
import { backupCommand } from './cli/backup';
import { restoreCommand } from './cli/restore';
import { setupCommand } from './cli/setup';

function program(): Command {
  const root = new Command('vmware-event-router')
    .description(
      'Reads the vCenter event stream and delivers each event as a CloudEvent, at least once, ' +
        'to OpenFaaS functions, AWS EventBridge or standard output.',
    )
    .version(versionLine(), '-V, --version', 'print the version and the commit it was built from')
    .showHelpAfterError('(add --help for usage)')
    .addHelpText(
      'after',
      '\nWithout a command the router runs: vmware-event-router --config FILE [--data-dir DIR]\n' +
        '[--log-level debug|info|warn|error] [--log-json]; `run --help` explains each option.',
    );
  root.addCommand(runCommand(), { isDefault: true });
  for (const command of [
    validateCommand(),
    statusCommand(),
    deadLettersCommand(),
    backupCommand(),
    restoreCommand(),
    setupCommand(),
  ]) {
    root.addCommand(command);
  }
  return root;
}

async function main(): Promise<void> {
  const args = translateLegacyFlags(process.argv.slice(2));
  const root = program();
  // Commands added with addCommand() do not inherit exitOverride: set it on each, so every
  // usage error ends with exit code 2.
  for (const command of [root, ...root.commands]) command.exitOverride();
  try {
    await root.parseAsync(args, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) process.exit(error.exitCode === 0 ? 0 : 2);
    throw error;
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`vmware-event-router: ${(error as Error)?.stack ?? String(error)}\n`);
  process.exit(1);
});
