// One scenario's world: the test vCenter, the targets (stdout, the OpenFaaS gateway stand-in
// with one function taking every topic, the EventBridge stand-in with one bus whose rule takes
// every event), optionally our TCP proxy in front of vCenter, and the router as a child process
// with its config file and data directory. settle() waits until every emitted event has
// arrived or been dead-lettered, stops the router and counts per target (tally.ts).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

import type { RouterCloudEvent } from '../../router/src/events/cloudevent-json';
import { RouterStore } from '../../router/src/store/store';
import {
  OpenFaasGatewayStandIn,
  type FunctionAnswer,
  type RecordedCall,
} from '../stand-ins/openfaas-gateway';
import { EventBridgeEndpoint } from '../stand-ins/eventbridge-endpoint';
import {
  routerFiles,
  routerMain,
  startRouter,
  type RouterFiles,
  type RouterProcess,
} from '../support/router-process';
import { startVcsim, type BurstResult, type Vcsim } from '../support/vcsim';
import { VcsimSoapClient } from '../support/vcsim-soap';
import { durations } from './durations';
import { identityOf, tally, type EventIdentity, type TargetTally } from './tally';
import { TcpProxy } from './tcp-proxy';

export type TargetKind = 'stdout' | 'openfaas' | 'eventbridge';

export interface RigOptions {
  targets: TargetKind[];
  /** Merged over the stream entry's options. */
  streamOptions?: Record<string, unknown>;
  /** Merged over the OpenFaaS and EventBridge processors' options. */
  processorOptions?: Record<string, unknown>;
  /** Reach vCenter through a TcpProxy of ours. */
  throughProxy?: boolean;
  /** Trust vCenter by its SHA-256 thumbprint instead of its certificate as CA. */
  pinned?: boolean;
}

export interface Check {
  what: string;
  ok: boolean;
  detail?: string;
}

/** What a function does with one call; it counts as a delivery when it answers 2xx. */
export type FunctionBehaviour = (call: RecordedCall) => FunctionAnswer | Promise<FunctionAnswer>;

const functionName = 'everything';
const eventBus = 'all';
const accessKeyId = 'AKIACHAOSTESTKEY0000';
const secretAccessKey = 'chaos/EventBridge+Secret/not-a-real-one';
const gatewayPassword = 'chaos-gateway-secret';
const vcsimHistorySize = 400_000;

export class ChaosRig {
  readonly checks: Check[] = [];
  /** What ran, for the table (e.g. which way the disk was filled). */
  readonly notes: string[] = [];
  readonly files: RouterFiles;
  gateway?: OpenFaasGatewayStandIn;
  endpoint?: EventBridgeEndpoint;
  proxy?: TcpProxy;
  router?: RouterProcess;
  /** What the OpenFaaS function does; 200 at once unless a scenario changes it. */
  functionBehaviour: FunctionBehaviour = () => ({ status: 200 });
  private readonly functionArrivals: RouterCloudEvent[] = [];
  /** History of earlier lives of the test vCenter (its history is empty after a restart). */
  private readonly earlierHistory = new Map<string, EventIdentity>();
  private thumbprint: string;
  private seed = 1;

  private constructor(
    readonly vcsim: Vcsim,
    private readonly options: RigOptions,
  ) {
    this.files = routerFiles([]);
    this.thumbprint = vcsim.thumbprintSha256;
  }

  static async start(options: RigOptions): Promise<ChaosRig> {
    const vcsim = await startVcsim({ eventHistorySize: vcsimHistorySize });
    const rig = new ChaosRig(vcsim, options);
    try {
      await rig.startTargets();
      rig.writeConfig();
    } catch (error) {
      await rig.close();
      throw error;
    }
    return rig;
  }

  private async startTargets(): Promise<void> {
    if (this.options.throughProxy) {
      this.proxy = new TcpProxy(this.vcsim.host, this.vcsim.port);
      await this.proxy.start();
    }
    if (this.options.targets.includes('openfaas')) {
      this.gateway = new OpenFaasGatewayStandIn({
        credentials: { username: 'admin', password: gatewayPassword },
      });
      await this.gateway.start();
      this.gateway.deploy({
        name: functionName,
        annotations: { topic: '*' },
        handler: async (call) => {
          const answer = await this.functionBehaviour(call);
          const status = answer.status ?? 200;
          if (status >= 200 && status < 300) {
            this.functionArrivals.push(JSON.parse(call.body) as RouterCloudEvent);
          }
          return answer;
        },
      });
    }
    if (this.options.targets.includes('eventbridge')) {
      this.endpoint = await EventBridgeEndpoint.start({ accessKeyId, secretAccessKey });
      this.endpoint.setRule({
        name: 'all-events',
        eventBus,
        pattern: { source: [{ prefix: '' }] },
      });
    }
  }

