// /privacy (public): what Setback keeps and who sees what, from GET /api/privacy {title, text}; the text is
// paragraphs separated by blank lines, rendered as text. Loaded on demand (its own chunk).
import { api } from '../api.js';
import { errorState, loadingState } from '../components/states.js';
import { h, isAbort, textParagraphs } from '../dom.js';
import type { RouteContext } from '../router.js';

interface Privacy {
  title: string;
  text: string;
}

export function privacyScreen({ outlet, signal, setTitle }: RouteContext): void {
  const heading = h('h1', null, 'Privacy');
  const body = h('div', { class: 'privacy-body' });
  outlet.append(h('section', { class: 'screen narrow privacy' }, heading, body));
  const load = async () => {
    body.setAttribute('aria-busy', 'true');
    body.replaceChildren(loadingState('Loading…'));
    try {
      const privacy = await api.get<Privacy>('/privacy', { signal });
      if (privacy?.title) {
        heading.textContent = privacy.title;
        setTitle(privacy.title);
      }
      body.replaceChildren(...textParagraphs(privacy?.text ?? '', 'privacy-text'));
    } catch (error) {
      if (isAbort(error)) return;
      body.replaceChildren(errorState(error, () => void load(), "This page didn't load."));
    } finally {
      body.removeAttribute('aria-busy');
    }
  };
  void load();
}
