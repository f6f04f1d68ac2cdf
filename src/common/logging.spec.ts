import { describe, expect, it } from '@jest/globals';
import { prettyLine } from './logging.js';

describe(prettyLine.name, () => {
  const at = new Date(2026, 11, 2, 14, 3, 7).getTime();

  it('writes a request as time, level, method, path, status and duration', () => {
    const line = prettyLine({ level: 30, time: at, msg: 'GET /api/threads 200', req: { id: 'x', method: 'GET', url: '/api/threads' }, res: { statusCode: 200 }, responseTime: 4 });
    expect(line).toBe('14:03:07 INFO  GET /api/threads 200 4 ms\n');
  });

  it("names the logger's context and shows an error's stack under its line", () => {
    const line = prettyLine({ level: 50, time: at, context: 'Realtime', msg: 'push failed', err: { message: 'boom', stack: 'Error: boom\n    at x' } });
    expect(line).toBe('14:03:07 ERROR [Realtime] push failed\n  Error: boom\n      at x\n');
  });
});