  /** The vCenter address the router is given: straight, or through the proxy. */
  get vcenterAddress(): string {
    if (!this.proxy) return this.vcsim.sdkUrl;
    return `https://127.0.0.1:${this.proxy.port}/sdk`;
  }

  /** The config as an operator writes it (the file format, not the typed one). */
  config(): unknown[] {
    const trust = this.options.pinned
      ? { thumbprint: this.thumbprint }
      : { ca_file: this.vcsim.caFile };
    const entries: unknown[] = [
      {
        type: 'stream',
        provider: 'vmware_vcenter',
        name: 'vcsim',
        address: this.vcenterAddress,
        auth: {
          method: 'user_password',
          secret: { username: this.vcsim.username, password: this.vcsim.password },
        },
        options: {
          ...trust,
          poll_interval: '100ms',
          page_size: 200,
          start_from: 'beginning',
          max_buffered_events: 200_000,
          ...this.options.streamOptions,
        },
      },
    ];
    const retry = { initial_backoff: 0.2, max_backoff: 5, max_retry_age: 3600 };
    if (this.options.targets.includes('stdout')) {
      entries.push({ type: 'processor', provider: 'stdout', name: 'stdout' });
    }
    if (this.gateway) {
      entries.push({
        type: 'processor',
        provider: 'openfaas',
        name: 'openfaas',
        address: this.gateway.url,
        auth: {
          method: 'basic_auth',
          secret: { username: 'admin', password: gatewayPassword },
        },
        options: {
          timeout: 2,
          topic_refresh_interval: 1,
          ...retry,
          ...this.options.processorOptions,
        },
      });
    }
    if (this.endpoint) {
      entries.push({
        type: 'processor',
        provider: 'aws_event_bridge',
        name: 'eventbridge',
        auth: {
          method: 'access_key',
          secret: { aws_access_key_id: accessKeyId, aws_secret_access_key: secretAccessKey },
        },
        options: {
          aws_region: this.endpoint.region,
          aws_eventbridge_rule_arn: this.endpoint.ruleArn('all-events', eventBus),
          endpoint: this.endpoint.url,
          rule_refresh_interval: 1,
          timeout: 2,
          ...retry,
          ...this.options.processorOptions,
        },
      });
    }
    return entries;
  }

  writeConfig(entries: unknown[] = this.config()): void {
    fs.writeFileSync(this.files.configFile, JSON.stringify(entries, null, 2), { mode: 0o600 });
  }

  /** After vCenter's certificate changed: the new pin, for the next writeConfig(). */
  pinCurrentCertificate(): void {
    this.thumbprint = this.vcsim.thumbprintSha256;
  }

  startRouter(): RouterProcess {
    this.router = startRouter(this.files);
    return this.router;
  }

  check(what: string, ok: boolean, detail?: string): void {
    this.checks.push({ what, ok, detail });
  }

  note(text: string): void {
    this.notes.push(text);
  }

  /** Posts events of mixed kinds and sizes; each call a new seed, so a new mix. */
  burst(count: number): Promise<BurstResult> {
    return this.vcsim.burst(count, this.seed++);
  }

  /** Bursts of `size` events, one after another, until `untilMs` from now. */
  async load(untilMs: number, size = 200, gapMs = 250): Promise<number> {
    const end = Date.now() + untilMs;
    let posted = 0;
    while (Date.now() < end) {
      posted += (await this.burst(size)).posted;
      await sleep(gapMs);
    }
    return posted;
  }

  /** Waits until the store's checkpoint has reached vCenter's newest event. */
  async waitTakenIn(what: string, timeoutMs = durations.drainTimeoutMs): Promise<void> {
    const { lastEventKey } = await this.vcsim.status();
    await this.waitFor(what, timeoutMs, () => {
      const checkpoint = this.readStore((store) => store.status().streams[0]);
      return checkpoint !== undefined && checkpoint.lastKey >= lastEventKey;
    });
  }

