import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes, randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import type { Socket } from 'socket.io-client';
import type { Test } from 'supertest';
import { Member, registerMember, setRole, startApp, TestApp } from '../support/app.js';
import { createReply, createStory } from '../support/factories.js';
import { connect, emitAck } from '../support/sockets.js';
import { AttackTally, errorShapeProblem, insertUser, mapLimit, Method, prototypeIsClean, ResLike, SECURITY_ENV, send, settledSnapshot, snapshot } from './helpers.js';

// Malformed, oversized and hostile input on every route: each attack must get a 4xx JSON error (never a 5xx,
// never a hang), change no data of the members involved, and leave the process's Object.prototype clean.

interface Case {
  label: string;
  /** sends the attack; anything it needs made first (a fresh target) is made by `prepare`, before the snapshot */
  run: () => Test | Promise<ResLike>;
  prepare?: () => Promise<() => Test>;
  /** the statuses this attack may get; any 4xx when left out */
  expect?: number[];
  code?: string;
}

const NUL = 'bad\u0000text';
const BAD_UUIDS = ['not-a-uuid', '-1', '1.5', '99999999999999999999', "1'%20OR%20'1'%3D'1", 'x'.repeat(300), '00000000-0000-0000-0000-000000000000', 'a%00b', '%F0%9F%92%A9', 'ZZZZZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZZZZZZZZZ'];
const BAD_REPLY_IDS = ['0', '-1', '1.5', '1e3', '99999999999999999999', '9223372036854775808', 'abc', '00000000-0000-0000-0000-000000000000', '1%20OR%201%3D1', 'a%00b'];
const BAD_LIMITS = ['-1', '0', '51', '1e10', 'abc', '1.5', '99999999999999999999', 'NaN', 'Infinity'];

