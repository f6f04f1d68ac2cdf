// Logs for people and for machines. JSON lines (pino's own) when stdout is a pipe or a file, or LOG_FORMAT=json;
// short human lines (time, level, message) in a terminal, or LOG_FORMAT=pretty. Either way one line per request:
// method, path, status and duration, never the headers.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DestinationStream } from 'pino';
import type { Options } from 'pino-http';
import type { AppConfig } from '../config/config.js';

const LEVEL_NAMES: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
const LEVEL_COLOURS: Record<number, string> = { 10: '90', 20: '90', 30: '32', 40: '33', 50: '31', 60: '35' };

/** The path without its query string: a query may carry a token, and it is noise in a log line. */
const pathOf = (req: IncomingMessage): string => ((req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url ?? '').split('?')[0]!;

/** Nest's start-up chatter (a line per module, route and socket message): only at LOG_LEVEL=debug. */
const START_UP_CONTEXTS = new Set(['NestFactory', 'InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'WebSocketsController', 'NestApplication']);

const two = (n: number): string => String(n).padStart(2, '0');

/** One log entry (a pino JSON object) as a human line: `14:03:07 INFO  GET /api/threads 200 4 ms`. */
export function prettyLine(entry: Record<string, unknown>, colour = false): string {
  const t = new Date(typeof entry.time === 'number' ? entry.time : Date.now());
  const level = typeof entry.level === 'number' ? entry.level : 30;
  let name = (LEVEL_NAMES[level] ?? String(level)).padEnd(5);
  if (colour) name = `\x1b[${LEVEL_COLOURS[level] ?? '0'}m${name}\x1b[0m`;
  const context = typeof entry.context === 'string' ? `[${entry.context}] ` : '';
  let line = `${two(t.getHours())}:${two(t.getMinutes())}:${two(t.getSeconds())} ${name} ${context}${String(entry.msg ?? '')}`;
  if (typeof entry.responseTime === 'number') line += ` ${entry.responseTime} ms`;
  const err = entry.err as { stack?: unknown; message?: unknown } | undefined;
  if (err && level >= 50) line += `\n  ${String(err.stack ?? err.message).replace(/\n/g, '\n  ')}`;
  return `${line}\n`;
}

/** A pino destination that turns each JSON line into a human one. */
export function prettyStream(out: NodeJS.WriteStream = process.stdout): DestinationStream {
  const colour = out.isTTY === true && !process.env.NO_COLOR;
  return {
    write(chunk: string): void {
      let entry: Record<string, unknown>;
      try {
        entry = JSON.parse(chunk) as Record<string, unknown>;
      } catch {
        out.write(chunk);
        return;
      }
      out.write(prettyLine(entry, colour));
    },
  };
}

/** nestjs-pino's `pinoHttp` setting: the logger's options, and the human formatter when the format says so. */
export function httpLogging(config: AppConfig): Options | [Options, DestinationStream] {
  const options: Options = {
    level: config.logLevel,
    genReqId: (req: IncomingMessage) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w-]{1,64}$/.test(given) ? given : randomUUID();
    },
    // never a password, cookie or token in a log line
    redact: { paths: ['req.headers.cookie', 'req.headers.authorization', '*.password', '*.token'], censor: '[redacted]' },
    serializers: {
      req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url?.split('?')[0] }),
      // the status only: every response header on every line is what made the old logs unreadable
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
    customLogLevel: (_req: IncomingMessage, res: ServerResponse, err?: Error) => (err || res.statusCode >= 500 ? 'error' : res.statusCode === 429 ? 'warn' : 'info'),
    customSuccessMessage: (req: IncomingMessage, res: ServerResponse) => `${req.method} ${pathOf(req)} ${res.statusCode}`,
    customErrorMessage: (req: IncomingMessage, res: ServerResponse, err: Error) => `${req.method} ${pathOf(req)} ${res.statusCode} (${err.message})`,
    autoLogging: { ignore: (req: IncomingMessage) => req.url === '/api/health' },
    hooks: {
      logMethod(args, method, level) {
        const context = (args[0] as { context?: unknown } | null)?.context;
        if (level === 30 && typeof context === 'string' && START_UP_CONTEXTS.has(context)) (this.debug as (...a: unknown[]) => void)(...args);
        else method.apply(this, args);
      },
    },
  };
  return config.logFormat === 'pretty' ? [options, prettyStream()] : options;
}
