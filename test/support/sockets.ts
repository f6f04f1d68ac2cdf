import { io, Socket } from 'socket.io-client';
import type { TestApp } from './app.js';

export type Ack = { ok: boolean; error?: { code: string; message: string }; [k: string]: unknown };

/** A real socket.io client, connected with a session cookie (websocket transport, as browsers end up using). */
export function connect(t: TestApp | string, cookie?: string, opts: { origin?: string } = {}): Promise<Socket> {
  const url = typeof t === 'string' ? t : t.url;
  const headers: Record<string, string> = {};
  if (cookie) headers.Cookie = cookie;
  if (opts.origin) headers.Origin = opts.origin;
  const socket = io(url, { path: '/socket.io', transports: ['websocket'], extraHeaders: headers, reconnection: false, forceNew: true, timeout: 5000 });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (err: Error & { data?: unknown }) => {
      socket.close();
      reject(err);
    });
  });
}

export function emitAck(socket: Socket, event: string, payload?: unknown, timeoutMs = 5000): Promise<Ack> {
  return socket.timeout(timeoutMs).emitWithAck(event, payload) as Promise<Ack>;
}

/** Collects every payload of an event, for later assertions. */
export function collect<T = unknown>(socket: Socket, event: string): T[] {
  const seen: T[] = [];
  socket.on(event, (p: T) => seen.push(p));
  return seen;
}

export async function waitFor(check: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
