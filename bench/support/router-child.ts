// The router as a child process (router/dist/main.js, built by `npm run build`), so its CPU
// time and memory are its own and not the harness's. Its config gets a metrics entry on a free
// loopback port; the harness reads /stats for checkpoints, counts and buffered deliveries, and
// asks bench/support/probe.cjs (preloaded with --expose-gc) for CPU, RSS and peak RSS.
//
// Module state: every running router child is remembered, so that a harness exiting without
// stopping one (an uncaught error) kills it and removes its temp folder on the way out.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';

const routerMain = path.resolve(__dirname, '../../router/dist/main.js');
const probeFile = path.resolve(__dirname, 'probe.cjs');
const probeFd = 3;
const logLinesKept = 40;
const stopGraceMs = 15_000;

const running = new Set<Child>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of running) child.killNow();
  });
}

export interface ProbeSample {
  /** Taken after garbage collection settled (else at once, for CPU time). */
  settled: boolean;
  atMs: number;
  /** Microseconds, as process.cpuUsage() reports them. */
  cpu: { user: number; system: number };
  memory: NodeJS.MemoryUsage;
  maxRssKb: number;
}

export interface StreamStats {
  events_total: number;
  state: string;
  checkpoint?: { lastKey: number; lastCreatedTime: string };
}

export interface ProcessorStats {
  events_total: number;
  events_err: number;
  invocations: number;
  buffered: number;
  retrying: number;
  healthy: boolean;
}

export interface RouterStats {
  streams: Record<string, StreamStats>;
  processors: Record<string, ProcessorStats>;
}

export interface RouterChild {
  readonly pid: number;
  readonly dataDir: string;
  stats(): Promise<RouterStats>;
  /** CPU time and memory of the router process: at once, or after garbage collection settled
   * (settled: true; about 300 ms later). */
  probe(options?: { settled?: boolean }): Promise<ProbeSample>;
  /** Polls /stats every `pollMs` until the condition holds; returns when it did (ms epoch). */
  waitForStats(
    condition: (stats: RouterStats) => boolean,
    what: string,
    timeoutMs: number,
    pollMs?: number,
  ): Promise<number>;
  /** Resolves with the arrival time (ms epoch) of the first log line matching. */
  waitForLog(pattern: RegExp, timeoutMs: number): Promise<number>;
  /** Bytes of the SQLite files (database, WAL, shared memory) in the data directory. */
  databaseBytes(): number;
  /** SIGTERM (SIGKILL after a grace period) and remove the temp folder. */
  stop(): Promise<void>;
}

