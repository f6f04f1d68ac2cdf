import type { IncomingHttpHeaders } from 'node:http';

/** Headers a proxy adds: their presence means the request was relayed, whoever the socket's peer is. */
const PROXY_HEADERS = ['forwarded', 'x-real-ip', 'via'];

const isLoopback = (address: string): boolean => address === '::1' || /^(::ffff:)?127\.\d+\.\d+\.\d+$/.test(address);

/**
 * Whether a request came straight from this machine: the socket's own peer is a loopback address (never
 * `req.ip`, which a trusted X-Forwarded-For rewrites) and no proxy header says it was relayed from elsewhere.
 */
export function isDirectLoopback(remoteAddress: string | undefined, headers: IncomingHttpHeaders): boolean {
  const relayed = Object.keys(headers).some((h) => h.startsWith('x-forwarded-') || PROXY_HEADERS.includes(h));
  return !relayed && remoteAddress !== undefined && isLoopback(remoteAddress);
}
