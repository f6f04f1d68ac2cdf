// What a reply's buttons do (they only dispatch a ReplyActionEvent, reply-item.ts): reply to it, edit or
// delete one's own, report, block its named author, fold away or show again a pseudonym in this story, and — for
// moderators — hide, unhide, restore or reveal, in a panel from the staff chunk.
import type { ReplyQuoteView, ReplyView } from '../../../../src/contract/views.js';
import { api, describeError, seg } from '../../api.js';
import { announce } from '../announcer.js';
import { authorName } from '../author.js';
import { editForm, loadForEditing } from '../edit-form.js';
import { ctrlEnterSubmits, textField } from '../field.js';
import { confirmPanel, IGNORED_REPLY_MODE, reportPanel } from '../panels.js';
import type { ReplyActionEvent, OwnableReply } from './reply-item.js';
import type { StoryReplies } from './replies.js';
import type { BlockMember } from './story-actions.js';
import type { StoryStaffTools } from './types.js';

export interface ReplyActionsHost {
  threadId: string;
  signal: AbortSignal;
  replies: StoryReplies;
  /** "Reply" on a reply: the reply box answers it. */
  answer(target: ReplyQuoteView): void;
  /** The reader wrote this story and asks people to just listen: they may report a reply as ignoring that. */
  ownListeningStory(): boolean;
  /** The moderators' tools (fetched on demand; only staff see the buttons that need them). */
  staffTools(): Promise<StoryStaffTools>;
  blockMember: BlockMember;
  /** The story's author marked or unmarked a reply as having helped them most: the story's new list of them. */
  highlighted(ids: string[]): void;
}

