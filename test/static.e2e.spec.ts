import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { get } from 'node:http';
import { startApp, TestApp } from './support/app.js';

/** A response's bytes as sent (supertest would decompress them). */
function fetchRaw(url: string, acceptEncoding: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    get(url, { headers: { 'Accept-Encoding': acceptEncoding } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    }).on('error', reject);
  });
}

describe('the browser client, served', () => {
  let t: TestApp;
  let script: string;
  let original: Buffer;
  beforeAll(async () => {
    t = await startApp();
    const dir = join(t.config.clientDir, 'assets');
    script = readdirSync(dir).find((f) => /^index-.*\.js$/.test(f)) as string;
    original = readFileSync(join(dir, script));
  });
  afterAll(async () => {
    await t?.close();
  });

  it('sends hashed assets precompressed (brotli, else gzip, else plain), cached for good', async () => {
    const br = await fetchRaw(`${t.url}/assets/${script}`, 'gzip, deflate, br');
    expect(br.status).toBe(200);
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers['content-type']).toMatch(/javascript/);
    expect(br.headers['cache-control']).toContain('immutable');
    expect(br.headers.vary).toMatch(/Accept-Encoding/i);
    expect(br.headers['content-security-policy']).toContain("script-src 'self'");
    expect(brotliDecompressSync(br.body).equals(original)).toBe(true);
    expect(br.body.length).toBeLessThan(original.length / 2);

    const gz = await fetchRaw(`${t.url}/assets/${script}`, 'gzip');
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.body).equals(original)).toBe(true);

    const plain = await fetchRaw(`${t.url}/assets/${script}`, 'identity');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.equals(original)).toBe(true);
  });

  it('revalidates the page itself, and answers a missing asset with 404, not the page', async () => {
    const page = await t.http().get('/').set('Accept', 'text/html');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.headers['cache-control']).toMatch(/max-age=0/);
    const deep = await t.http().get('/stories/some-story').set('Accept', 'text/html');
    expect(deep.status).toBe(200);
    expect(deep.text).toContain(script);
    const missing = await t.http().get('/assets/no-such-file.js');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ statusCode: 404, code: 'NOT_FOUND' });
  });
});
