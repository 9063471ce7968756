// Runs the compiled router (router/dist/main.js, as `npm run build` leaves it) as a child
// process, the way an operator or systemd does, and collects what it prints: CloudEvents from
// the stdout processor on standard output, log lines on standard error.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import type { RouterCloudEvent } from '../../router/src/events/cloudevent-json';

export const routerMain = path.resolve(__dirname, '../../router/dist/main.js');

export interface RouterProcess {
  /** Every CloudEvent printed so far, across restarts, in order of arrival. */
  events: RouterCloudEvent[];
  /** Every log line so far, across restarts. */
  logs: string[];
  readonly child: ChildProcess;
  waitForEvents(
    predicate: (events: RouterCloudEvent[]) => boolean,
    what: string,
    timeoutMs?: number,
  ): Promise<void>;
  waitForLog(pattern: RegExp, timeoutMs?: number): Promise<string>;
  signal(signal: NodeJS.Signals): void;
  /** Resolves with the exit code (or the signal's name). */
  exited(): Promise<number | string>;
  /** SIGKILL now, then start again on the same config and data directory. */
  killAndRestart(): Promise<void>;
  stop(): Promise<number | string>;
}

export interface RouterFiles {
  dir: string;
  configFile: string;
  dataDir: string;
  remove(): void;
}

/** A private temp folder with a config file (0600) and a data directory. */
export function routerFiles(config: unknown[]): RouterFiles {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'router-test-'));
  const configFile = path.join(dir, 'config.json');
  fs.writeFileSync(configFile, JSON.stringify(config, null, 2), { mode: 0o600 });
  return {
    dir,
    configFile,
    dataDir: path.join(dir, 'data'),
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

export function stdoutConfig(stream: Record<string, unknown>, extra: unknown[] = []): unknown[] {
  return [stream, { type: 'processor', provider: 'stdout' }, ...extra];
}

export function startRouter(files: RouterFiles, extraArgs: string[] = []): RouterProcess {
  const events: RouterCloudEvent[] = [];
  const logs: string[] = [];
  let child = spawnOnce();

  function spawnOnce(): ChildProcess {
    const proc = spawn(
      process.execPath,
      [routerMain, '--config', files.configFile, '--data-dir', files.dataDir, ...extraArgs],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    collectLines(proc.stdout!, (line) => events.push(JSON.parse(line) as RouterCloudEvent));
    collectLines(proc.stderr!, (line) => logs.push(line));
    return proc;
  }

  function exited(): Promise<number | string> {
    if (child.exitCode !== null) return Promise.resolve(child.exitCode);
    if (child.signalCode !== null) return Promise.resolve(child.signalCode);
    return new Promise((resolve) =>
      child.once('close', (code, signal) => resolve(code ?? signal ?? -1)),
    );
  }

  return {
    events,
    logs,
    get child() {
      return child;
    },
    async waitForEvents(predicate, what, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(events)) {
        if (Date.now() > deadline) {
          throw new Error(
            `timed out waiting for ${what}; ${events.length} events; log:\n` +
              logs.slice(-15).join('\n'),
          );
        }
        await sleep(20);
      }
    },
    async waitForLog(pattern, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const line = logs.find((l) => pattern.test(l));
        if (line) return line;
        if (Date.now() > deadline) {
          throw new Error(
            `timed out waiting for log ${pattern}; log:\n${logs.slice(-15).join('\n')}`,
          );
        }
        await sleep(20);
      }
    },
    signal: (signal) => child.kill(signal),
    exited,
    async killAndRestart() {
      child.kill('SIGKILL');
      await exited();
      child = spawnOnce();
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      const code = await exited();
      clearTimeout(timer);
      return code;
    },
  };
}

function collectLines(stream: NodeJS.ReadableStream, onLine: (line: string) => void): void {
  let buffer = '';
  stream.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    const lines = buffer.split('\n');
    buffer = lines.pop() ?? '';
    for (const line of lines) if (line.trim()) onLine(line);
  });
}
