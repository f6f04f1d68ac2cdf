// A small same-origin JSON client for /api. Every failure becomes an ApiError carrying the server's
// error body ({statusCode, code, message, errors?, retryAfter?, until?}).
import type { ApiErrorBody } from '../../src/contract/views.js';
import { reachability } from './stores/reachability.js';
import { untilInWords } from './time.js';

export interface FieldError {
  field: string;
  message: string;
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly errors: FieldError[];
  readonly retryAfter: number | null;
  readonly until: string | null;

  constructor(body: ApiErrorBody) {
    super(body.message);
    this.name = 'ApiError';
    this.status = body.statusCode;
    this.code = body.code;
    this.errors = Array.isArray(body.errors) ? body.errors : [];
    this.retryAfter = typeof body.retryAfter === 'number' ? body.retryAfter : null;
    this.until = typeof body.until === 'string' ? body.until : null;
  }

  /** The first message for each field, keyed by field name. */
  fieldErrors(): Map<string, string> {
    const map = new Map<string, string>();
    for (const e of this.errors) if (e && typeof e.field === 'string' && !map.has(e.field)) map.set(e.field, e.message);
    return map;
  }

  get isNetwork(): boolean {
    return this.status === 0;
  }

  /** No network, or the server not answering (502/503/504): nothing was wrong with the request itself. */
  get isConnection(): boolean {
    return this.status === 0 || (this.status >= 502 && this.status <= 504);
  }
}

/** Said when the server, not the network, is out of reach. */
export const NOT_ANSWERING = 'Setback is not answering right now; your words are kept.';

/** Fired (on apiEvents) when a request meets 401 UNAUTHENTICATED: the session is gone. */
export const apiEvents = new EventTarget();
export const UNAUTHENTICATED_EVENT = 'unauthenticated';

const FALLBACK_MESSAGES: Record<number, string> = {
  0: 'You are offline. Check your connection; your words are kept in this browser.',
  400: 'Something in that request was not right.',
  401: 'Please sign in to continue.',
  403: "You can't do that here.",
  404: "We couldn't find that.",
  409: 'That conflicts with something that changed in the meantime.',
  413: 'That is too long.',
  429: "You're going a little fast. Please wait a moment and try again.",
  500: 'Something went wrong on our side. Please try again.',
  502: NOT_ANSWERING,
  503: NOT_ANSWERING,
  504: NOT_ANSWERING,
};

function fallbackMessage(status: number): string {
  return FALLBACK_MESSAGES[status] ?? (status >= 500 ? FALLBACK_MESSAGES[500]! : FALLBACK_MESSAGES[400]!);
}

function isErrorBody(value: unknown): value is Partial<ApiErrorBody> {
  return typeof value === 'object' && value !== null;
}

async function toApiError(res: Response): Promise<ApiError> {
  let parsed: unknown = null;
  try {
    if ((res.headers.get('content-type') ?? '').includes('json')) parsed = await res.json();
  } catch {
    parsed = null;
  }
  const body = isErrorBody(parsed) ? parsed : {};
  const headerRetry = Number(res.headers.get('retry-after'));
  return new ApiError({
    statusCode: typeof body.statusCode === 'number' ? body.statusCode : res.status,
    code: typeof body.code === 'string' ? body.code : `HTTP_${res.status}`,
    message: typeof body.message === 'string' && body.message ? body.message : fallbackMessage(res.status),
    errors: Array.isArray(body.errors) ? body.errors : undefined,
    retryAfter:
      typeof body.retryAfter === 'number' ? body.retryAfter : Number.isFinite(headerRetry) && headerRetry > 0 ? headerRetry : undefined,
    until: typeof body.until === 'string' ? body.until : undefined,
  });
}

export interface RequestOptions {
  signal?: AbortSignal;
  /** Let the request outlive the page (used to flush a draft when the tab closes). */
  keepalive?: boolean;
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Sends a request to /api<path>. Resolves with the parsed JSON (undefined for 204). */
export async function request<T>(method: Method, path: string, body?: unknown, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(`/api${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      cache: 'no-store',
      signal: options.signal,
      keepalive: options.keepalive,
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    // the device has a network but the request went nowhere: the server (or the way to it) is down, not the reader's line
    const offline = navigator.onLine === false;
    reachability.report(offline ? 'offline' : 'down');
    throw new ApiError({ statusCode: 0, code: 'NETWORK', message: offline ? fallbackMessage(0) : NOT_ANSWERING });
  }
  reachability.report(res.status >= 502 && res.status <= 504 ? 'down' : 'ok');
  if (!res.ok) {
    const error = await toApiError(res);
    if (error.status === 401 && error.code === 'UNAUTHENTICATED') {
      apiEvents.dispatchEvent(new Event(UNAUTHENTICATED_EVENT));
    }
    throw error;
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

export const api = {
  get: <T>(path: string, options?: RequestOptions) => request<T>('GET', path, undefined, options),
  post: <T>(path: string, body?: unknown, options?: RequestOptions) => request<T>('POST', path, body ?? {}, options),
  put: <T>(path: string, body?: unknown, options?: RequestOptions) => request<T>('PUT', path, body, options),
  patch: <T>(path: string, body?: unknown, options?: RequestOptions) => request<T>('PATCH', path, body, options),
  del: <T = void>(path: string, options?: RequestOptions) => request<T>('DELETE', path, undefined, options),
};

/** Builds a query string from the non-empty values: qs({a: 'x', b: ''}) → '?a=x'. */
export function qs(params: Record<string, string | number | null | undefined>): string {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== null && v !== undefined && v !== '') search.set(k, String(v));
  const s = search.toString();
  return s ? `?${s}` : '';
}

/** Encodes one path segment. */
export const seg = (value: string) => encodeURIComponent(value);

/** A moderation route refused because the site asks staff to use two-factor sign-in first (403, said in words). */
export function needsTwoFactor(error: unknown): boolean {
  return error instanceof ApiError && error.status === 403 && /two-factor/i.test(error.message);
}

/** A human sentence for an error (a rate limit's message already says the wait in words). */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    // the end of a suspension, in the reader's own time zone and in words ("tomorrow at 14:00")
    if (error.code === 'ACCOUNT_SUSPENDED' && error.until && untilInWords(error.until)) {
      return `Your account is suspended until ${untilInWords(error.until)}. You can still read, and write to the moderators.`;
    }
    return error.message;
  }
  return fallbackMessage(500);
}
