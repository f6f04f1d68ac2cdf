import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { loadConfig } from '../src/config/config.js';
import { OpenDatabase, openDatabase } from '../src/database/data-source.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('embedded database (PGlite) under concurrent transactions', () => {
  let db: OpenDatabase;
  // a new in-memory database runs every migration first: on a busy two-core machine that can take most of a minute
  beforeAll(async () => {
    db = await openDatabase(loadConfig({ DATA_DIR: 'memory:', LOG_LEVEL: 'silent' }));
  }, 120_000);
  afterAll(async () => {
    await db.close();
  });

  it('never lets one transaction see or commit the work of another that rolls back', async () => {
    const ds = db.dataSource;
    let seenByOther: unknown[] | null = null;
    const failing = ds
      .transaction(async (em) => {
        await em.query(`INSERT INTO settings (key, value) VALUES ('doomed', 'x')`);
        await sleep(50); // give the other transaction every chance to interleave
        throw new Error('roll me back');
      })
      .catch((e: Error) => e.message);
    const succeeding = ds.transaction(async (em) => {
      seenByOther = await em.query(`SELECT key FROM settings WHERE key = 'doomed'`);
      await em.query(`INSERT INTO settings (key, value) VALUES ('kept', 'y')`);
    });
    const outside = ds.query(`SELECT key FROM settings WHERE key = 'doomed'`);
    const [failed, , outsideRows] = await Promise.all([failing, succeeding, outside]);

    expect(failed).toBe('roll me back');
    expect(seenByOther).toEqual([]);
    expect(outsideRows).toEqual([]);
    const rows: { key: string }[] = await ds.query(`SELECT key FROM settings WHERE key IN ('doomed', 'kept') ORDER BY key`);
    expect(rows.map((r) => r.key)).toEqual(['kept']);
  });

  it('keeps many interleaved transactions whole', async () => {
    const ds = db.dataSource;
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        ds
          .transaction(async (em) => {
            await em.query(`INSERT INTO settings (key, value) VALUES ($1, 'a')`, [`tx${i}-a`]);
            await sleep(Math.random() * 5);
            await em.query(`INSERT INTO settings (key, value) VALUES ($1, 'b')`, [`tx${i}-b`]);
            if (i % 2) throw new Error('odd ones roll back');
          })
          .catch(() => undefined),
      ),
    );
    const rows: { key: string }[] = await ds.query(`SELECT key FROM settings WHERE key LIKE 'tx%' ORDER BY key`);
    const expected = Array.from({ length: 10 }, (_, j) => [`tx${j * 2}-a`, `tx${j * 2}-b`]).flat().sort();
    expect(rows.map((r) => r.key)).toEqual(expected);
  });

  it('reports affected rows of updates like node-postgres', async () => {
    const res = await db.dataSource.createQueryBuilder().update('settings').set({ value: 'z' }).where(`key LIKE 'tx0-%'`).execute();
    expect(res.affected).toBe(2);
  });
});
