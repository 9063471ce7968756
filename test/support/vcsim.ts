// Starts the test vCenter (build/vcsim/vcsim, built by `make vcsim`) for a test: a real
// govmomi simulator process on 127.0.0.1 with TLS, a fixed login and a vCenter-like event
// history. Everything it writes (certificate, key, the simulator's datastore folders) lives in
// one temp dir that stop() removes.
//
// Module state: every running simulator is remembered so that, should the test process exit
// without stopping one, it is killed and its temp dir removed on the way out (the simulator
// also exits by itself when our end of its stdin closes).
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';

export interface VcsimOptions {
  /** Default `administrator@vsphere.local`. */
  username?: string;
  /** Default has XML-special characters on purpose, so clients must escape it. */
  password?: string;
  /** SDK port on 127.0.0.1; default 0, a free port (kept across restart()). */
  port?: number;
  /** Default true; false serves plain http (no caFile, no thumbprints). */
  tls?: boolean;
  /** Events kept before the oldest are dropped; default 10,000. Benchmarks want 100,000+. */
  eventHistorySize?: number;
  /** Key of the first event (int32); keys count up and wrap to -2147483648. Default 1. */
  firstEventKey?: number;
  /** VMs per resource pool (the VPX model has two pools); default 2. */
  vmsPerPool?: number;
  /** End sessions idle this long; default never. */
  sessionIdleTimeoutMs?: number;
  /** How long to wait for the simulator to listen; default 30 s (the machine may be busy). */
  startTimeoutMs?: number;
}

export interface RestartOptions {
  /** Present a newly generated certificate on the same port (a certificate changed under a
   * pin). caFile and the thumbprints then describe the new one; the old file stays. */
  newCertificate?: boolean;
  /** Key of the first event after the restart. Default: one after the last key before it, as a
   * vCenter keeps counting across restarts (its history, though, starts empty here). */
  firstEventKey?: number;
}

export interface BurstResult {
  posted: number;
  /** Keys of the burst's first and last events; other sessions' events may sit in between. */
  firstKey: number;
  lastKey: number;
  /** Roughly the bytes the events take in SOAP responses. */
  approxBytes: number;
}

export interface VcsimStatus {
  /** Events in the history. */
  events: number;
  /** Key of the newest event (firstEventKey - 1 before any). */
  lastEventKey: number;
}

export interface Vcsim {
  /** e.g. https://127.0.0.1:PORT/sdk */
  readonly sdkUrl: string;
  /** Test-only control server, http://127.0.0.1:PORT (changes on restart). */
  readonly controlUrl: string;
  readonly host: string;
  readonly port: number;
  readonly username: string;
  readonly password: string;
  /** PEM of the self-signed certificate, usable as `ca_file`; '' with tls: false. */
  readonly caFile: string;
  /** Colon-separated upper-case hex, as vSphere shows it; '' with tls: false. */
  readonly thumbprintSha256: string;
  readonly thumbprintSha1: string;
  readonly pid: number;
  /** The temp dir this simulator owns. */
  readonly dir: string;
  /** SIGTERM, wait for exit (SIGKILL after 5 s), remove the temp dir. Safe to call twice. */
  stop(): Promise<void>;
  /** SIGKILL, like a crash; the temp dir stays for restart(). */
  kill(): Promise<void>;
  /** SIGSTOP: connections open but nothing answers, like a hung vCenter. */
  freeze(): Promise<void>;
  /** SIGCONT after freeze(). */
  thaw(): void;
  /** Stop (if running) and start again on the same port with the same certificate. All sessions
   * and the event history are gone afterwards, as after a vCenter restart. */
  restart(options?: RestartOptions): Promise<void>;
  /** Post `count` events of mixed kinds and sizes (0.5 KB to 5 KB) straight into the
   * EventManager; resolves when all are in the history. Same seed, same mix. */
  burst(count: number, seed?: number): Promise<BurstResult>;
  /** End every session; the next call with an old session gets NotAuthenticated. */
  expireSessions(): Promise<number>;
  status(): Promise<VcsimStatus>;
  /** The simulator's recent stderr, for failure messages. */
  stderrTail(): string;
}

const defaultUsername = 'administrator@vsphere.local';
const defaultPassword = 'Vcsim&Test<Pass>"1';
const stopGraceMs = 5_000;
const statusTimeoutMs = 2_000;
const stderrKeptBytes = 16 * 1024;

