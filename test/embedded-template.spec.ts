// A new embedded database is unpacked from the template stored for the installed PGlite version instead of being made
// by initdb (src/database/embedded-template.ts): the template must be there, carry the embedded memory settings, and
// give a folder that opens, migrates and keeps what is written; an unpacking cut short is done again.
import { describe, expect, it } from '@jest/globals';
import { existsSync, mkdtempSync, readdirSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { t as listTar } from 'tar';
import { MIGRATIONS } from '../migrations/index.js';
import { loadConfig } from '../src/config/config.js';
import { EMBEDDED_SETTINGS, openDatabase } from '../src/database/data-source.js';
import { findTemplate, pgliteVersion, templatePath, unpackTemplate } from '../src/database/embedded-template.js';

async function fileInTar(tarFile: string, name: string): Promise<string> {
  let text: string | null = null;
  await listTar({
    file: tarFile,
    onReadEntry: (entry) => {
      if (entry.path.replace(/^\/+/, '') !== name) return entry.resume();
      const chunks: Buffer[] = [];
      entry.on('data', (c: Buffer) => chunks.push(c));
      entry.on('end', () => (text = Buffer.concat(chunks).toString('utf8')));
    },
  });
  if (text === null) throw new Error(`${name} is not in ${tarFile}`);
  return text;
}

const open = (dataDir: string) => openDatabase(loadConfig({ LOG_LEVEL: 'silent', DATA_DIR: dataDir, DATABASE_URL: '' }), { poolSize: 1 });

describe('the embedded database template', () => {
  it('is stored for the installed PGlite version (after an upgrade: npm run embedded-template, then commit it)', () => {
    expect({ version: pgliteVersion(), template: findTemplate() }).toEqual({ version: pgliteVersion(), template: templatePath() });
  });

  it('carries the embedded memory settings in its postgresql.conf', async () => {
    const conf = await fileInTar(templatePath(), 'postgresql.conf');
    expect(conf).toMatch(new RegExp(`^shared_buffers = ${EMBEDDED_SETTINGS.shared_buffers}\\b`, 'm'));
    expect(conf).toMatch(new RegExp(`^max_connections = ${EMBEDDED_SETTINGS.max_connections}\\b`, 'm'));
  });

  it('gives a new data folder that opens, migrates and keeps what is written; a cut-short unpacking is done again', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'setback-template-'));
    const dataDir = join(parent, 'data');
    try {
      unpackTemplate(templatePath(), dataDir);
      expect(existsSync(join(dataDir, 'PG_VERSION'))).toBe(true);
      expect(readdirSync(dataDir)).not.toContain('postmaster.pid');

      // as if the process died before the last file: no PG_VERSION, so the next start unpacks again over the rest
      unlinkSync(join(dataDir, 'PG_VERSION'));
      const first = await open(dataDir);
      try {
        expect(first.fresh).toBe(true);
        const [{ n }]: { n: number }[] = await first.dataSource.query('SELECT count(*)::int AS n FROM migrations');
        expect(n).toBe(MIGRATIONS.length);
        await first.dataSource.query(`INSERT INTO settings (key, value) VALUES ('template-test', 'kept')`);
      } finally {
        await first.close();
      }
      const again = await open(dataDir);
      try {
        expect(again.fresh).toBe(false);
        const rows: { value: string }[] = await again.dataSource.query(`SELECT value FROM settings WHERE key = 'template-test'`);
        expect(rows).toEqual([{ value: 'kept' }]);
      } finally {
        await again.close();
      }
    } finally {
      rmSync(parent, { recursive: true, force: true });
    }
  }, 120_000);
});
