/**
 * Rows that domain events carry (src/common/events.ts), kept here so that the event map, a lower floor, imports
 * nothing from the modules that emit or read them. A reply's row is read by the replies module (REPLY_COLUMNS in
 * src/replies/reply.views.ts) and turned into views there.
 */

/** A quote's raw columns (quoteOf). */
export interface QuoteRow {
  authorId: string;
  username: string;
  authorGone: boolean;
  anonymous: boolean;
  body: string;
  public: boolean;
  named: boolean;
}

/** A reply as REPLY_COLUMNS reads it, with the read rule's verdicts. */
export interface ReplyRow {
  id: string;
  thread_id: string;
  author_id: string;
  author_username: string;
  author_gone?: boolean;
  anonymous: boolean;
  /** the markdown source: read for the viewer's own reply only (null otherwise) */
  body_md: string | null;
  body_html: string;
  status: 'published' | 'pending' | 'rejected';
  hidden: boolean;
  /** matched a crisis phrase: shown to its author and staff only */
  crisis?: boolean;
  created_at: Date;
  edited_at: Date | null;
  updated_at: Date;
  deleted_at: Date | null;
  thread_author_id: string;
  thread_anonymous: boolean;
  reactions: Record<string, number> | null;
  my_reactions?: string[] | null;
  /** the read rule's verdicts (src/access/read-rule.ts): every member sees it in full / hidden or deleted /
   * waiting for review or rejected (its author and staff only) / shown under a name, not a pseudonym */
  public: boolean;
  gone: boolean;
  held: boolean;
  named: boolean;
  /** for the viewer the row was read for: it has a place in their list / it is a named reply by someone they blocked */
  listed?: boolean;
  blocked?: boolean;
  /** the reply it answers, and that reply's quote (quoteOf); `quote_blocked`: by someone this viewer blocked */
  reply_to: string | null;
  quote: QuoteRow | null;
  quote_blocked?: boolean | null;
}
