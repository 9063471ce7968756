// A TCP proxy between the router and the test vCenter, to cut the network without touching
// either process. It forwards bytes untouched (TLS goes through end to end, so the router
// still checks vCenter's own certificate), and on command it
// - drops: resets every open connection and every new one, as a firewall sending RSTs does;
// - stalls: keeps connections open but forwards nothing either way, and accepts new ones that
//   never get an answer, as a black-holed route or a dead middlebox does.
// It listens on 127.0.0.1 only, on a free port.
import net from 'node:net';
import type { AddressInfo } from 'node:net';

export type ProxyMode = 'pass' | 'drop' | 'stall';

interface Pair {
  client: net.Socket;
  upstream: net.Socket;
}

export class TcpProxy {
  private mode: ProxyMode = 'pass';
  private readonly pairs = new Set<Pair>();
  private readonly server: net.Server;
  /** Connections accepted while stalled: no upstream yet, nothing ever answered. */
  private readonly held = new Set<net.Socket>();
  private portNumber = 0;
  connectionsSeen = 0;

  constructor(
    private readonly upstreamHost: string,
    private readonly upstreamPort: number,
  ) {
    this.server = net.createServer((client) => this.accept(client));
  }

  async start(): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => resolve());
    });
    this.portNumber = (this.server.address() as AddressInfo).port;
    return this.portNumber;
  }

  get port(): number {
    return this.portNumber;
  }

  /** Changes what happens to traffic from now on; open connections follow at once. */
  setMode(mode: ProxyMode): void {
    if (mode === this.mode) return;
    const wasStalled = this.mode === 'stall';
    this.mode = mode;
    if (mode === 'drop') {
      for (const pair of this.pairs) this.resetPair(pair);
      for (const socket of this.held) socket.resetAndDestroy();
      this.held.clear();
    } else if (mode === 'stall') {
      for (const { client, upstream } of this.pairs) {
        client.unpipe(upstream);
        upstream.unpipe(client);
        client.pause();
        upstream.pause();
      }
    } else {
      for (const { client, upstream } of wasStalled ? this.pairs : []) {
        client.pipe(upstream);
        upstream.pipe(client);
      }
      // Held connections waited for an answer that never came; the client has given up on
      // them or will, so they are closed rather than joined up late.
      for (const socket of this.held) socket.destroy();
      this.held.clear();
    }
  }

  async stop(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const pair of this.pairs) this.resetPair(pair);
    for (const socket of this.held) socket.destroy();
    this.held.clear();
    await closed;
  }

  private accept(client: net.Socket): void {
    this.connectionsSeen += 1;
    client.on('error', () => client.destroy());
    if (this.mode === 'drop') {
      client.resetAndDestroy();
      return;
    }
    if (this.mode === 'stall') {
      client.pause();
      this.held.add(client);
      client.once('close', () => this.held.delete(client));
      return;
    }
    this.join(client);
  }

  private join(client: net.Socket): void {
    const upstream = net.connect(this.upstreamPort, this.upstreamHost);
    const pair = { client, upstream };
    this.pairs.add(pair);
    upstream.on('error', () => this.resetPair(pair));
    client.on('error', () => this.resetPair(pair));
    const forget = () => {
      this.pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.once('close', forget);
    upstream.once('close', forget);
    client.pipe(upstream);
    upstream.pipe(client);
  }

  private resetPair({ client, upstream }: Pair): void {
    if (!client.destroyed) client.resetAndDestroy();
    if (!upstream.destroyed) upstream.resetAndDestroy();
  }
}
