import { describe, expect, it } from '@jest/globals';
import { isDirectLoopback } from './direct-loopback.js';

describe(isDirectLoopback.name, () => {
  it.each([
    ['127.0.0.1', {}, true],
    ['::1', {}, true],
    ['::ffff:127.0.0.1', {}, true],
    ['127.8.9.10', {}, true],
    ['10.0.0.5', {}, false],
    ['::ffff:192.168.1.2', {}, false],
    ['127.0.0.1.evil', {}, false],
    [undefined, {}, false],
    ['127.0.0.1', { 'x-forwarded-for': '127.0.0.1' }, false],
    ['127.0.0.1', { 'x-forwarded-proto': 'https' }, false],
    ['127.0.0.1', { forwarded: 'for=127.0.0.1' }, false],
    ['127.0.0.1', { 'x-real-ip': '127.0.0.1' }, false],
    ['127.0.0.1', { via: '1.1 proxy' }, false],
  ])('peer %s with headers %j is direct loopback: %s', (remote, headers, expected) => {
    expect(isDirectLoopback(remote, headers)).toBe(expected);
  });
});
