import http from 'node:http';
import { performance } from 'node:perf_hooks';

export interface HttpResult {
  status: number;
  text: string;
  /** Milliseconds from just before the request was written to the end of the response. */
  ms: number;
}

/** A small keep-alive HTTP client for sequential and low-concurrency measurements (autocannon does the heavy load). */
export class HttpClient {
  readonly agent: http.Agent;

  constructor(
    readonly baseUrl: string,
    maxSockets = 64,
  ) {
    this.agent = new http.Agent({ keepAlive: true, maxSockets });
  }

  request(method: string, path: string, opts: { cookie?: string; json?: unknown; headers?: Record<string, string>; timeoutMs?: number } = {}): Promise<HttpResult> {
    const url = new URL(path, this.baseUrl);
    const body = opts.json === undefined ? undefined : Buffer.from(JSON.stringify(opts.json));
    const headers: Record<string, string | number> = { accept: 'application/json', ...opts.headers };
    if (opts.cookie) headers.cookie = opts.cookie;
    if (body) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = body.length;
    }
    return new Promise((resolve, reject) => {
      const started = performance.now();
      const req = http.request(
        { host: url.hostname, port: url.port, path: url.pathname + url.search, method, headers, agent: this.agent, timeout: opts.timeoutMs ?? 15_000 },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8'), ms: performance.now() - started }));
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`timed out: ${method} ${path}`)));
      req.on('error', reject);
      req.end(body);
    });
  }

  async json<T>(method: string, path: string, opts: Parameters<HttpClient['request']>[2] = {}): Promise<T> {
    const r = await this.request(method, path, opts);
    if (r.status < 200 || r.status >= 300) throw new Error(`${method} ${path} answered ${r.status}: ${r.text.slice(0, 300)}`);
    return JSON.parse(r.text) as T;
  }

  close(): void {
    this.agent.destroy();
  }
}
