import { randomUUID } from 'node:crypto';
import type { Member, TestApp } from './app.js';

export const storyBody = (overrides: Record<string, unknown> = {}) => ({
  title: 'The job I did not get',
  category: 'work',
  happened: 'I prepared for months for the interview and then froze on the first question.',
  handled: 'I took a week off and talked to a friend who had been through the same.',
  learned: 'Practising out loud with someone matters more than reading.',
  ...overrides,
});

export async function createStory(t: TestApp, m: Member, overrides: Record<string, unknown> = {}): Promise<{ id: string } & Record<string, unknown>> {
  const res = await t.http().post('/api/threads').set('Cookie', m.cookie).send(storyBody(overrides));
  if (res.status !== 201) throw new Error(`createStory failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export async function createReply(t: TestApp, m: Member, threadId: string, overrides: Record<string, unknown> = {}): Promise<{ id: string } & Record<string, unknown>> {
  const res = await t.http().post(`/api/threads/${threadId}/replies`).set('Cookie', m.cookie).send({ body: 'Thank you for sharing this.', clientKey: randomUUID(), ...overrides });
  if (res.status !== 201) throw new Error(`createReply failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}
