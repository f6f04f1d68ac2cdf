// Debian's nginx in front of spawned app instances (test/cluster and the bench's --cluster N), running the
// repository's own deploy/nginx.conf (the file docker-compose mounts) with only its addresses changed: the
// upstream servers become the local instances
// and `listen 80` a free local port. Everything else (balancing, websocket upgrade, timeouts, gzip) is the
// deployed configuration. nginx runs as a child process (daemon off) with its prefix, pid, temp and log files
// in a temporary folder, never as the machine's own nginx.
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './app-process.js';

export const NGINX_PATH = process.env.NGINX_PATH ?? '/usr/sbin/nginx';
export const DEPLOY_CONF = join(process.cwd(), 'deploy/nginx.conf');

/** deploy/nginx.conf with local addresses, inside the main-context frame the docker image's nginx.conf provides. */
export function testConfig(upstreamPorts: number[], listenPort: number, dir: string): string {
  const deployed = readFileSync(DEPLOY_CONF, 'utf8');
  const servers = /^(\s*)server\s+[^\s;]+:\d+[^;]*;\s*\n/gm;
  const found = deployed.match(servers) ?? [];
  if (!found.length) throw new Error('deploy/nginx.conf: no `server host:port;` lines in its upstream block to point at the test instances');
  if (!/^\s*listen\s+80;/m.test(deployed)) throw new Error('deploy/nginx.conf: no `listen 80;` line to move to a free port');
  let first = true;
  const local = deployed
    .replace(servers, (_line, indent: string) => {
      if (!first) return '';
      first = false;
      return upstreamPorts.map((p) => `${indent}server 127.0.0.1:${p};\n`).join('');
    })
    .replace(/^(\s*)listen\s+80;/m, `$1listen 127.0.0.1:${listenPort};`);
  return [
    'worker_processes 1;',
    `error_log ${join(dir, 'error.log')} warn;`,
    // every reader holds two connections (client side and upstream side): the default 512 is too few for the
    // suite's 300 readers, and the bench's fan-out goes to 5,000
    'worker_rlimit_nofile 20000;',
    'events { worker_connections 12000; }',
    'http {',
    '  access_log off;',
    ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `  ${t}_temp_path ${join(dir, t)};`),
    local,
    '}',
    '',
  ].join('\n');
}

export interface Nginx {
  url: string;
  config: string;
  log: () => string;
  stop: () => Promise<void>;
}

const listening = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const s = createConnection({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });

export async function startNginx(upstreamPorts: number[], port?: number): Promise<Nginx> {
  const dir = mkdtempSync(join(tmpdir(), 'setback-nginx-'));
  // run as root, nginx's workers drop to `nobody`, which must reach the temp folders under this one
  chmodSync(dir, 0o755);
  port ??= await freePort();
  const conf = join(dir, 'nginx.conf');
  const config = testConfig(upstreamPorts, port, dir);
  writeFileSync(conf, config);
  const args = ['-p', dir, '-e', join(dir, 'error.log'), '-c', conf, '-g', `daemon off; pid ${join(dir, 'nginx.pid')};`];
  try {
    execFileSync(NGINX_PATH, ['-t', ...args], { stdio: 'pipe' });
  } catch (e) {
    throw new Error(`nginx rejected the test configuration made from deploy/nginx.conf:\n${String((e as { stderr?: Buffer }).stderr ?? e)}\n${config}`);
  }
  const child: ChildProcess = spawn(NGINX_PATH, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d) => (out += d));
  child.stderr?.on('data', (d) => (out += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const log = () => out + (existsSync(join(dir, 'error.log')) ? readFileSync(join(dir, 'error.log'), 'utf8') : '');
  const until = Date.now() + 15_000;
  while (!(await listening(port))) {
    if (child.exitCode !== null || Date.now() > until) throw new Error(`nginx did not start:\n${log()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url: `http://127.0.0.1:${port}`,
    config,
    log,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
