import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { OutboxService } from '../src/database/outbox.service.js';
import { registerMember, startApp, TestApp } from './support/app.js';
import { createReply, createStory } from './support/factories.js';
import { collect, connect, emitAck, waitFor } from './support/sockets.js';

/**
 * A reply's outbox row waits for its live push (src/replies/replies.service.ts holds it from commit to `deliver`).
 * A push slower than the sweep's few seconds must not be recovered, and so pushed a second time, by the same
 * instance's sweep; once released, any sweep takes it.
 */
describe('outbox rows held by their own instance', () => {
  let t: TestApp;
  let outbox: OutboxService;
  beforeAll(async () => {
    t = await startApp();
    outbox = t.app.get(OutboxService);
  }, 120_000);
  afterAll(async () => {
    await t.close();
  });

  it('skips a held row in the sweep however old it is, and handles it once released', async () => {
    const [author, writer] = [await registerMember(t), await registerMember(t)];
    const story = await createStory(t, author);
    const reply = await createReply(t, writer, story.id);
    // a row as a slow push would leave it: written a minute ago, its delivery still to come on this instance
    const [row]: { id: string }[] = await t.db.dataSource.query(
      `INSERT INTO outbox (topic, payload, created_at) VALUES ('reply.created', $1, now() - interval '1 minute') RETURNING id::text AS id`,
      [JSON.stringify({ threadId: story.id, replyId: reply.id })],
    );
    const left = async () => (await t.db.dataSource.query('SELECT 1 FROM outbox WHERE id = $1', [row.id])).length;

    outbox.hold([row.id]);
    await outbox.sweep();
    expect(await left()).toBe(1);

    outbox.release([row.id]);
    await outbox.sweep();
    expect(await left()).toBe(0);
  });

  it('pushes a recovered reply to the readers of its story again (its first push may never have gone out)', async () => {
    const [author, writer, reader] = [await registerMember(t), await registerMember(t), await registerMember(t)];
    const story = await createStory(t, author);
    const reply = await createReply(t, writer, story.id);
    const socket = await connect(t, reader.cookie);
    try {
      expect(await emitAck(socket, 'thread.join', { threadId: story.id, after: reply.id })).toMatchObject({ ok: true });
      const heard = collect<{ id: string }>(socket, 'reply.created');
      // the row a dead instance would leave: committed with the reply, never delivered
      await t.db.dataSource.query(`INSERT INTO outbox (topic, payload, created_at) VALUES ('reply.created', $1, now() - interval '1 minute')`, [
        JSON.stringify({ threadId: story.id, replyId: reply.id }),
      ]);
      await outbox.sweep();
      await waitFor(() => heard.some((r) => r.id === reply.id), 5000, 'the recovered reply pushed again');
    } finally {
      socket.close();
    }
  });
});