/** Answers the ReplyActionEvents of one story's replies. */
export function replyActions(host: ReplyActionsHost): (event: ReplyActionEvent) => Promise<void> {
  const { threadId, signal, replies } = host;
  const list = replies.list;

  async function editReply(reply: ReplyView, trigger: HTMLElement): Promise<void> {
    let source = (reply as OwnableReply).body;
    if (source === undefined) {
      // A reply that arrived live carries no markdown: fetch this reader's own view of it.
      const loaded = await loadForEditing(trigger, 'Your reply', async () => {
        const own = (await replies.fetchOwnView(reply.id)) as OwnableReply | undefined;
        if (!own || own.deleted) return undefined;
        replies.updateReply({ ...own, threadId }, true);
        return own.body;
      });
      if (!loaded) return;
      source = loaded.value;
    }
    if (source === undefined) {
      announce('This reply cannot be edited.');
      return;
    }
    const field = textField({
      name: 'body',
      label: 'Edit your reply',
      hint: 'Press Ctrl+Enter (⌘+Enter on a Mac) to save, Escape to cancel.',
      multiline: true,
      rows: 5,
      required: true,
      value: source,
    });
    const form = editForm({
      fields: [field],
      className: 'reply-edit',
      saveLabel: 'Save',
      small: true,
      close: () => list.closePanel(reply.id, 'edit'),
      read: () => field.control.value,
      check: (text) => ({ body: text.trim() ? null : 'A reply cannot be empty. To remove it, use Delete.' }),
      unchanged: (text) => text === source,
      save: async (text) => {
        const updated = await api.patch<ReplyView>(`/replies/${seg(reply.id)}`, { body: text }, { signal });
        list.closePanel(reply.id);
        replies.updateReply({ ...updated, threadId: updated.threadId ?? threadId }, true);
        list.elementFor(reply.id)?.querySelector<HTMLElement>('[data-action="edit"]')?.focus();
        announce('Your reply was updated.');
      },
    });
    ctrlEnterSubmits(field.control, form);
    list.openPanel(reply.id, form, true);
    field.control.focus();
    field.control.setSelectionRange(field.control.value.length, field.control.value.length);
  }

  return async (event) => {
    const { action, replyId, trigger } = event;
    const reply = list.get(replyId);
    if (!reply || reply.deleted) return;
    if (list.hasPanel(replyId)) list.closePanel(replyId);
    if (action === 'reply-to') {
      const words = (list.elementFor(replyId)?.querySelector('.reply-body')?.textContent ?? '').replace(/\s+/g, ' ').trim();
      host.answer({ id: reply.id, author: reply.author, excerpt: words.length > 100 ? `${words.slice(0, 99)}…` : words });
      return;
    }
    if (action.startsWith('mod-') || action === 'reveal') {
      let tools: StoryStaffTools;
      try {
        tools = await host.staffTools();
      } catch (error) {
        announce(`The moderator tools didn't load. ${describeError(error)}`);
        return;
      }
      const panel = tools.replyPanel(action, reply, {
        signal,
        close: () => list.closePanel(replyId, action),
        done: () => replies.refresh(replyId),
      });
      list.openPanel(replyId, panel.element);
      panel.focus();
    } else if (action === 'edit') await editReply(reply, trigger);
    else if (action === 'delete') {
      const panel = confirmPanel({
        message: 'Delete your reply?',
        detail: 'Others will see “This reply was deleted.” in its place.',
        confirmLabel: 'Delete reply',
        cancelLabel: 'Keep it',
        danger: true,
        onCancel: () => list.closePanel(replyId, 'delete'),
        onConfirm: async () => {
          await api.del(`/replies/${seg(replyId)}`, { signal });
          list.markDeleted(replyId);
          replies.refreshCount();
          announce('Your reply was deleted.');
        },
      });
      list.openPanel(replyId, panel.element);
      panel.focus();
    } else if (action === 'report') {
      const extra = host.ownListeningStory() ? [IGNORED_REPLY_MODE] : [];
      const panel = reportPanel('reply', replyId, `the reply from ${authorName(reply.author)}`, () => list.closePanel(replyId, 'report'), extra);
      list.openPanel(replyId, panel.element);
      panel.focus();
    } else if (action === 'hide-pseudonym' || action === 'show-pseudonym') {
      const author = reply.author;
      if (!author || !('pseudonym' in author)) return;
      const hide = action === 'hide-pseudonym';
      const path = `/threads/${seg(threadId)}/hidden-pseudonyms/${seg(author.pseudonym)}`;
      try {
        if (hide) await api.put(path, undefined, { signal });
        else await api.del(path, { signal });
      } catch (error) {
        announce(`That didn't work. ${describeError(error)}`);
        return;
      }
      if (hide) replies.hiddenPseudonyms.add(author.pseudonym);
      else replies.hiddenPseudonyms.delete(author.pseudonym);
      const n = list.refreshPseudonym(author.pseudonym);
      announce(hide ? `${author.pseudonym}'s ${n === 1 ? 'reply is' : 'replies are'} folded away in this story.` : `${author.pseudonym}'s replies are shown again.`);
    } else if (action === 'helped' || action === 'not-helped') {
      const on = action === 'helped';
      const path = `/threads/${seg(threadId)}/highlights/${seg(replyId)}`;
      try {
        const res = on
          ? await api.put<{ highlightedReplyIds: string[] }>(path, undefined, { signal })
          : await api.del<{ highlightedReplyIds: string[] }>(path, { signal });
        host.highlighted(res.highlightedReplyIds);
      } catch (error) {
        // at most three: the server says so kindly (TOO_MANY_HIGHLIGHTS)
        announce(`That didn't work. ${describeError(error)}`);
        return;
      }
      const name = authorName(reply.author);
      announce(on ? `You marked the reply from ${name} as one that helped you most.` : `The reply from ${name} is no longer marked.`);
      list.elementFor(replyId)?.querySelector<HTMLElement>('[data-action="helped"], [data-action="not-helped"]')?.focus();
    } else if (action === 'block') {
      const author = reply.author;
      if (!author || !('username' in author)) return;
      host.blockMember(
        author.username,
        author.id,
        () => list.closePanel(replyId, 'block'),
        (el) => list.openPanel(replyId, el),
      );
    }
  };
}
