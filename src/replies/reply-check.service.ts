import { Injectable } from '@nestjs/common';
import type { Viewer } from '../access/viewer.js';
import { notFound } from '../common/errors.js';
import type { ReplyCheckView } from '../contract/views.js';
import { SafetyService } from '../safety/safety.service.js';
import { StoriesService } from '../stories/stories.service.js';
import { listeningNudges } from './reply-nudges.js';

/**
 * What the reply box may tell a reader about their draft as they pause typing: crisis signposting (the watched-word
 * matcher every post goes through) and, in a story whose author would like people to just listen, a kind nudge
 * when the draft reads as advice. Nothing is stored and nothing here stops the reply being sent.
 */
@Injectable()
export class ReplyCheckService {
  constructor(
    private readonly stories: StoriesService,
    private readonly safety: SafetyService,
  ) {}

  async check(viewer: Viewer, threadId: string, body: string): Promise<ReplyCheckView> {
    // the read check of replying: a story the reader may not open, or one that is gone, is not there to answer
    const story = await this.stories.loadReadable(viewer, threadId);
    if (story.gone) throw notFound('That story');
    const safety = await this.safety.check(body);
    // the author answering in their own story is not giving advice to someone who asked to be listened to
    const nudges = story.reply_mode === 'listening' && story.author_id !== viewer.id ? listeningNudges(body) : [];
    return { crisis: safety.crisis, ...(safety.crisis ? { resources: safety.resources } : {}), nudges };
  }
}
