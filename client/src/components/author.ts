// An author: a link to the member's page, or, for anonymous posts, the pseudonym as text.
import type { AuthorView } from '../../../src/contract/views.js';
import { h } from '../dom.js';

export function authorName(author: AuthorView | null | undefined): string {
  if (!author) return 'someone';
  return 'username' in author ? author.username : author.pseudonym;
}

/**
 * `mine`: the reader wrote this (the server says so with mine: true; a named author is also matched by id).
 * An anonymous `isAuthor` marks the story's own author replying under their pseudonym, not the reader.
 */
export function authorEl(
  author: AuthorView | null | undefined,
  currentUserId?: string | null,
  { mine = false, markStoryAuthor = false }: { mine?: boolean; markStoryAuthor?: boolean } = {},
): HTMLElement {
  if (!author) return h('span', { class: 'author author-unknown' }, 'someone');
  if ('username' in author) {
    const you = mine || (currentUserId && author.id === currentUserId);
    return h(
      'a',
      { class: 'author', href: `/u/${encodeURIComponent(author.username)}` },
      author.username,
      you ? h('span', { class: 'muted' }, ' (you)') : null,
    );
  }
  return h(
    'span',
    { class: 'author author-anon', title: 'Posted anonymously' },
    author.pseudonym,
    h('span', { class: 'sr-only' }, ' (anonymous)'),
    mine ? h('span', { class: 'muted' }, ' (you, anonymously)') : markStoryAuthor && author.isAuthor ? h('span', { class: 'muted' }, ' (story author)') : null,
  );
}
