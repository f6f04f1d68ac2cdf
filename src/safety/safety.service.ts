import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { published as isPublished } from '../access/read-rule.js';
import type { Viewer } from '../access/viewer.js';
import { isStaff } from '../access/viewer.js';
import { APP_CONFIG } from '../config/config.js';
import type { AppConfig, CrisisResource } from '../config/config.js';
import { DomainError } from '../common/errors.js';
import { Screening, screenWith, WatchedWordsService } from './watched-words.service.js';

export interface SafetyNote {
  crisis: true;
  resources: CrisisResource[];
}

/** What a post's words mean for publishing it: refused, held for review, flagged, or published with support. */
export interface Verdict {
  status: 'published' | 'pending';
  flag: boolean;
  crisis: boolean;
  safety?: SafetyNote;
}

@Injectable()
export class SafetyService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly words: WatchedWordsService,
    private readonly dataSource: DataSource,
  ) {}

  /** REVIEW_FIRST_POSTS: a new member's first N posts wait for a moderator. */
  async needsReview(viewer: Viewer): Promise<boolean> {
    const n = this.config.reviewFirstPosts;
    if (n <= 0 || isStaff(viewer)) return false;
    const [{ published }]: { published: number }[] = await this.dataSource.query(
      `SELECT (SELECT count(*) FROM threads t WHERE t.author_id = $1 AND ${isPublished('t')})
            + (SELECT count(*) FROM replies r WHERE r.author_id = $1 AND ${isPublished('r')}) AS published`,
      [viewer.id],
    );
    return Number(published) < n;
  }

  get resources(): CrisisResource[] {
    return this.config.crisisResources;
  }

  async check(text: string): Promise<{ crisis: boolean; resources: CrisisResource[] }> {
    const s = await this.words.screen(text);
    return { crisis: s.crisis, resources: s.crisis ? this.resources : [] };
  }

  /** Screens a new or edited post; `needsReview` is the review-first-posts rule decided by the caller. */
  async verdict(texts: (string | null | undefined)[], needsReview: boolean): Promise<Verdict> {
    return (await this.judge())(texts, needsReview);
  }

  /** Fetches the word list now and returns a synchronous judge, for use inside a transaction. */
  async judge(): Promise<(texts: (string | null | undefined)[], needsReview: boolean) => Verdict> {
    const words = await this.words.list();
    return (texts, needsReview) => this.decide(screenWith(words, texts), needsReview);
  }

  private decide(s: Screening, needsReview: boolean): Verdict {
    if (s.block) {
      // kind, and naming no word, so the list cannot be probed
      throw new DomainError('VALIDATION_FAILED', 'Some of the wording in your post is not allowed here. Please rephrase it and try again — your text has been kept.');
    }
    return {
      status: s.hold || needsReview ? 'pending' : 'published',
      flag: s.flag,
      crisis: s.crisis,
      ...(s.crisis ? { safety: { crisis: true as const, resources: this.resources } } : {}),
    };
  }
}