/** Where `make vcsim` puts the binary; VCSIM_BINARY overrides it. */
export function vcsimBinaryPath(): string {
  return (
    process.env.VCSIM_BINARY ?? path.resolve(__dirname, '..', '..', 'build', 'vcsim', 'vcsim')
  );
}

/** Starts a test vCenter and resolves once it listens. */
export async function startVcsim(options: VcsimOptions = {}): Promise<Vcsim> {
  const binary = vcsimBinaryPath();
  if (!fs.existsSync(binary)) {
    throw new Error(`test vCenter not built: ${binary} is missing; run make vcsim`);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vcsim-'));
  const instance = new VcsimProcess(binary, dir, options);
  try {
    await instance.start(options.port ?? 0, options.firstEventKey ?? 1);
  } catch (err) {
    await instance.stop();
    throw err;
  }
  return instance;
}

interface ReadyLine {
  sdkUrl: string;
  controlUrl: string;
  port: number;
  thumbprintSha256?: string;
  thumbprintSha1?: string;
  pid: number;
}

const running = new Set<VcsimProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const instance of running) instance.killNow();
  });
}

class VcsimProcess implements Vcsim {
  readonly host = '127.0.0.1';
  readonly username: string;
  readonly password: string;
  sdkUrl = '';
  controlUrl = '';
  port = 0;
  caFile = '';
  thumbprintSha256 = '';
  thumbprintSha1 = '';
  pid = 0;

  private child?: ChildProcess;
  private exited?: Promise<void>;
  private frozen = false;
  private stopped = false;
  private certificateNumber = 1;
  private lastKnownKey?: number;
  private stderr = '';

  constructor(
    private readonly binary: string,
    readonly dir: string,
    private readonly options: VcsimOptions,
  ) {
    this.username = options.username ?? defaultUsername;
    this.password = options.password ?? defaultPassword;
  }

  async start(port: number, firstEventKey: number): Promise<void> {
    const child = spawn(this.binary, this.arguments(port, firstEventKey), {
      cwd: this.dir,
      // TMPDIR: the simulator's datastore folders land in our dir, removed by stop().
      env: { ...process.env, VCSIM_PASSWORD: this.password, TMPDIR: this.dir },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.child = child;
    this.frozen = false;
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      this.stderr = (this.stderr + chunk).slice(-stderrKeptBytes);
    });
    running.add(this);
    installExitHook();

    const ready = await this.waitForReadyLine(child);
    this.sdkUrl = ready.sdkUrl;
    this.controlUrl = ready.controlUrl;
    this.port = ready.port;
    this.pid = ready.pid;
    this.thumbprintSha256 = ready.thumbprintSha256 ?? '';
    this.thumbprintSha1 = ready.thumbprintSha1 ?? '';
  }

  private arguments(port: number, firstEventKey: number): string[] {
    const o = this.options;
    const args = ['-port', String(port), '-username', this.username, '-exit-on-stdin-eof'];
    args.push('-event-history', String(o.eventHistorySize ?? 10_000));
    args.push('-first-event-key', String(firstEventKey));
    args.push('-vm', String(o.vmsPerPool ?? 2));
    if (o.sessionIdleTimeoutMs !== undefined) {
      args.push('-session-idle-timeout', `${o.sessionIdleTimeoutMs}ms`);
    }
    if (o.tls === false) {
      this.caFile = '';
      return [...args, '-http'];
    }
    this.caFile = path.join(this.dir, `cert-${this.certificateNumber}.pem`);
    const keyFile = path.join(this.dir, `key-${this.certificateNumber}.pem`);
    return [...args, '-cert', this.caFile, '-key', keyFile];
  }