  /** Keeps the history of the vCenter about to restart, which loses it. */
  async rememberHistory(): Promise<void> {
    for (const event of await this.currentHistory()) {
      this.earlierHistory.set(identityOf(event), event);
    }
  }

  /** Every event every life of the test vCenter logged. */
  async history(): Promise<EventIdentity[]> {
    const all = new Map(this.earlierHistory);
    for (const event of await this.currentHistory()) all.set(identityOf(event), event);
    return [...all.values()];
  }

  private async currentHistory(): Promise<EventIdentity[]> {
    const client = await VcsimSoapClient.loggedIn(this.vcsim);
    const collector = await client.createCollectorForEvents();
    const events = await client.readToEnd(collector, 1000);
    await client.destroyCollector(collector);
    await client.logout();
    return events.map((event) => ({ key: event.key, createdTime: event.createdTime }));
  }

  /** What arrived at each target so far. */
  arrivals(kind: TargetKind): RouterCloudEvent[] {
    if (kind === 'stdout') return this.router?.events ?? [];
    if (kind === 'openfaas') return this.functionArrivals;
    return (this.endpoint?.received ?? [])
      .filter((entry) => entry.eventBusName === eventBus)
      .map((entry) => entry.detail as unknown as RouterCloudEvent);
  }

  /** The store's dead letters of one processor (named after its target kind here). */
  deadLetters(kind: TargetKind): RouterCloudEvent[] {
    return (
      this.readStore((store) =>
        [...store.deadLetters.list({ processor: kind })].map(
          (letter) => letter.cloudEvent as RouterCloudEvent,
        ),
      ) ?? []
    );
  }

  /** Reads the store as the operator commands do (no lock, beside a running router). */
  readStore<T>(read: (store: RouterStore) => T): T | undefined {
    if (!fs.existsSync(this.files.dataDir)) return undefined;
    let store: RouterStore | undefined;
    try {
      store = RouterStore.open({ dataDir: this.files.dataDir, mode: 'command' });
      return read(store);
    } catch {
      return undefined; // not created yet, or busy: the caller asks again
    } finally {
      store?.close();
    }
  }

  /**
   * Waits until nothing is lost at any target (or the bound passes), stops the router with
   * SIGTERM and counts. The router is expected to be running.
   */
  async settle(): Promise<TargetTally[]> {
    const emitted = await this.history();
    const count = () =>
      this.options.targets.map((kind) =>
        tally(kind, emitted, this.arrivals(kind), this.deadLetters(kind)),
      );
    const deadline = Date.now() + durations.drainTimeoutMs;
    let tallies = count();
    while (tallies.some((t) => t.lost > 0) && Date.now() < deadline) {
      await sleep(1_000);
      tallies = count();
    }
    if (this.gateway) await this.gateway.settled();
    if (this.router) {
      const code = await this.router.stop();
      this.check('the router stops on SIGTERM with exit 0', code === 0, `exit ${code}`);
    }
    return count();
  }

  /** Runs a router subcommand (status, backup, restore) to its end. */
  async command(
    args: string[],
  ): Promise<{ code: number | string; stdout: string; stderr: string }> {
    const child = spawn(process.execPath, [routerMain, ...args], { stdio: 'pipe' });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | string>((resolve) =>
      child.once('close', (exit, signal) => resolve(exit ?? signal ?? -1)),
    );
    return { code, stdout, stderr };
  }

  async waitFor(what: string, timeoutMs: number, condition: () => boolean): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      if (Date.now() > deadline) {
        const log = this.router?.logs.slice(-10).join('\n') ?? '';
        throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}\n${log}`);
      }
      await sleep(200);
    }
  }

  /** Log lines of the router that carry a secret of this rig (must be none). */
  secretsInLogs(): string[] {
    const secrets = [this.vcsim.password, gatewayPassword, secretAccessKey];
    return (this.router?.logs ?? []).filter((line) => secrets.some((s) => line.includes(s)));
  }

  async close(): Promise<void> {
    await this.router?.stop();
    await this.gateway?.stop();
    await this.endpoint?.stop();
    await this.proxy?.stop();
    await this.vcsim.stop();
    this.files.remove();
  }
}
