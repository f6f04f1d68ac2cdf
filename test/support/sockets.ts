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

export interface Received {
  event: string;
  payload: unknown;
}

/** Every event a socket receives, in the order it arrived: for "nothing arrived before the barrier" checks. */
export function record(socket: Socket): Received[] {
  const log: Received[] = [];
  socket.onAny((event: string, payload: unknown) => log.push({ event, payload }));
  return log;
}

/** An event named `event` whose payload has the given id. */
export const withId = (event: string, id: string) => (r: Received): boolean => r.event === event && (r.payload as { id?: unknown } | null)?.id === id;

/**
 * A barrier instead of a sleep: once something the reader MUST receive (caused after the action whose result it
 * must NOT receive) has arrived, returns everything that arrived before it. Socket.io keeps the order of one
 * connection's packets, and the server handles the two in the order they were caused, so a forbidden event
 * would be in that list; a sleep, on a slow machine, proves nothing.
 */
export async function before(log: Received[], barrier: (r: Received) => boolean, timeoutMs = 5000, what = 'the barrier event'): Promise<Received[]> {
  await waitFor(() => log.some(barrier), timeoutMs, what);
  return log.slice(0, log.findIndex(barrier));
}
