// A content-warning gate: the warning text and a Show/Hide button in front of content that stays
// blurred and inert (unreachable by keyboard and screen readers) until the reader chooses to see it.
// The choice is remembered per reader (stores/reveal.ts).
import { h, uid } from '../dom.js';
import { reveals } from '../stores/reveal.js';

export function contentWarningGate(threadId: string, warning: string, content: HTMLElement, signal: AbortSignal): HTMLElement {
  const contentId = content.id || uid('cw-content');
  content.id = contentId;
  content.classList.add('cw-content');
  const warningId = uid('cw-text');
  const button = h('button', { type: 'button', class: 'button button-small', 'aria-controls': contentId, 'aria-describedby': warningId });
  const gate = h(
    'div',
    { class: 'cw-gate' },
    h(
      'div',
      { class: 'cw-bar' },
      h('p', { class: 'cw-text', id: warningId }, h('span', { class: 'cw-label' }, 'Content warning: '), warning),
      button,
    ),
    content,
  );
  const render = () => {
    const shown = reveals.isRevealed(threadId);
    button.textContent = shown ? 'Hide' : 'Show';
    button.setAttribute('aria-expanded', String(shown));
    gate.classList.toggle('is-veiled', !shown);
    content.inert = !shown;
    if (shown) content.removeAttribute('aria-hidden');
    else content.setAttribute('aria-hidden', 'true');
  };
  button.addEventListener('click', () => reveals.set(threadId, !reveals.isRevealed(threadId)));
  reveals.addEventListener('change', render, { signal });
  render();
  return gate;
}