  private waitForReadyLine(child: ChildProcess): Promise<ReadyLine> {
    const timeoutMs = this.options.startTimeoutMs ?? 30_000;

    return new Promise((resolve, reject) => {
      const lines = readline.createInterface({ input: child.stdout! });
      const onError = (err: Error) => fail(err.message);
      const onExit = (code: number | null, signal: string | null) =>
        fail(`exited with ${signal ?? `code ${code}`}`);
      const settle = () => {
        clearTimeout(timer);
        child.off('error', onError);
        child.off('close', onExit);
      };
      const fail = (why: string) => {
        settle();
        lines.close();
        reject(new Error(`test vCenter did not start: ${why}\n${this.stderrTail()}`));
      };
      const timer = setTimeout(() => fail(`no ready line after ${timeoutMs} ms`), timeoutMs);
      child.on('error', onError);
      child.on('close', onExit); // after stderr is read to its end
      lines.once('line', (line) => {
        settle();
        // Keep draining stdout so the simulator never blocks on a full pipe.
        child.stdout!.resume();
        try {
          resolve(JSON.parse(line) as ReadyLine);
        } catch {
          reject(new Error(`test vCenter printed ${JSON.stringify(line)}, not its ready line`));
        }
      });
    });
  }

  stderrTail(): string {
    return this.stderr;
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await this.end('SIGTERM');
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  async kill(): Promise<void> {
    await this.rememberLastKey();
    await this.end('SIGKILL');
  }

  async freeze(): Promise<void> {
    if (!this.isRunning() || this.frozen) return;
    await this.rememberLastKey();
    process.kill(this.pid, 'SIGSTOP');
    this.frozen = true;
  }

  thaw(): void {
    if (!this.isRunning() || !this.frozen) return;
    process.kill(this.pid, 'SIGCONT');
    this.frozen = false;
  }

  async restart(options: RestartOptions = {}): Promise<void> {
    if (this.stopped) throw new Error('test vCenter was stopped; start a new one');
    this.thaw();
    await this.rememberLastKey();
    await this.end('SIGTERM');

    if (options.newCertificate) this.certificateNumber++;
    const firstKey = options.firstEventKey ?? nextKey(this.lastKnownKey);
    await this.start(this.port, firstKey);
  }

  async burst(count: number, seed = 1): Promise<BurstResult> {
    const query = new URLSearchParams({ count: String(count), seed: String(seed) });
    const result = (await this.control('POST', `/burst?${query}`)) as BurstResult;
    this.lastKnownKey = result.lastKey;
    return result;
  }

  async expireSessions(): Promise<number> {
    const result = (await this.control('POST', '/expire-sessions')) as { expired: number };
    return result.expired;
  }

  async status(timeoutMs?: number): Promise<VcsimStatus> {
    const status = (await this.control('GET', '/status', timeoutMs)) as VcsimStatus;
    this.lastKnownKey = status.lastEventKey;
    return status;
  }

  /** Kills without waiting, for the process exit hook. */
  killNow(): void {
    if (this.isRunning()) this.child!.kill('SIGKILL');
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  private async control(method: string, pathAndQuery: string, timeoutMs?: number) {
    if (!this.isRunning()) throw new Error('test vCenter is not running');
    const response = await fetch(this.controlUrl + pathAndQuery, {
      method,
      signal: timeoutMs ? AbortSignal.timeout(timeoutMs) : undefined,
    });
    const body = (await response.json()) as { error?: string };
    if (!response.ok) {
      throw new Error(`test vCenter ${method} ${pathAndQuery}: ${response.status} ${body.error}`);
    }
    return body;
  }

  /** Asks the simulator for its newest key so a restart can carry on from it. */
  private async rememberLastKey(): Promise<void> {
    if (!this.isRunning() || this.frozen) return;
    try {
      await this.status(statusTimeoutMs);
    } catch {
      // Limitation: a simulator that cannot answer keeps the last key we saw; events posted
      // since then may have their keys given again after restart().
    }
  }

  private isRunning(): boolean {
    return (
      this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null
    );
  }

  private async end(signal: 'SIGTERM' | 'SIGKILL'): Promise<void> {
    if (!this.isRunning()) {
      running.delete(this);
      return;
    }
    const child = this.child!;
    if (this.frozen && signal === 'SIGTERM') {
      process.kill(this.pid, 'SIGCONT'); // a stopped process cannot handle SIGTERM
    }
    this.frozen = false;

    child.kill(signal);
    const grace = setTimeout(() => child.kill('SIGKILL'), stopGraceMs);
    await this.exited;
    clearTimeout(grace);
    child.stdin?.destroy();
    running.delete(this);
  }
}

/** The key after `key` in int32 arithmetic (2147483647 is followed by -2147483648). */
function nextKey(key: number | undefined): number {
  return key === undefined ? 1 : (key + 1) | 0;
}
