// `vmware-event-router setup`: the appliance's first-boot setup (appliance/bin/setup runs it
// from a oneshot systemd unit). It exits 0 when done, 2 for bad or missing OVF properties
// (nothing changed) and 1 when applying them failed; the setup log and the console banner say
// which property or step, and why.
import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import { runSetup } from '../setup/run-setup';

interface SetupCommandOptions {
  root: string;
  ovfEnv?: string;
  runLiveCommands?: boolean;
}

export function setupCommand(): Command {
  return new Command('setup')
    .description('configure the appliance from its OVF properties (run at first boot)')
    .option('--root <dir>', 'write every file under DIR instead of /', '/')
    .option('--ovf-env <file>', 'read the OVF environment from FILE instead of vmtoolsd')
    .addOption(
      new Option(
        '--run-live-commands',
        'with --root, still run the commands that act on the running system (tests)',
      ).hideHelp(),
    )
    .action((options: SetupCommandOptions) => {
      process.exitCode = runSetup({
        root: resolve(options.root),
        ovfEnvFile: options.ovfEnv,
        runLiveCommands: options.runLiveCommands,
      });
    });
}
