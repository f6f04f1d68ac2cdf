import { createRequire } from 'node:module';
import { sleep } from './stats.js';

/** The bits of the `ws` client used here (a dependency of socket.io-client; no types needed). */
interface WsLike {
  on(event: 'open' | 'close', cb: () => void): void;
  on(event: 'message', cb: (data: Buffer) => void): void;
  on(event: 'error', cb: (e: Error) => void): void;
  send(data: string): void;
  close(): void;
}
type WsCtor = new (url: string) => WsLike;

function loadWs(): WsCtor | null {
  try {
    return createRequire(import.meta.url)('ws') as WsCtor;
  } catch {
    return null;
  }
}

/**
 * Makes the app run a full garbage collection, through the inspector: the app was started with
 * `--inspect-port=<port>` (closed until asked), SIGUSR1 opens it on loopback, and HeapProfiler.collectGarbage runs.
 * What remains afterwards is memory the app really holds, not garbage V8 has not collected yet.
 */
export async function forceFullGc(pid: number, inspectPort: number): Promise<boolean> {
  const WebSocket = loadWs();
  if (!WebSocket) return false;
  try {
    process.kill(pid, 'SIGUSR1');
  } catch {
    return false;
  }
  let target: string | null = null;
  for (let i = 0; i < 50 && !target; i++) {
    await sleep(100);
    try {
      const list = (await (await fetch(`http://127.0.0.1:${inspectPort}/json/list`)).json()) as { webSocketDebuggerUrl?: string }[];
      target = list[0]?.webSocketDebuggerUrl ?? null;
    } catch {
      /* not open yet */
    }
  }
  if (!target) return false;
  const ws = new WebSocket(target);
  return new Promise<boolean>((resolve) => {
    let done = 0;
    const timer = setTimeout(() => finish(false), 15_000);
    const finish = (ok: boolean): void => {
      clearTimeout(timer);
      try {
        ws.close();
      } catch {
        /* closed */
      }
      resolve(ok);
    };
    ws.on('error', () => finish(false));
    ws.on('open', () => {
      // twice: the first pass can leave objects whose finalizers free more
      ws.send(JSON.stringify({ id: 1, method: 'HeapProfiler.collectGarbage' }));
      ws.send(JSON.stringify({ id: 2, method: 'HeapProfiler.collectGarbage' }));
    });
    ws.on('message', (data: Buffer) => {
      const msg = JSON.parse(data.toString()) as { id?: number; error?: unknown };
      if (msg.id === 1 || msg.id === 2) {
        if (msg.error) finish(false);
        else if (++done === 2) finish(true);
      }
    });
  });
}
