import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Viewer } from '../access/viewer.js';
import { isStaff } from '../access/viewer.js';
import { APP_CONFIG } from '../config/config.js';
import type { AppConfig, CrisisResource } from '../config/config.js';
import { DomainError } from '../common/errors.js';
import { DutyService } from './duty.service.js';
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
  /** for a crisis post: the content warning its phrase suggests (e.g. "suicide") */
  crisisLabel?: string;
  /** why it is held: a hold word, the first-posts review, or safety mode (a crisis post, a new member's story) */
  heldFor?: 'words' | 'review' | 'crisis' | 'new_member';
  safety?: SafetyNote;
}

/** What the caller knows about the post beyond its words. */
export interface VerdictContext {
  /** REVIEW_FIRST_POSTS decided by the caller */
  needsReview: boolean;
  /** who is posting: staff posts are never held by safety mode */
  author?: Viewer;
  /** a new story (SAFETY_HOLD_NEW_DAYS applies to new stories only) */
  newStory?: boolean;
  /** screened for refused and held words, but never makes a post crisis (a content warning may name the subject) */
  warning?: string | null;
  /** the post was already crisis before this edit: editing it does not hold it again */
  wasCrisis?: boolean;
  /** safety mode, when the caller already knows it (inside a transaction); asked only when it matters otherwise */
  safetyMode?: boolean;
}

@Injectable()
export class SafetyService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly words: WatchedWordsService,
    private readonly dataSource: DataSource,
    private readonly duty: DutyService,
  ) {}

  // safety sits below stories and replies: each hands it, at start, how to count a member's published posts in its table
  private readonly publishedCounts: string[] = [];

  /** `sql`: a statement counting member $1's published posts in a table the caller's module owns (stories, replies). */
  addPublishedCount(sql: string): void {
    this.publishedCounts.push(sql);
  }

  /** SAFETY_HOLD_NEW_DAYS: in safety mode a story by an account younger than this waits for a moderator. */
  private isNewMember(viewer: Viewer): boolean {
    const days = this.config.safetyHoldNewDays;
    return days > 0 && !isStaff(viewer) && Date.now() - viewer.createdAt.getTime() < days * 86_400_000;
  }

  /** REVIEW_FIRST_POSTS: a new member's first N posts wait for a moderator. */
  async needsReview(viewer: Viewer): Promise<boolean> {
    const n = this.config.reviewFirstPosts;
    if (n <= 0 || isStaff(viewer)) return false;
    if (!this.publishedCounts.length) throw new Error('REVIEW_FIRST_POSTS asked before stories and replies gave their counts');
    const [{ published }]: { published: number }[] = await this.dataSource.query(
      `SELECT ${this.publishedCounts.map((sql) => `(${sql})`).join(' + ')} AS published`,
      [viewer.id],
    );
    return Number(published) < n;
  }

  get resources(): CrisisResource[] {
    return this.config.crisisResources;
  }

  /** `contentWarning`: for a crisis text, the warning its phrase suggests (the composer offers it pre-filled). */
  async check(text: string): Promise<{ crisis: boolean; resources: CrisisResource[]; contentWarning?: string }> {
    const s = await this.words.screen(text);
    return { crisis: s.crisis, resources: s.crisis ? this.resources : [], ...(s.crisisLabel ? { contentWarning: s.crisisLabel } : {}) };
  }

  /** Screens a new or edited post; safety mode is asked only when a crisis phrase matched or a new member posts a story. */
  async verdict(texts: (string | null | undefined)[], ctx: VerdictContext | boolean): Promise<Verdict> {
    const c: VerdictContext = typeof ctx === 'boolean' ? { needsReview: ctx } : ctx;
    const words = await this.words.list();
    const s = screenWith(words, texts);
    const mayHold = !c.author || !isStaff(c.author);
    const matters = mayHold && ((s.crisis && !c.wasCrisis) || (!!c.newStory && !!c.author && this.isNewMember(c.author)));
    const safetyMode = c.safetyMode ?? (matters ? await this.duty.safetyMode() : false);
    return this.decide(s, screenWith(words, [c.warning]), { ...c, safetyMode });
  }

  /**
   * Fetches the word list and safety mode now and returns a synchronous judge, for use inside a transaction (where
   * no other query may run on the embedded database).
   */
  async judge(): Promise<(texts: (string | null | undefined)[], ctx: VerdictContext | boolean) => Verdict> {
    const words = await this.words.list();
    const safetyMode = await this.duty.safetyMode();
    return (texts, ctx) => {
      const c: VerdictContext = typeof ctx === 'boolean' ? { needsReview: ctx } : ctx;
      return this.decide(screenWith(words, texts), screenWith(words, [c.warning]), { safetyMode, ...c });
    };
  }

  private decide(s: Screening, w: Screening, c: VerdictContext): Verdict {
    if (s.block || w.block) {
      // kind, and naming no word, so the list cannot be probed
      throw new DomainError('VALIDATION_FAILED', 'Some of the wording in your post is not allowed here. Please rephrase it and try again — your text has been kept.');
    }
    const staffAuthor = c.author ? isStaff(c.author) : false;
    const heldFor: Verdict['heldFor'] =
      s.hold || w.hold
        ? 'words'
        : c.needsReview
          ? 'review'
          : c.safetyMode && !staffAuthor && s.crisis && !c.wasCrisis
            ? 'crisis'
            : c.safetyMode && c.newStory && c.author && this.isNewMember(c.author)
              ? 'new_member'
              : undefined;
    return {
      status: heldFor ? 'pending' : 'published',
      flag: s.flag || w.flag,
      crisis: s.crisis,
      ...(heldFor ? { heldFor } : {}),
      ...(s.crisisLabel ? { crisisLabel: s.crisisLabel } : {}),
      ...(s.crisis ? { safety: { crisis: true as const, resources: this.resources } } : {}),
    };
  }
}