describe('input abuse', () => {
  const tally = new AttackTally('input abuse');
  let t: TestApp;
  let alice: Member;
  let bob: Member;
  let admin: Member;
  let story: { id: string };
  let reply: { id: string };
  const scope: string[] = [];
  const prefix = `atk${randomBytes(3).toString('hex')}`;

  beforeAll(async () => {
    t = await startApp(SECURITY_ENV);
    [alice, bob, admin] = [await registerMember(t), await registerMember(t), await registerMember(t)];
    await setRole(t, admin.id, 'admin');
    scope.push(alice.id, bob.id, admin.id);
    story = await createStory(t, alice);
    reply = await createReply(t, alice, story.id);
    await createReply(t, bob, story.id); // a notification for alice
    await send(t, 'put', '/api/drafts/d1', alice.cookie, { data: { title: 'kept' } });
    await send(t, 'post', '/api/reports', bob.cookie, { targetType: 'thread', targetId: story.id, reason: 'spam' });
  });

  afterAll(async () => {
    tally.print();
    await t?.close();
  });

  /** A new target the attack must not touch, watched by the snapshot. */
  async function victim(): Promise<string> {
    const v = await insertUser(t, 'victim');
    scope.push(v.id);
    return v.id;
  }

  async function freshStory(): Promise<string> {
    const s = await createStory(t, alice);
    return s.id;
  }

  /** Runs a batch of attacks and returns what went wrong: wrong statuses, a 5xx, changed data, a polluted prototype. */
  async function batch(group: string, cases: Case[], concurrency = 4): Promise<string[]> {
    const problems: string[] = [];
    const fires = await mapLimit(cases, 2, async (c) => (c.prepare ? await c.prepare() : c.run));
    const before = await settledSnapshot(t, scope, { usernamePrefix: prefix });
    await mapLimit(cases, concurrency, async (c, i) => {
      tally.add(group);
      let res: ResLike;
      try {
        res = (await fires[i]()) as ResLike;
      } catch (e) {
        problems.push(`${c.label}: the request failed: ${String(e)}`);
        return;
      }
      const code = (res.body as { code?: string } | undefined)?.code;
      if (res.status < 400 && c.expect?.includes(res.status)) return; // a harmless success this case allows
      const shape = errorShapeProblem(res);
      if (shape) problems.push(`${c.label}: ${shape}${code ? ` ${code}` : ''}`);
      else if (c.expect && !c.expect.includes(res.status)) problems.push(`${c.label}: ${res.status} ${code}, expected ${c.expect.join(' or ')}`);
      else if (c.code && code !== c.code) problems.push(`${c.label}: ${res.status} ${code}, expected ${c.code}`);
    });
    const after = await snapshot(t, scope, { usernamePrefix: prefix });
    if (after !== before) problems.push(`${group}: data changed (${changedParts(before, after).join(', ')})`);
    if (!prototypeIsClean()) problems.push(`${group}: Object.prototype was polluted`);
    return problems;
  }

  const get = (path: string, cookie = admin.cookie) => () => send(t, 'get', path, cookie);
  const call = (method: Method, path: string, body?: unknown, cookie: string | null = admin.cookie) => () => send(t, method, path, cookie, body);
  const raw = (method: Method, path: string, json: string, cookie: string | null = admin.cookie) => () => {
    const req = t.http()[method](path).set('Content-Type', 'application/json');
    if (cookie) req.set('Cookie', cookie);
    return req.send(json);
  };

  /** Every route that takes a JSON body, with a valid body: the attacks below bend one thing at a time. */
  function bodyRoutes(): { name: string; method: Method; path: () => Promise<string>; body: () => Promise<Record<string, unknown>>; cookie: string | null; text: string[] }[] {
    const at = (p: string) => async () => p;
    return [
      { name: 'register', method: 'post', path: at('/api/auth/register'), cookie: null, text: ['username'],
        body: async () => ({ username: `${prefix}_${randomBytes(3).toString('hex')}`, password: 'long enough', acceptGuidelines: true, confirmAge: true }) },
      { name: 'login', method: 'post', path: at('/api/auth/login'), cookie: null, text: ['username', 'password'], body: async () => ({ username: alice.username, password: alice.password }) },
      { name: 'password', method: 'post', path: at('/api/auth/password'), cookie: alice.cookie, text: ['current'], body: async () => ({ current: alice.password, next: alice.password }) },
      { name: 'recover', method: 'post', path: at('/api/auth/recover'), cookie: null, text: ['username', 'code'], body: async () => ({ username: alice.username, code: 'aaaa-bbbb-cccc', newPassword: 'long enough' }) },
      { name: 'new story', method: 'post', path: at('/api/threads'), cookie: alice.cookie, text: ['title', 'category', 'happened', 'handled', 'learned', 'contentWarning'],
        body: async () => ({ title: 'A perfectly fine title', category: 'work', happened: 'Something happened at work today.', handled: 'Somehow.', learned: 'Something.', contentWarning: 'none' }) },
      { name: 'edit story', method: 'patch', path: async () => `/api/threads/${story.id}`, cookie: alice.cookie, text: ['title', 'category', 'happened', 'handled', 'learned', 'contentWarning'],
        body: async () => ({ title: 'An edited title here', happened: 'Something else happened at work today.' }) },
      { name: 'new reply', method: 'post', path: async () => `/api/threads/${story.id}/replies`, cookie: bob.cookie, text: ['body', 'clientKey'], body: async () => ({ body: 'A kind reply.', clientKey: randomUUID() }) },
      { name: 'edit reply', method: 'patch', path: async () => `/api/replies/${reply.id}`, cookie: alice.cookie, text: ['body'], body: async () => ({ body: 'An edited reply.' }) },
      { name: 'report', method: 'post', path: at('/api/reports'), cookie: bob.cookie, text: ['targetId', 'note'],
        body: async () => ({ targetType: 'thread', targetId: await freshStory(), reason: 'spam', note: 'please look' }) },
      { name: 'mark read', method: 'post', path: at('/api/notifications/read'), cookie: alice.cookie, text: [], body: async () => ({ all: true }) },
      { name: 'draft', method: 'put', path: at('/api/drafts/d2'), cookie: alice.cookie, text: [], body: async () => ({ data: { title: 'half a story' } }) },
      { name: 'preview', method: 'post', path: at('/api/preview'), cookie: alice.cookie, text: ['markdown'], body: async () => ({ markdown: '**hi**' }) },
      { name: 'take a break', method: 'post', path: at('/api/me/break'), cookie: alice.cookie, text: [], body: async () => ({ days: 2 }) },
      { name: 'lock', method: 'post', path: async () => `/api/mod/threads/${story.id}/lock`, cookie: admin.cookie, text: ['reason'], body: async () => ({ reason: 'cooling down' }) },
      { name: 'thread settings', method: 'patch', path: async () => `/api/mod/threads/${story.id}`, cookie: admin.cookie, text: ['category', 'reason'],
        body: async () => ({ slowModeSeconds: 30, category: 'work', reason: 'cooling down' }) },
      { name: 'hide reply', method: 'post', path: async () => `/api/mod/replies/${reply.id}/hide`, cookie: admin.cookie, text: ['reason'], body: async () => ({ reason: 'unkind' }) },
      { name: 'suspend', method: 'post', path: async () => `/api/mod/users/${await victim()}/suspend`, cookie: admin.cookie, text: ['reason'], body: async () => ({ days: 3, reason: 'unkind' }) },
      { name: 'ban', method: 'post', path: async () => `/api/mod/users/${await victim()}/ban`, cookie: admin.cookie, text: ['reason'], body: async () => ({ reason: 'spam account' }) },
      { name: 'role', method: 'patch', path: async () => `/api/mod/users/${await victim()}`, cookie: admin.cookie, text: ['role'], body: async () => ({ role: 'moderator' }) },
      { name: 'reveal', method: 'post', path: at('/api/mod/reveal'), cookie: admin.cookie, text: ['targetId', 'reason'], body: async () => ({ targetType: 'thread', targetId: story.id, reason: 'a threat' }) },
      { name: 'watched word', method: 'post', path: at('/api/mod/watched-words'), cookie: admin.cookie, text: ['pattern'], body: async () => ({ pattern: `w${randomBytes(4).toString('hex')}`, action: 'flag' }) },
    ];
  }

  it('refuses deeply nested JSON with 400, without overflowing anything', async () => {
    const deepArray = (n: number) => '['.repeat(n) + ']'.repeat(n);
    const deepObject = (n: number) => '{"a":'.repeat(n) + '1' + '}'.repeat(n);
    const cases: Case[] = [];
    for (const [label, json] of [
      ['100k nested arrays', deepArray(100_000)],
      ['5000 nested objects', deepObject(5000)],
      ['40 nested objects', deepObject(40)],
    ] as const) {
      cases.push(
        { label: `${label} as a new story`, run: raw('post', '/api/threads', json, alice.cookie), expect: [400, 413] },
        { label: `${label} as a sign-in`, run: raw('post', '/api/auth/login', json, null), expect: [400, 413] },
        { label: `${label} in a story field`, run: raw('post', '/api/threads', `{"title":${json},"category":"work","happened":"x"}`, alice.cookie), expect: [400, 413] },
        { label: `${label} in draft data`, run: raw('put', '/api/drafts/deep', `{"data":{"x":${json}}}`, alice.cookie), expect: [400, 413] },
        { label: `${label} in notification ids`, run: raw('post', '/api/notifications/read', `{"ids":${json}}`, alice.cookie), expect: [400, 413] },
        { label: `${label} as a report`, run: raw('post', '/api/reports', `{"targetType":"thread","targetId":${json}}`, bob.cookie), expect: [400, 413] },
      );
    }
    cases.push({ label: 'nesting in the query string', run: get(`/api/threads?q${'[a]'.repeat(50)}=1`, alice.cookie), expect: [400] });
    const problems = await batch('deep nesting', cases, 2);
    // not fooled by brackets inside strings: a draft that merely talks about them is saved
    const fine = await send(t, 'put', '/api/drafts/brackets', alice.cookie, { data: { text: '[[[[{{{{'.repeat(20) } });
    expect(fine.status).toBe(200);
    await send(t, 'delete', '/api/drafts/brackets', alice.cookie);
    expect(problems).toEqual([]);
    expect((await t.http().get('/api/health')).status).toBe(200);
  });

  it('refuses a 10 MB body with 413 (or by closing the connection), quickly', async () => {
    const outcomes: string[] = [];
    const problems: string[] = [];
    const before = await settledSnapshot(t, scope);
    for (const [label, path, chunked] of [
      ['10 MB story (Content-Length)', '/api/threads', false],
      ['10 MB story (chunked)', '/api/threads', true],
      ['10 MB sign-in', '/api/auth/login', false],
      ['10 MB reply (chunked)', `/api/threads/${story.id}/replies`, true],
      ['10 MB draft', '/api/drafts/huge', false],
    ] as const) {
      const started = Date.now();
      const out = await postBig(t.url, path, alice.cookie, 10 * 1024 * 1024, chunked);
      const ms = Date.now() - started;
      tally.add('oversized bodies');
      outcomes.push(`${label}: ${out.status ?? out.error} in ${ms} ms`);
      if (out.status !== undefined) {
        const problem = errorShapeProblem({ status: out.status, headers: out.headers ?? {}, body: out.body });
        if (out.status !== 413 || problem) problems.push(`${label}: ${out.status} ${JSON.stringify(out.body)}`);
        else if ((out.body as { code: string }).code !== 'PAYLOAD_TOO_LARGE') problems.push(`${label}: code ${(out.body as { code: string }).code}`);
      } else if (!/ECONNRESET|EPIPE|socket hang up/.test(out.error ?? '')) problems.push(`${label}: ${out.error}`);
      if (ms > 10_000) problems.push(`${label}: took ${ms} ms`);
    }
    // just above the limits: a clean 413 JSON
    const over = await batch('oversized bodies', [
      { label: '300 kB reply', run: call('post', `/api/threads/${story.id}/replies`, { body: 'x'.repeat(300_000) }, bob.cookie), expect: [413], code: 'PAYLOAD_TOO_LARGE' },
      { label: '20 kB sign-in', run: call('post', '/api/auth/login', { username: alice.username, password: 'x'.repeat(20_000) }, null), expect: [413], code: 'PAYLOAD_TOO_LARGE' },
      { label: '100 kB draft (over its 64 kB)', run: call('put', '/api/drafts/big', { data: { text: 'x'.repeat(100_000) } }, alice.cookie), expect: [413], code: 'PAYLOAD_TOO_LARGE' },
    ]);
    console.log(`[security] oversized bodies:\n  ${outcomes.join('\n  ')}`);
    expect(await snapshot(t, scope)).toBe(before);
    expect([...problems, ...over]).toEqual([]);
    expect((await t.http().get('/api/health')).status).toBe(200);
  });

  it('refuses NUL bytes in every text field', async () => {
    const cases: Case[] = [];
    for (const r of bodyRoutes()) {
      for (const field of r.text) {
        cases.push({
          label: `${r.name}.${field}`,
          run: unprepared,
          prepare: async () => {
            const [path, body] = [await r.path(), await r.body()];
            return () => send(t, r.method, path, r.cookie, { ...body, [field]: NUL });
          },
          // a NUL in a sign-in or recovery name or password is simply wrong credentials; an id field is not found
          expect: ['login', 'recover', 'password'].includes(r.name) ? [400, 401] : field === 'targetId' ? [400, 404] : [400],
        });
      }
    }
    cases.push(
      { label: 'draft data value', run: call('put', '/api/drafts/d3', { data: { a: { b: [NUL] } } }, alice.cookie), expect: [400] },
      { label: 'draft data key', run: call('put', '/api/drafts/d3', { data: { [NUL]: 1 } }, alice.cookie), expect: [400] },
      { label: 'draft key in the path', run: call('put', '/api/drafts/a%00b', { data: {} }, alice.cookie), expect: [400] },
      { label: 'notification ids', run: call('post', '/api/notifications/read', { ids: [NUL] }, alice.cookie), expect: [400] },
      { label: 'account deletion password', run: call('delete', '/api/me', { password: NUL, mode: 'anonymize' }, alice.cookie), expect: [401] },
      { label: 'account deletion mode', run: call('delete', '/api/me', { password: alice.password, mode: NUL }, alice.cookie), expect: [400] },
      { label: 'reject reason', run: call('post', `/api/mod/queue/${reply.id}/reject`, { reason: NUL }), expect: [400] },
      { label: 'approve reason', run: call('post', `/api/mod/queue/${reply.id}/approve`, { reason: NUL }), expect: [400] },
      { label: 'resolve note', run: call('post', `/api/mod/reports/${randomUUID()}/resolve`, { action: 'dismiss', note: NUL }), expect: [400] },
      { label: 'unban reason', run: unprepared, prepare: async () => call('post', `/api/mod/users/${await victim()}/unban`, { reason: NUL }), expect: [400] },
      { label: 'search q', run: get(`/api/threads?q=${encodeURIComponent(NUL)}`, alice.cookie), expect: [400] },
      { label: 'list category', run: get(`/api/threads?category=${encodeURIComponent(NUL)}`, alice.cookie), expect: [400] },
      { label: 'list cursor', run: get(`/api/threads?cursor=${encodeURIComponent(NUL)}`, alice.cookie), expect: [400] },
      { label: 'replies after', run: get(`/api/threads/${story.id}/replies?after=${encodeURIComponent(NUL)}`, alice.cookie), expect: [400] },
      { label: 'mod log target', run: get(`/api/mod/log?target=${encodeURIComponent(NUL)}`), expect: [400] },
      { label: 'mod log actor', run: get(`/api/mod/log?actor=${encodeURIComponent(NUL)}`), expect: [400] },
      { label: 'username in the path', run: get('/api/users/a%00b', alice.cookie), expect: [404] },
      { label: 'block username in the path', run: call('put', '/api/users/a%00b/block', undefined, alice.cookie), expect: [404] },
      { label: 'story id in the path', run: get('/api/threads/a%00b', alice.cookie), expect: [404] },
      { label: 'reply id in the path', run: call('patch', '/api/replies/1%00', { body: 'x' }, alice.cookie), expect: [404] },
    );
    const problems = await batch('NUL bytes', cases);
    // text that is checked and never stored may hold anything
    expect((await send(t, 'post', '/api/safety/check', alice.cookie, { text: NUL })).status).toBe(200);
    expect(problems).toEqual([]);
  });

  it('answers invalid ids in every id route with a 4xx', async () => {
    const uuidRoutes: [Method, (id: string) => string, unknown?][] = [
      ['get', (id) => `/api/threads/${id}`],
      ['patch', (id) => `/api/threads/${id}`, { title: 'A new title here' }],
      ['delete', (id) => `/api/threads/${id}`],
      ['post', (id) => `/api/threads/${id}/pause`],
      ['post', (id) => `/api/threads/${id}/resume`],
      ['put', (id) => `/api/threads/${id}/mute`],
      ['delete', (id) => `/api/threads/${id}/mute`],
      ['get', (id) => `/api/threads/${id}/replies`],
      ['post', (id) => `/api/threads/${id}/replies`, { body: 'hello' }],
      ['put', (id) => `/api/threads/${id}/reactions/relate`],
      ['delete', (id) => `/api/threads/${id}/reactions/relate`],
      ...['lock', 'unlock', 'pin', 'unpin', 'hide', 'unhide', 'restore'].map((a) => ['post', (id: string) => `/api/mod/threads/${id}/${a}`, {}] as [Method, (id: string) => string, unknown]),
      ['patch', (id) => `/api/mod/threads/${id}`, { slowModeSeconds: 5 }],
      ['get', (id) => `/api/mod/users/${id}`],
      ['patch', (id) => `/api/mod/users/${id}`, { role: 'moderator' }],
      ['post', (id) => `/api/mod/users/${id}/suspend`, { days: 1, reason: 'a reason' }],
      ['post', (id) => `/api/mod/users/${id}/ban`, { reason: 'a reason' }],
      ['post', (id) => `/api/mod/users/${id}/unban`, {}],
      ['post', (id) => `/api/mod/reports/${id}/resolve`, { action: 'dismiss' }],
      ['delete', (id) => `/api/mod/watched-words/${id}`],
      ['post', (id) => `/api/mod/queue/${id}/approve`, {}],
      ['post', (id) => `/api/mod/queue/${id}/reject`, { reason: 'not here' }],
    ];
    const replyRoutes: [Method, (id: string) => string, unknown?][] = [
      ['patch', (id) => `/api/replies/${id}`, { body: 'edited' }],
      ['delete', (id) => `/api/replies/${id}`],
      ['put', (id) => `/api/replies/${id}/reactions/thanks`],
      ['delete', (id) => `/api/replies/${id}/reactions/thanks`],
      ...['hide', 'unhide', 'restore'].map((a) => ['post', (id: string) => `/api/mod/replies/${id}/${a}`, {}] as [Method, (id: string) => string, unknown]),
      ['post', (id) => `/api/mod/queue/${id}/approve`, {}],
    ];
    const cases: Case[] = [];
    for (const [method, path, body] of uuidRoutes) for (const id of BAD_UUIDS) cases.push({ label: `${method} ${path(id).slice(0, 80)}`, run: call(method, path(id), body), expect: [400, 404] });
    for (const [method, path, body] of replyRoutes) for (const id of BAD_REPLY_IDS) cases.push({ label: `${method} ${path(id)}`, run: call(method, path(id), body), expect: [400, 404] });
    for (const name of ['a', 'x'.repeat(300), 'a%00b', '..%2F..', 'a b', '%F0%9F%92%A9', "o'neil"]) {
      cases.push(
        { label: `get /api/users/${name.slice(0, 20)}`, run: get(`/api/users/${name}`, alice.cookie), expect: [404] },
        { label: `put /api/users/${name.slice(0, 20)}/block`, run: call('put', `/api/users/${name}/block`, undefined, alice.cookie), expect: [404] },
        { label: `delete /api/users/${name.slice(0, 20)}/block`, run: call('delete', `/api/users/${name}/block`, undefined, alice.cookie), expect: [404] },
      );
    }
    for (const key of ['k'.repeat(65), 'a.b', 'a%20b', '..%2F..', 'a%00b', '%C3%A9']) {
      cases.push(
        { label: `put /api/drafts/${key.slice(0, 20)}`, run: call('put', `/api/drafts/${key}`, { data: {} }, alice.cookie), expect: [400] },
        { label: `delete /api/drafts/${key.slice(0, 20)}`, run: call('delete', `/api/drafts/${key}`, undefined, alice.cookie), expect: [400] },
      );
    }
    cases.push({ label: 'delete an absent draft', run: call('delete', '/api/drafts/never-saved', undefined, alice.cookie), expect: [404] });
    // ids in bodies
    for (const id of [...BAD_UUIDS, ...BAD_REPLY_IDS]) {
      for (const targetType of ['thread', 'reply', 'user']) {
        cases.push({ label: `report ${targetType} ${id.slice(0, 20)}`, run: call('post', '/api/reports', { targetType, targetId: decodeURIComponent(id), reason: 'spam' }, bob.cookie), expect: [400, 404] });
      }
      cases.push({ label: `reveal ${id.slice(0, 20)}`, run: call('post', '/api/mod/reveal', { targetType: 'reply', targetId: decodeURIComponent(id), reason: 'checking' }), expect: [400, 404] });
      // a well-formed id that is not the caller's is ignored (200); anything else is refused
      cases.push({ label: `mark read ${id.slice(0, 20)}`, run: call('post', '/api/notifications/read', { ids: [decodeURIComponent(id)] }, alice.cookie), expect: id.startsWith('00000000-') ? [200] : [400] });
    }
    for (const kind of ['downvote', 'RELATE', '__proto__', 'constructor', 'a%00', '']) {
      cases.push({ label: `reaction kind ${kind}`, run: call('put', `/api/threads/${story.id}/reactions/${kind}`, undefined, bob.cookie), expect: [400, 404] });
    }
    expect(await batch('invalid ids', cases)).toEqual([]);
  });

  const LISTS: [string, () => string][] = [
    ['stories', () => '/api/threads'],
    ['search', () => '/api/threads?q=work'],
    ['replies', () => `/api/threads/${story.id}/replies`],
    ['notifications', () => '/api/notifications'],
    ['profile', () => `/api/users/${alice.username}`],
    ['reports', () => '/api/mod/reports'],
    ['moderation log', () => '/api/mod/log'],
    ['review queue', () => '/api/mod/queue'],
    ['lessons', () => '/api/lessons'],
    ['waiting for a first reply', () => '/api/threads?filter=unanswered'],
  ];
  const withQuery = (path: string, q: string) => `${path}${path.includes('?') ? '&' : '?'}${q}`;

  it('refuses negative, zero, huge and non-numeric limits on every list', async () => {
    const cases: Case[] = [];
    for (const [name, path] of LISTS) {
      for (const limit of BAD_LIMITS) cases.push({ label: `${name} limit=${limit}`, run: () => send(t, 'get', withQuery(path(), `limit=${encodeURIComponent(limit)}`), admin.cookie), expect: [400], code: 'VALIDATION_FAILED' });
      cases.push({ label: `${name} limit twice`, run: () => send(t, 'get', withQuery(path(), 'limit=1&limit=2'), admin.cookie), expect: [400] });
      cases.push({ label: `${name} limit[]`, run: () => send(t, 'get', withQuery(path(), 'limit[a]=1'), admin.cookie), expect: [400] });
    }
    expect(await batch('limits', cases)).toEqual([]);
  });

  it('refuses garbage cursors on every list', async () => {
    // a real cursor, for tampering with: notifications of a member with two of them (replies to a story are one
    // group, a reaction another), one per page
    const own = await registerMember(t);
    scope.push(own.id);
    const s = await createStory(t, own);
    await createReply(t, alice, s.id);
    expect((await send(t, 'put', `/api/threads/${s.id}/reactions/relate`, bob.cookie)).status).toBe(200);
    let real = '';
    for (let i = 0; i < 30 && !real; i++) {
      real = (await send(t, 'get', '/api/notifications?limit=1', own.cookie)).body.nextCursor ?? '';
      if (!real) await new Promise((r) => setTimeout(r, 100));
    }
    expect(real).not.toBe('');
    const [payload, sig] = real.split('.');
    const forged = Buffer.from(JSON.stringify({ p: true, t: '2020-01-01T00:00:00Z', id: randomUUID(), c: true, r: 1 })).toString('base64url');
    const garbage = ['garbage', 'a.b', '.', '..', 'x'.repeat(600), `${forged}.${sig}`, `${payload}.${'A'.repeat(sig.length)}`, `${payload}x.${sig}`, `${payload}.${sig}.extra`, '%00', '%7B%22id%22%3A1%7D', real];
    const cases: Case[] = [];
    for (const [name, path] of LISTS) {
      const param = name === 'replies' ? 'after' : 'cursor';
      for (const g of garbage) {
        if (name === 'replies' && g === real) continue;
        // a genuine notifications cursor is garbage anywhere else, except on a profile (same shape: it only picks where the page starts)
        if (g === real && (name === 'notifications' || name === 'profile')) continue;
        cases.push({ label: `${name} ${param}=${g.slice(0, 24)}`, run: () => send(t, 'get', withQuery(path(), `${param}=${encodeURIComponent(g).replace(/%25/g, '%')}`), admin.cookie), expect: [400] });
      }
      cases.push({ label: `${name} two cursors`, run: () => send(t, 'get', withQuery(path(), `${param}=a&${param}=b`), admin.cookie), expect: [400] });
    }
    for (const after of ['-1', '1.5', '99999999999999999999', 'abc', randomUUID(), '1e3', ' 1']) {
      cases.push({ label: `replies after=${after}`, run: () => send(t, 'get', `/api/threads/${story.id}/replies?after=${encodeURIComponent(after)}`, alice.cookie), expect: [400] });
    }
    expect(await batch('garbage cursors', cases)).toEqual([]);
  });

  it('refuses unknown query parameters on every list, and ignores them where a route takes none', async () => {
    const cases: Case[] = [];
    for (const [name, path] of LISTS) {
      for (const q of ['zzz=1', '__proto__%5Brole%5D=admin', 'constructor%5Bprototype%5D%5Brole%5D=admin', 'status%5B%5D=open', 'offset=10']) {
        cases.push({ label: `${name} ?${q}`, run: () => send(t, 'get', withQuery(path(), q), admin.cookie), expect: [400], code: 'VALIDATION_FAILED' });
      }
    }
    // a story read takes one (`include=replies`), so it refuses the others like a list
    for (const q of ['zzz=1', '__proto__%5Brole%5D=admin', 'include=everything', 'include=replies&include=replies']) {
      cases.push({ label: `story ?${q}`, run: () => send(t, 'get', `/api/threads/${story.id}?${q}`, admin.cookie), expect: [400], code: 'VALIDATION_FAILED' });
    }
    const problems = await batch('unknown query params', cases);
    // routes without query parameters: an unknown one changes nothing about the answer
    for (const path of ['/api/auth/me', '/api/categories', '/api/drafts', '/api/mod/watched-words', '/api/me/export']) {
      const plain = await send(t, 'get', path, admin.cookie);
      const odd = await send(t, 'get', `${path}?__proto__[role]=admin&zzz=1`, admin.cookie);
      tally.add('unknown query params');
      expect([path, odd.status]).toEqual([path, plain.status]);
    }
    expect(prototypeIsClean()).toBe(true);
    expect(problems).toEqual([]);
  });

  it('refuses arrays, objects, numbers and booleans where text is expected, and text where they are', async () => {
    const cases: Case[] = [];
    for (const r of bodyRoutes()) {
      for (const field of r.text) {
        for (const [kind, value] of [['array', ['x']], ['object', { $gt: '' }], ['number', 12345], ['boolean', true]] as const) {
          cases.push({
            label: `${r.name}.${field} as ${kind}`,
            run: unprepared,
            prepare: async () => {
              const [path, body] = [await r.path(), await r.body()];
              return () => send(t, r.method, path, r.cookie, { ...body, [field]: value });
            },
            expect: field === 'targetId' ? [400, 404] : [400],
          });
        }
      }
    }
    const typed: [string, Method, () => Promise<string>, Record<string, unknown>, string | null][] = [
      ['register acceptGuidelines "true"', 'post', async () => '/api/auth/register', { username: `${prefix}_t1`, password: 'long enough', acceptGuidelines: 'true', confirmAge: true }, null],
      ['register confirmAge 1', 'post', async () => '/api/auth/register', { username: `${prefix}_t2`, password: 'long enough', acceptGuidelines: true, confirmAge: 1 }, null],
      ['new story anonymous "true"', 'post', async () => '/api/threads', { title: 'A fine title', category: 'work', happened: 'Something happened today at work.', anonymous: 'true' }, alice.cookie],
      ['new reply anonymous 1', 'post', async () => `/api/threads/${story.id}/replies`, { body: 'hi', anonymous: 1 }, bob.cookie],
      ['mark read ids as a string', 'post', async () => '/api/notifications/read', { ids: randomUUID() }, alice.cookie],
      ['mark read ids nested', 'post', async () => '/api/notifications/read', { ids: [[randomUUID()]] }, alice.cookie],
      ['mark read all "true"', 'post', async () => '/api/notifications/read', { all: 'true' }, alice.cookie],
      ['mark read ids and all', 'post', async () => '/api/notifications/read', { ids: [randomUUID()], all: true }, alice.cookie],
      ['draft data as an array', 'put', async () => '/api/drafts/d4', { data: ['x'] }, alice.cookie],
      ['draft data as text', 'put', async () => '/api/drafts/d4', { data: 'x' }, alice.cookie],
      ['draft data null', 'put', async () => '/api/drafts/d4', { data: null }, alice.cookie],
      ['suspend days "3"', 'post', async () => `/api/mod/users/${await victim()}/suspend`, { days: '3', reason: 'unkind' }, admin.cookie],
      ['suspend days true', 'post', async () => `/api/mod/users/${await victim()}/suspend`, { days: true, reason: 'unkind' }, admin.cookie],
      ['suspend days 1e9', 'post', async () => `/api/mod/users/${await victim()}/suspend`, { days: 1e9, reason: 'unkind' }, admin.cookie],
      ['slow mode true', 'patch', async () => `/api/mod/threads/${story.id}`, { slowModeSeconds: true }, admin.cookie],
      ['slow mode [30]', 'patch', async () => `/api/mod/threads/${story.id}`, { slowModeSeconds: [30] }, admin.cookie],
      ['slow mode -1', 'patch', async () => `/api/mod/threads/${story.id}`, { slowModeSeconds: -1 }, admin.cookie],
      ['resolve action array', 'post', async () => `/api/mod/reports/${randomUUID()}/resolve`, { action: ['dismiss'] }, admin.cookie],
      ['report reason array', 'post', async () => '/api/reports', { targetType: 'thread', targetId: story.id, reason: ['spam'] }, bob.cookie],
      ['report targetType array', 'post', async () => '/api/reports', { targetType: ['thread'], targetId: story.id, reason: 'spam' }, bob.cookie],
      ['break days "2"', 'post', async () => '/api/me/break', { days: '2' }, alice.cookie],
      ['a body that is an array', 'post', async () => '/api/threads', ['title'] as unknown as Record<string, unknown>, alice.cookie],
    ];
    for (const [label, method, path, body, cookie] of typed) {
      cases.push({ label, run: unprepared, prepare: async () => { const p = await path(); return () => send(t, method, p, cookie, body); }, expect: [400] });
    }
    for (const [label, ctype, text] of [
      ['JSON sent as text/plain', 'text/plain', '{"title":"A fine title","category":"work","happened":"Something happened at work today."}'],
      ['a form post', 'application/x-www-form-urlencoded', 'title=A+fine+title&category=work&happened=Something+happened+at+work+today.'],
      ['JSON in UTF-16', 'application/json; charset=utf-16', '{}'],
      ['not JSON at all', 'application/json', '<xml/>'],
    ] as const) {
      cases.push({ label, run: () => t.http().post('/api/threads').set('Cookie', alice.cookie).set('Content-Type', ctype).send(text), expect: [400, 415] });
    }
    expect(await batch('type confusion', cases)).toEqual([]);
  });

  it('refuses __proto__ and constructor keys in bodies, and never pollutes a prototype', async () => {
    const cases: Case[] = [];
    for (const r of bodyRoutes()) {
      for (const [label, key, value] of [
        ['__proto__', '__proto__', { role: 'admin', isAdmin: true, polluted: 1 }],
        ['constructor.prototype', 'constructor', { prototype: { role: 'admin', polluted: 1 } }],
      ] as const) {
        cases.push({
          label: `${r.name} with ${label}`,
          // written as JSON text: JSON.parse makes "__proto__" an own key, as it would arrive from a client
          run: unprepared,
          prepare: async () => {
            const path = await r.path();
            const json = JSON.stringify(await r.body()).replace(/^\{/, `{${JSON.stringify(key)}:${JSON.stringify(value)},`);
            return raw(r.method, path, json, r.cookie);
          },
          expect: [400],
        });
      }
    }
    cases.push(
      { label: 'draft data with __proto__', run: raw('put', '/api/drafts/d5', '{"data":{"__proto__":{"polluted":1},"title":"x"}}', alice.cookie), expect: [400] },
      { label: 'draft data with constructor.prototype', run: raw('put', '/api/drafts/d5', '{"data":{"constructor":{"prototype":{"polluted":1}},"title":"x"}}', alice.cookie), expect: [400] },
      { label: 'nested __proto__ in a story', run: raw('post', '/api/threads', '{"title":{"__proto__":{"polluted":1}},"category":"work","happened":"Something happened today at work."}', alice.cookie), expect: [400] },
      { label: 'query __proto__', run: get('/api/threads?__proto__[polluted]=1', alice.cookie), expect: [400] },
    );
    expect(await batch('prototype pollution', cases)).toEqual([]);
  });

  it('answers hostile cookies and headers with 4xx', async () => {
    const cases: Case[] = [
      { label: '4 kB session cookie', run: () => t.http().get('/api/auth/me').set('Cookie', `setback_session=${'x'.repeat(4000)}`), expect: [401] },
      { label: 'random session cookie', run: () => t.http().get('/api/auth/me').set('Cookie', `setback_session=${randomBytes(32).toString('base64url')}`), expect: [401] },
      { label: 'malformed cookie header', run: () => t.http().get('/api/auth/me').set('Cookie', 'setback_session="unterminated; ;;=;'), expect: [401] },
      { label: 'session cookie with NUL', run: () => t.http().get('/api/auth/me').set('Cookie', 'setback_session=a%00b'), expect: [401] },
      { label: 'two session cookies, one bad', run: () => t.http().get('/api/auth/me').set('Cookie', `setback_session=bad; ${alice.cookie}`), expect: [200, 401] },
      { label: 'cross-site write', run: () => t.http().post('/api/threads').set('Cookie', alice.cookie).set('Origin', 'https://evil.example').send({}), expect: [403], code: 'CROSS_SITE' },
      { label: 'cross-site fetch metadata', run: () => t.http().post('/api/threads').set('Cookie', alice.cookie).set('Sec-Fetch-Site', 'cross-site').send({}), expect: [403], code: 'CROSS_SITE' },
      { label: 'Origin null', run: () => t.http().delete(`/api/threads/${story.id}`).set('Cookie', alice.cookie).set('Origin', 'null'), expect: [403], code: 'CROSS_SITE' },
      { label: 'unknown method', run: () => t.http().options('/api/threads').set('Cookie', alice.cookie), expect: [200, 204, 404, 405] },
      { label: 'bad percent-encoding', run: () => t.http().get('/api/threads/%E0%A4%A').set('Cookie', alice.cookie), expect: [400, 404] },
      { label: 'huge request id header', run: () => t.http().get('/api/auth/me').set('X-Request-Id', 'x'.repeat(5000)), expect: [401] },
    ];
    const problems = await batch('hostile headers', cases.filter((c) => c.label !== 'two session cookies, one bad' && c.label !== 'unknown method'));
    // these may succeed; they must just never be a 5xx
    for (const c of cases.filter((x) => x.label === 'two session cookies, one bad' || x.label === 'unknown method')) {
      const res = (await c.run()) as ResLike;
      tally.add('hostile headers');
      expect(res.status).toBeLessThan(500);
    }
    expect(problems).toEqual([]);
  });

  it('socket events with hostile payloads get an error ack and leave the connection working', async () => {
    const socket: Socket = await connect(t, alice.cookie);
    const deep = JSON.parse('{"a":'.repeat(1000) + '1' + '}'.repeat(1000));
    const events: [string, string, unknown][] = [
      ['thread.join', 'no payload', undefined],
      ['thread.join', 'null', null],
      ['thread.join', 'text', 'hello'],
      ['thread.join', 'a number', 42],
      ['thread.join', 'an array', [story.id]],
      ['thread.join', 'a bad id', { threadId: 'not-a-uuid' }],
      ['thread.join', 'an absent story', { threadId: randomUUID() }],
      ['thread.join', 'an id with SQL', { threadId: "' OR 1=1 --" }],
      ['thread.join', 'an object id', { threadId: { $ne: null } }],
      ['thread.join', 'after -1', { threadId: story.id, after: -1 }],
      ['thread.join', 'after 1.5', { threadId: story.id, after: 1.5 }],
      ['thread.join', 'after huge', { threadId: story.id, after: '99999999999999999999' }],
      ['thread.join', 'after as an object', { threadId: story.id, after: {} }],
      ['thread.join', 'since garbage', { threadId: story.id, after: 0, since: 'yesterday-ish' }],
      ['thread.join', 'since as an object', { threadId: story.id, after: 0, since: {} }],
      ['thread.join', 'since far in the past', { threadId: story.id, after: 0, since: -8.64e15 }],
      ['thread.join', 'since far in the future', { threadId: story.id, after: 0, since: '+275760-09-13T00:00:00.000Z' }],
      ['thread.join', 'since beyond dates', { threadId: story.id, after: 0, since: 1e20 }],
      ['thread.join', '1000 nested objects', deep],
      ['thread.join', '__proto__', JSON.parse(`{"__proto__":{"polluted":1},"threadId":"${story.id.slice(0, 8)}"}`)],
      ['thread.join', 'a 60 KB id (just under the 64 KB packet limit; above it the socket is closed)', { threadId: 'x'.repeat(60_000) }],
      ['thread.leave', 'garbage', { threadId: [] }],
      ['typing', 'garbage', { threadId: 12 }],
      ['typing', 'a story not joined', { threadId: randomUUID() }],
      ['admin.ban', 'an unknown event', { userId: bob.id }],
      ['__proto__', 'a prototype event name', {}],
    ];
    const problems: string[] = [];
    const before = await settledSnapshot(t, scope);
    for (const [event, label, payload] of events) {
      tally.add('socket payloads');
      const ack = await emitAck(socket, event, payload, 10_000).catch((e: unknown) => ({ ok: false, error: { code: `NO ACK: ${String(e)}`, message: '' } }));
      if (ack.ok !== false || !ack.error?.code || /INTERNAL|NO ACK/.test(ack.error.code)) problems.push(`${event} ${label}: ${JSON.stringify(ack).slice(0, 200)}`);
    }
    expect(await snapshot(t, scope)).toBe(before);
    expect(prototypeIsClean()).toBe(true);
    expect(socket.connected).toBe(true);
    // and the connection still works for a proper join
    expect(await emitAck(socket, 'thread.join', { threadId: story.id })).toMatchObject({ ok: true });
    socket.close();
    expect(problems).toEqual([]);
  });
});

const unprepared = (): never => {
  throw new Error('this case is sent by what prepare() returns');
};

/** The top-level parts of two snapshots that differ. */
function changedParts(before: string, after: string): string[] {
  const a = JSON.parse(before) as Record<string, unknown>;
  const b = JSON.parse(after) as Record<string, unknown>;
  return Object.keys(b).filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]));
}

