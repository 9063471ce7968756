// The first-boot setup from start to end: read the OVF environment, check every property,
// render every file, and only then write the files and run the system commands. A marker file
// records success; the systemd unit runs the setup only while it is absent.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseOvfEnvironment, readOvfEnvironmentText } from './ovf-environment';
import { SetupInputError } from './problems';
import { OvfProperties } from './properties';
import { consoleIPv4, SetupReport, setupLogPath } from './report';
import { runSystemCommands } from './run-commands';
import { readApplianceSettings, type ApplianceSettings } from './settings';
import { planSystemCommands } from './system-commands';
import { renderSystemFiles } from './system-files';
import { lookUpRouterUser, routerUser, writeSystemFiles } from './write-files';

export const setupDoneMarkerPath = '/var/lib/vmware-event-router-setup/done';

export interface SetupOptions {
  /** Every file goes under this folder; `/` on the appliance. */
  root: string;
  /** Read the OVF environment from this file instead of asking vmtoolsd. */
  ovfEnvFile?: string;
  /** Also run the commands that act on the running system when root is not `/`. */
  runLiveCommands?: boolean;
  now?: () => Date;
  /** The environment of vmtoolsd and the system commands; the process's own by default. */
  env?: NodeJS.ProcessEnv;
  /** Where progress lines are echoed besides the log file (the console at boot). */
  echo?: NodeJS.WritableStream;
}

export const setupExitCodes = { done: 0, failed: 1, badInput: 2 } as const;

export function runSetup(options: SetupOptions): number {
  const now = options.now ?? (() => new Date());
  const report = new SetupReport(options.root, now, options.echo ?? process.stdout);
  report.log(`setup started (root ${options.root})`);

  let settings: ApplianceSettings;
  try {
    const { text, origin } = readOvfEnvironmentText({
      ovfEnvFile: options.ovfEnvFile,
      env: options.env,
    });
    const properties = new OvfProperties(parseOvfEnvironment(text, origin));
    settings = readApplianceSettings(properties);
  } catch (error) {
    if (!(error instanceof SetupInputError)) throw error;
    for (const problem of error.problems) report.log(`problem: ${problem}`);
    report.failed(error.problems, false);
    report.log('setup stopped before changing anything');
    return setupExitCodes.badInput;
  }

  const files = renderSystemFiles(settings);
  const commands = planSystemCommands(settings, options.root);
  const routerOwner = lookUpRouterUser(options.root);
  if (routerOwner === undefined) {
    const problem = `the system user ${routerUser} is missing from /etc/passwd (a broken image?)`;
    report.log(`problem: ${problem}`);
    report.failed([problem], false);
    return setupExitCodes.failed;
  }

  let written = 0;
  try {
    writeSystemFiles(files, {
      root: options.root,
      routerOwner,
      backupSuffix: now().toISOString().replace(/[:.]/g, ''),
      onWritten: (path, what) => {
        written += 1;
        report.log(`${what} ${path}`);
      },
    });
    runSystemCommands(commands, {
      runLive: options.root === '/' || options.runLiveCommands === true,
      env: options.env,
      onRun: (command, outcome, output) => {
        const line = `${outcome} ${command.program} ${command.args.join(' ')}: ${command.purpose}`;
        report.log(output === '' ? line : `${line}\n${output}`);
      },
    });
  } catch (error) {
    const problem = `while applying the settings: ${(error as Error).message}`;
    report.log(`problem: ${problem}`);
    report.failed([problem], written > 0);
    return setupExitCodes.failed;
  }

  const marker = join(options.root, setupDoneMarkerPath);
  mkdirSync(dirname(marker), { recursive: true });
  // Whatever the umask: a user who could remove the marker would make the next boot apply the
  // OVF properties again (the root password among them).
  chmodSync(dirname(marker), 0o755);
  writeFileSync(marker, `${now().toISOString()}\n`);
  chmodSync(marker, 0o644);
  report.succeeded(summarize(settings));
  report.log(`setup completed; see ${setupLogPath}`);
  return setupExitCodes.done;
}

function summarize(settings: ApplianceSettings): string[] {
  const { network, processor } = settings;
  const address =
    network.addressing.kind === 'dhcp'
      ? `DHCP (${consoleIPv4})`
      : `${network.addressing.address}/${network.addressing.prefixLength}`;
  const target =
    processor.kind === 'openfaas'
      ? 'OpenFaaS on this appliance, gateway port 8080 (user admin)'
      : `AWS EventBridge, bus ${processor.eventBus} in ${processor.region}`;
  return [
    `Host name: ${network.hostname}; address: ${address}`,
    `vCenter: ${settings.vcenter.address}`,
    `Events go to: ${target}`,
    `SSH: ${settings.sshEnabled ? 'enabled' : 'disabled'}`,
  ];
}
