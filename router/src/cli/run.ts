// `vmware-event-router [run] --config FILE`: follows the configured vCenters and delivers their
// events until SIGTERM or SIGINT. SIGHUP re-reads the config; a file that does not validate is
// rejected with one log line per problem and the running config stays.
import { Command, Option } from 'commander';

import { ConfigError } from '../config/config-error';
import { describeConfig } from '../config/describe';
import { loadConfigFileWithWarnings } from '../config/load';
import type { RouterConfig } from '../config/types';
import { createLogger, type Logger, type LogLevel } from '../log';
import { Router } from '../router';
import { defaultDataDir } from '../store/database';
import { StoreOperatorError, storeUnusableExitCode } from '../store/errors';
import { versionLine } from './version';

export const defaultConfigFile = '/etc/vmware-event-router/config.json';

interface RunOptions {
  config: string;
  dataDir: string;
  logLevel: LogLevel;
  logJson?: boolean;
}

export function runCommand(): Command {
  return new Command('run')
    .description('follow the configured vCenters and deliver their events (the default)')
    .option('-c, --config <file>', 'the JSON config file', defaultConfigFile)
    .option('-d, --data-dir <dir>', 'where the SQLite database lives', defaultDataDir)
    .addOption(
      new Option('-l, --log-level <level>', 'least severe level logged')
        .choices(['debug', 'info', 'warn', 'error'])
        .default('info'),
    )
    .option('--log-json', 'one JSON object per log line')
    .action(async (options: RunOptions) => {
      process.exitCode = await run(options);
    });
}

async function run(options: RunOptions): Promise<number> {
  const logger = createLogger({ level: options.logLevel, json: options.logJson === true });
  const log = logger.child({ component: 'router' });
  const config = readConfig(options.config, log);
  if (!config) return 2;

  log.info(`${versionLine()} starting; data directory ${options.dataDir}`);
  log.info(`configuration ${options.config}: ${describeConfig(config)}`);
  let router: Router;
  try {
    router = await Router.start(config, { dataDir: options.dataDir, logger });
  } catch (error) {
    if (error instanceof StoreOperatorError) {
      // No stack trace: the message says which file and what to do, and systemd must not
      // restart into the same failure (the unit lists this exit code as final).
      log.error(error.message);
      return storeUnusableExitCode;
    }
    throw error;
  }
  return waitForSignals(router, options.config, log);
}

function readConfig(file: string, log: Logger): RouterConfig | undefined {
  try {
    const { config, warnings } = loadConfigFileWithWarnings(file);
    for (const warning of warnings) log.warn(warning);
    return config;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    for (const problem of error.problems) log.error(`config ${file}: ${problem}`);
    return undefined;
  }
}

function waitForSignals(router: Router, configFile: string, log: Logger): Promise<number> {
  return new Promise((resolve) => {
    let reloading = Promise.resolve();
    const reload = () => {
      reloading = reloading.then(async () => {
        log.info(`SIGHUP: re-reading ${configFile}`);
        const config = readConfig(configFile, log);
        if (!config) {
          log.error(`config ${configFile} rejected; the running configuration stays`);
          return;
        }
        await router.reload(config);
      });
    };
    const stop = (signal: NodeJS.Signals) => {
      log.info(`${signal}: stopping (collectors destroyed, sessions logged out)`);
      process.removeListener('SIGHUP', reload);
      process.removeAllListeners('SIGTERM').removeAllListeners('SIGINT');
      void reloading
        .then(() => router.stop())
        .then(() => {
          log.info('stopped; undelivered events wait in the store');
          resolve(0);
        });
    };
    process.on('SIGHUP', reload);
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
}
