import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Member, registerMember, startApp, TestApp } from './support/app.js';
import { createReply, createStory } from './support/factories.js';

/**
 * "Hide this pseudonym in this story": what a member can do about anonymous posts, since a block never touches them.
 * It is keyed to the pseudonym the member sees, so it can only name pseudonyms shown to them in that story and says
 * nothing about any account.
 */
describe('hiding a pseudonym in a story', () => {
  let t: TestApp;
  let alice: Member;
  let bob: Member;
  let carol: Member;

  beforeAll(async () => {
    t = await startApp();
    [alice, bob, carol] = [await registerMember(t), await registerMember(t), await registerMember(t)];
  });
  afterAll(async () => {
    await t?.close();
  });

  const path = (threadId: string, name?: string) => `/api/threads/${threadId}/hidden-pseudonyms${name === undefined ? '' : `/${encodeURIComponent(name)}`}`;

  it('hides and shows again a pseudonym carol can see, idempotently, and keeps it with her export', async () => {
    const story = await createStory(t, bob, { title: 'A story with anonymous answers' });
    const anon = await createReply(t, alice, story.id, { anonymous: true, body: 'Answered anonymously.' });
    const name = (anon.author as { pseudonym: string }).pseudonym;

    expect((await t.http().get(path(story.id)).set('Cookie', carol.cookie)).body).toEqual({ pseudonyms: [] });
    for (let i = 0; i < 2; i++) {
      const hide = await t.http().put(path(story.id, name)).set('Cookie', carol.cookie);
      expect(hide.status).toBe(200);
      expect(hide.body).toEqual({ pseudonyms: [name] });
    }
    // only carol's own list changes
    expect((await t.http().get(path(story.id)).set('Cookie', bob.cookie)).body).toEqual({ pseudonyms: [] });
    const exported = await t.http().get('/api/me/export').set('Cookie', carol.cookie);
    expect(exported.body.hiddenPseudonyms).toEqual([{ threadId: story.id, pseudonym: name }]);

    for (let i = 0; i < 2; i++) expect((await t.http().delete(path(story.id, name)).set('Cookie', carol.cookie)).body).toEqual({ pseudonyms: [] });
  });

  it('hides the anonymous author of the story itself', async () => {
    const story = await createStory(t, alice, { anonymous: true, title: 'Told anonymously' });
    const name = (story.author as { pseudonym: string }).pseudonym;
    expect((await t.http().put(path(story.id, name)).set('Cookie', carol.cookie)).body).toEqual({ pseudonyms: [name] });
  });

  it('refuses what carol cannot see there: a username, a pseudonym from another story, a made-up one, a story she may not read', async () => {
    const story = await createStory(t, bob, { title: 'Named answers only' });
    await createReply(t, alice, story.id, { body: 'A named answer.' });
    const elsewhere = await createStory(t, bob, { title: 'Another story' });
    const other = await createReply(t, alice, elsewhere.id, { anonymous: true });
    const cases = [alice.username, bob.username, (other.author as { pseudonym: string }).pseudonym, 'Quiet Otter', 'x'.repeat(200), ''];
    for (const name of cases) {
      const res = await t.http().put(path(story.id, name)).set('Cookie', carol.cookie);
      expect([name, res.status]).toEqual([name, 404]);
    }
    expect((await t.http().get(path(story.id)).set('Cookie', carol.cookie)).body).toEqual({ pseudonyms: [] });
    // a story carol may not read is not found, whatever the pseudonym
    await t.db.dataSource.query(`UPDATE threads SET hidden = true WHERE id = $1`, [elsewhere.id]);
    expect((await t.http().put(path(elsewhere.id, (other.author as { pseudonym: string }).pseudonym)).set('Cookie', carol.cookie)).status).toBe(404);
    expect((await t.http().get(path(elsewhere.id)).set('Cookie', carol.cookie)).status).toBe(404);
  });

  it('goes when the member leaves', async () => {
    const dave = await registerMember(t);
    const story = await createStory(t, bob);
    const anon = await createReply(t, alice, story.id, { anonymous: true });
    await t.http().put(path(story.id, (anon.author as { pseudonym: string }).pseudonym)).set('Cookie', dave.cookie);
    expect((await t.http().delete('/api/me').set('Cookie', dave.cookie).send({ password: dave.password, mode: 'anonymize' })).status).toBe(204);
    const rows = await t.db.dataSource.query('SELECT count(*)::int AS n FROM pseudonym_hides WHERE user_id = $1', [dave.id]);
    expect(rows[0].n).toBe(0);
  });
});
