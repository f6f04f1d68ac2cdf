import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { BlocksService } from '../src/users/blocks.service.js';
import { Member, registerMember, startApp, TestApp, uniqueName } from './support/app.js';

describe('blocking members', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp();
  });
  afterAll(async () => {
    await t.close();
  });

  const block = (m: Member, username: string) => t.http().put(`/api/users/${username}/block`).set('Cookie', m.cookie);
  const unblock = (m: Member, username: string) => t.http().delete(`/api/users/${username}/block`).set('Cookie', m.cookie);
  const rows = async (blocker: Member): Promise<string[]> =>
    (await t.db.dataSource.query('SELECT blocked_id FROM blocks WHERE blocker_id = $1 ORDER BY blocked_id', [blocker.id])).map((r: { blocked_id: string }) => r.blocked_id);

  it('blocks and unblocks, each idempotently', async () => {
    const a = await registerMember(t);
    const b = await registerMember(t);

    const first = await block(a, b.username);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ blocked: true });
    expect(await rows(a)).toEqual([b.id]);
    expect((await block(a, b.username)).body).toEqual({ blocked: true });
    expect(await rows(a)).toEqual([b.id]);
    expect(await rows(b)).toEqual([]); // one way only

    const off = await unblock(a, b.username);
    expect(off.status).toBe(200);
    expect(off.body).toEqual({ blocked: false });
    expect(await rows(a)).toEqual([]);
    const again = await unblock(a, b.username);
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ blocked: false });
  });

  it('finds the member whatever the case of the username', async () => {
    const a = await registerMember(t);
    const b = await registerMember(t, { username: uniqueName('Mixed') });
    expect((await block(a, b.username.toUpperCase())).status).toBe(200);
    expect(await rows(a)).toEqual([b.id]);
    expect((await unblock(a, b.username.toLowerCase())).status).toBe(200);
    expect(await rows(a)).toEqual([]);
  });

  it('tells the services who is blocked', async () => {
    const a = await registerMember(t);
    const b = await registerMember(t);
    const c = await registerMember(t);
    await block(a, b.username);
    await block(a, c.username);
    const blocks = t.app.get(BlocksService);
    expect((await blocks.blockedIds(a.id)).sort()).toEqual([b.id, c.id].sort());
    expect(await blocks.blockedIds(b.id)).toEqual([]);
    expect(await blocks.isBlocked(a.id, b.id)).toBe(true);
    expect(await blocks.isBlocked(b.id, a.id)).toBe(false);
  });

  it('refuses to block yourself with 400', async () => {
    const a = await registerMember(t);
    for (const res of [await block(a, a.username), await block(a, a.username.toUpperCase()), await unblock(a, a.username)]) {
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(res.body.errors).toEqual([expect.objectContaining({ field: 'username' })]);
    }
    expect(await rows(a)).toEqual([]);
  });

  it.each([
    ['an unknown username', () => uniqueName('ghost')],
    ['a username too short', () => 'ab'],
    ['a username with a dot', () => 'some.one'],
    ['a username with a NUL', () => 'abc%00def'],
    ['a non-ASCII username', () => '%C3%A9mile'],
  ])('answers %s with 404', async (_, name) => {
    const a = await registerMember(t);
    for (const res of [await block(a, name()), await unblock(a, name())]) {
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('NOT_FOUND');
    }
    expect(await rows(a)).toEqual([]);
  });

  it('is for members only', async () => {
    const b = await registerMember(t);
    for (const res of [await t.http().put(`/api/users/${b.username}/block`), await t.http().delete(`/api/users/${b.username}/block`)]) {
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('UNAUTHENTICATED');
    }
    expect((await t.db.dataSource.query('SELECT count(*)::int AS n FROM blocks WHERE blocked_id = $1', [b.id]))[0].n).toBe(0);
  });
});
