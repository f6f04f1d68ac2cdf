import { createConnection, createServer, Server, Socket } from 'node:net';

/**
 * How a cut looks to the app:
 * - `refuse`: every open connection is destroyed and the port stops listening, so new connections get
 *   ECONNREFUSED (the service is down).
 * - `reset`: every open connection is destroyed; new connections are accepted and reset at once (a crashing
 *   service, or a firewall answering with RST).
 * - `blackhole`: nothing is closed, nothing gets through (a network partition). Open connections stall with
 *   their bytes held back; new connections are accepted but not forwarded. `restore()` delivers what was
 *   held, as TCP would after the partition heals, unless the app gave up on the connection meanwhile.
 */
export type CutMode = 'refuse' | 'reset' | 'blackhole';

interface Pair {
  client: Socket;
  upstream: Socket | null;
  connected: boolean;
  toUpstream: Buffer[];
  toClient: Buffer[];
}

/**
 * A small TCP proxy for fault tests: listen on a port (0 = any free one) and forward to host:port, until cut.
 * Only the proxy's own connections are touched: the real service behind it never notices.
 */
export class TcpProxy {
  readonly host = '127.0.0.1';
  port = 0;
  /** Connections accepted since start (for tests that want to see the app reconnect). */
  accepted = 0;
  private server: Server | null = null;
  private readonly pairs = new Set<Pair>();
  private mode: 'open' | CutMode = 'open';
  private onAnswer: (() => void) | null = null;

  private constructor(
    readonly targetHost: string,
    readonly targetPort: number,
  ) {}

  /** Starts a proxy to target host:port, listening on listenPort (0: a free port, read it from `.port`). */
  static async start(target: { host: string; port: number }, listenPort = 0): Promise<TcpProxy> {
    const proxy = new TcpProxy(target.host, target.port);
    await proxy.listen(listenPort);
    return proxy;
  }

  get state(): 'open' | CutMode {
    return this.mode;
  }

  /** Open connections through the proxy right now. */
  get connections(): number {
    return this.pairs.size;
  }

  /** The given URL with its host and port replaced by the proxy's (user, password, path and query kept). */
  rewrite(url: string): string {
    const u = new URL(url);
    u.hostname = this.host;
    u.port = String(this.port);
    return u.toString();
  }

  /** Cuts the link (see CutMode). Resolves once the cut is in place. */
  async cut(mode: CutMode = 'refuse'): Promise<void> {
    if (this.mode !== 'open') await this.restore();
    this.mode = mode;
    if (mode === 'blackhole') return; // everything stays open; the forwarders just hold the bytes back
    for (const p of [...this.pairs]) this.drop(p, mode === 'reset');
    if (mode === 'refuse') await this.unlisten();
  }

  /** Heals the link: listens again (same port), forwards what a blackhole held, connects what waited. */
  async restore(): Promise<void> {
    const was = this.mode;
    this.mode = 'open';
    if (was === 'refuse') await this.listen(this.port);
    for (const p of [...this.pairs]) {
      if (!p.upstream) this.connectUpstream(p);
      else this.flush(p);
    }
  }

  /**
   * "Committed but not acknowledged": the next connection on which the service starts to answer is reset, on
   * both sides, at the answer's first byte, which never reaches the client. So the request was read and handled
   * in full while the client sees only a socket error. Resolves once it happened; the proxy stays open.
   */
  cutAtFirstAnswer(): Promise<void> {
    return new Promise((resolve) => (this.onAnswer = resolve));
  }

  /** Closes everything for good. */
  async stop(): Promise<void> {
    this.mode = 'refuse';
    for (const p of [...this.pairs]) this.drop(p, false);
    await this.unlisten();
  }

  private listen(port: number): Promise<void> {
    const server = createServer((client) => this.accept(client));
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, this.host, () => {
        server.off('error', reject);
        this.port = (server.address() as { port: number }).port;
        resolve();
      });
    });
  }

  private unlisten(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return Promise.resolve();
    return new Promise((resolve) => server.close(() => resolve()));
  }

  private accept(client: Socket): void {
    this.accepted++;
    client.setNoDelay(true);
    if (this.mode === 'reset' || this.mode === 'refuse') {
      reset(client);
      return;
    }
    const pair: Pair = { client, upstream: null, connected: false, toUpstream: [], toClient: [] };
    this.pairs.add(pair);
    client.on('data', (chunk: Buffer) => {
      if (this.mode === 'open' && pair.connected && pair.upstream) pair.upstream.write(chunk);
      else pair.toUpstream.push(chunk);
    });
    client.on('error', () => this.drop(pair, false));
    client.on('close', () => this.drop(pair, false));
    if (this.mode === 'open') this.connectUpstream(pair);
  }

  private connectUpstream(pair: Pair): void {
    if (pair.upstream || pair.client.destroyed) return;
    const upstream = createConnection({ host: this.targetHost, port: this.targetPort });
    pair.upstream = upstream;
    upstream.setNoDelay(true);
    upstream.on('connect', () => {
      pair.connected = true;
      if (this.mode === 'open') this.flush(pair);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (this.onAnswer) {
        const answered = this.onAnswer;
        this.onAnswer = null;
        this.drop(pair, true);
        answered();
        return;
      }
      if (this.mode === 'open') pair.client.write(chunk);
      else pair.toClient.push(chunk);
    });
    upstream.on('error', () => this.drop(pair, false));
    upstream.on('close', () => this.drop(pair, false));
  }

  private flush(pair: Pair): void {
    if (!pair.connected || !pair.upstream) return;
    for (const chunk of pair.toUpstream.splice(0)) pair.upstream.write(chunk);
    for (const chunk of pair.toClient.splice(0)) pair.client.write(chunk);
  }

  private drop(pair: Pair, hard: boolean): void {
    if (!this.pairs.delete(pair)) return;
    if (hard) reset(pair.client);
    else pair.client.destroy();
    pair.upstream?.destroy();
  }
}

/** Closes with an RST where Node supports it (so the peer sees ECONNRESET), else a plain destroy. */
function reset(socket: Socket): void {
  const s = socket as Socket & { resetAndDestroy?: () => Socket };
  if (typeof s.resetAndDestroy === 'function') s.resetAndDestroy();
  else socket.destroy();
}