interface BigOutcome {
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
  error?: string;
}

/** Streams a JSON body of about `size` bytes (with Content-Length, or chunked) and reports how the server answered. */
function postBig(base: string, path: string, cookie: string, size: number, chunked: boolean): Promise<BigOutcome> {
  return new Promise((resolve) => {
    const head = Buffer.from('{"title":"');
    const tail = Buffer.from('","category":"work","happened":"x"}');
    const filler = Buffer.alloc(64 * 1024, 'a');
    const total = head.length + tail.length + Math.ceil(size / filler.length) * filler.length;
    const u = new URL(path, base);
    const headers: Record<string, string | number> = { 'Content-Type': 'application/json', Cookie: cookie };
    if (chunked) headers['Transfer-Encoding'] = 'chunked';
    else headers['Content-Length'] = total;
    let settled = false;
    const done = (o: BigOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      resolve(o);
    };
    const timer = setTimeout(() => done({ error: 'no answer within 20 s' }), 20_000);
    const req = httpRequest({ hostname: u.hostname, port: u.port, path: u.pathname + u.search, method: path.startsWith('/api/drafts') ? 'PUT' : 'POST', headers });
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => {
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          /* keep the text */
        }
        done({ status: res.statusCode, headers: res.headers as Record<string, string>, body });
      });
      res.on('error', (e) => done({ error: e.message }));
    });
    req.on('error', (e: NodeJS.ErrnoException) => setTimeout(() => done({ error: e.code ?? e.message }), 200)); // a response may still be on its way
    let written = head.length;
    req.write(head);
    const pump = () => {
      while (!settled && written < total - tail.length) {
        written += filler.length;
        if (!req.write(filler)) return void req.once('drain', pump);
      }
      if (!settled) req.end(tail);
    };
    pump();
  });
}
