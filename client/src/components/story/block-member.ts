// "Block <name>", from the story's actions (its named author) or from a reply: ask, block, then hide their
// replies on this page at once.
import { api, seg } from '../../api.js';
import { announce } from '../announcer.js';
import { confirmPanel } from '../panels.js';
import type { BlockMember } from './story-actions.js';

export interface BlockMemberHost {
  signal: AbortSignal;
  /** Hides the blocked member's replies held on the page; returns how many. */
  markBlocked(userId: string): number;
  /** Where focus goes once blocked (the story's "Block" button, or the title). */
  focusAfter(): HTMLElement;
}

export function blockMemberWith(host: BlockMemberHost): BlockMember {
  return (username, userId, close, show) => {
    const panel = confirmPanel({
      message: `Block ${username}?`,
      detail: 'Their replies will be hidden from you, here and as they arrive. You can unblock them from their page.',
      confirmLabel: `Block ${username}`,
      onCancel: close,
      onConfirm: async () => {
        await api.put(`/users/${seg(username)}/block`, undefined, { signal: host.signal });
        close();
        const n = host.markBlocked(userId);
        announce(`You blocked ${username}.${n ? ` ${n === 1 ? 'Their reply is' : 'Their replies are'} now hidden.` : ''}`);
        host.focusAfter().focus();
      },
    });
    show(panel.element);
    panel.focus();
  };
}
