// Runs the planned system commands one after another, stopping at the first that fails.
import { spawnSync } from 'node:child_process';
import type { SystemCommand } from './system-commands';

export class SystemCommandError extends Error {
  constructor(
    readonly command: SystemCommand,
    detail: string,
  ) {
    super(`${command.program} ${command.args.join(' ')} (${command.purpose}) failed: ${detail}`);
    this.name = 'SystemCommandError';
  }
}

export interface RunOptions {
  runLive: boolean;
  /** The environment the commands run in; their PATH finds them. */
  env?: NodeJS.ProcessEnv;
  onRun: (command: SystemCommand, outcome: 'ran' | 'skipped', output: string) => void;
}

const commandTimeoutMs = 120_000;

export function runSystemCommands(commands: SystemCommand[], options: RunOptions): void {
  for (const command of commands) {
    if (command.live && !options.runLive) {
      options.onRun(command, 'skipped', '');
      continue;
    }
    // No shell: the arguments reach the program exactly as planned, whatever they contain.
    const result = spawnSync(command.program, command.args, {
      input: command.stdin ?? '',
      encoding: 'utf8',
      timeout: commandTimeoutMs,
      env: options.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim();
    if (result.error !== undefined) throw new SystemCommandError(command, result.error.message);
    if (result.status !== 0) {
      const how =
        result.status === null ? `signal ${String(result.signal)}` : `exit ${result.status}`;
      throw new SystemCommandError(command, output === '' ? how : `${how}: ${output}`);
    }
    options.onRun(command, 'ran', output);
  }
}