/** A free TCP port on 127.0.0.1 (the config wants a fixed one). Another process could take it
 * before the router binds it; on this machine that has not happened. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export async function startRouterChild(entries: unknown[]): Promise<RouterChild> {
  if (!fs.existsSync(routerMain)) {
    throw new Error(`${routerMain} is missing; run npm run build (make bench does)`);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-router-'));
  const configFile = path.join(dir, 'config.json');
  const dataDir = path.join(dir, 'data');
  const metricsPort = await freePort();
  const metrics = {
    type: 'metrics',
    provider: 'default',
    address: `127.0.0.1:${metricsPort}`,
    auth: { method: 'none' },
  };
  // 0600: the config holds the vCenter password.
  fs.writeFileSync(configFile, JSON.stringify([...entries, metrics]), { mode: 0o600 });

  // BENCH_ROUTER_NODE_FLAGS: extra node flags for the router only, e.g. `--cpu-prof
  // --cpu-prof-dir=/tmp/profiles` to see where its CPU time goes.
  const extraFlags = (process.env.BENCH_ROUTER_NODE_FLAGS ?? '').split(/\s+/).filter(Boolean);
  const child = spawn(
    process.execPath,
    [
      ...extraFlags,
      '--expose-gc',
      '--require',
      probeFile,
      routerMain,
      '--config',
      configFile,
      '--data-dir',
      dataDir,
    ],
    {
      // stdout is where the stdout processor writes: discarded, as a benchmark wants.
      stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
      env: { ...process.env, BENCH_PROBE_FD: String(probeFd) },
    },
  );
  const started = new Child(child, dir, dataDir, `http://127.0.0.1:${metricsPort}`);
  running.add(started);
  installExitHook();
  return started;
}

class Child implements RouterChild {
  private readonly logs: Array<{ atMs: number; line: string }> = [];
  private readonly samples: ProbeSample[] = [];
  private readonly exited: Promise<void>;
  private stopped = false;

  constructor(
    private readonly child: ChildProcess,
    private readonly dir: string,
    readonly dataDir: string,
    private readonly metricsUrl: string,
  ) {
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    readline.createInterface({ input: child.stderr! }).on('line', (line) => {
      this.logs.push({ atMs: Date.now(), line });
      // Keep the first lines (start-up) and the latest ones; a failing target logs a lot.
      if (this.logs.length > 2 * logLinesKept) this.logs.splice(logLinesKept, 1);
    });
    const probeOutput = child.stdio[probeFd] as NodeJS.ReadableStream;
    readline.createInterface({ input: probeOutput }).on('line', (line) => {
      this.samples.push(JSON.parse(line) as ProbeSample);
    });
  }

  get pid(): number {
    return this.child.pid ?? 0;
  }

  async stats(): Promise<RouterStats> {
    this.assertRunning();
    const response = await fetch(`${this.metricsUrl}/stats`);
    const body = (await response.json()) as {
      'vmware.event.router.stats': Record<string, { type: string }>;
    };
    const stats: RouterStats = { streams: {}, processors: {} };
    for (const [name, entry] of Object.entries(body['vmware.event.router.stats'])) {
      if (entry.type === 'EventStream') stats.streams[name] = entry as unknown as StreamStats;
      else stats.processors[name] = entry as unknown as ProcessorStats;
    }
    return stats;
  }

  async probe(options: { settled?: boolean } = {}): Promise<ProbeSample> {
    this.assertRunning();
    const settled = options.settled ?? false;
    const before = this.samples.length;
    this.child.kill('SIGUSR2');
    const deadline = Date.now() + 10_000;
    for (;;) {
      const answer = this.samples.slice(before).find((s) => s.settled === settled);
      if (answer) return answer;
      if (Date.now() > deadline) throw new Error(`router probe did not answer\n${this.logTail()}`);
      await sleep(5);
    }
  }

  async waitForStats(
    condition: (stats: RouterStats) => boolean,
    what: string,
    timeoutMs: number,
    pollMs = 50,
  ): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const stats = await this.statsWhenUp();
      if (stats !== undefined && condition(stats)) return Date.now();
      if (Date.now() > deadline) {
        throw new Error(
          `router: gave up waiting for ${what} after ${timeoutMs} ms; last stats ` +
            `${JSON.stringify(stats)}\n${this.logTail()}`,
        );
      }
      await sleep(pollMs);
    }
  }

  async waitForLog(pattern: RegExp, timeoutMs: number): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.logs.find((entry) => pattern.test(entry.line));
      if (found) return found.atMs;
      this.assertRunning();
      if (Date.now() > deadline) {
        throw new Error(`router: no log line ${pattern} in ${timeoutMs} ms\n${this.logTail()}`);
      }
      await sleep(10);
    }
  }

  databaseBytes(): number {
    let bytes = 0;
    for (const name of fs.readdirSync(this.dataDir)) {
      if (/\.(db|sqlite)(-wal|-shm)?$|\.db-journal$/.test(name)) {
        bytes += fs.statSync(path.join(this.dataDir, name)).size;
      }
    }
    return bytes;
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), stopGraceMs);
      await this.exited;
      clearTimeout(timer);
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
    running.delete(this);
  }

  /** SIGKILL without waiting, for the process exit hook. */
  killNow(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGKILL');
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  /** /stats, or undefined while the metrics server is not listening yet. */
  private async statsWhenUp(): Promise<RouterStats | undefined> {
    try {
      return await this.stats();
    } catch (error) {
      if ((error as { cause?: { code?: string } }).cause?.code === 'ECONNREFUSED') {
        return undefined;
      }
      throw error;
    }
  }

  private assertRunning(): void {
    if (this.child.exitCode !== null || this.child.signalCode !== null) {
      const how = this.child.exitCode ?? this.child.signalCode;
      throw new Error(`router exited (${how})\n${this.logTail()}`);
    }
  }

  private logTail(): string {
    return this.logs.map((entry) => entry.line).join('\n');
  }
}
