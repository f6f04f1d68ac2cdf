// A public page of plain text from the server ({title, text}, paragraphs separated by blank lines, rendered as
// text): /privacy (GET /api/privacy) and /guidelines (GET /api/guidelines). Loaded on demand (its own chunk).
import { api } from '../api.js';
import { errorState, loadingState } from '../components/states.js';
import { h, isAbort, textParagraphs, type Child } from '../dom.js';
import type { Mount } from '../router.js';

interface TextPage {
  title: string;
  text: string;
}

/** A screen for one text page; `after` comes below the text (links onward). */
export function textPageScreen(path: string, heading: string, className: string, after: () => Child = () => null): Mount {
  return ({ outlet, signal, setTitle }) => {
    const title = h('h1', null, heading);
    const body = h('div', { class: `${className}-body` });
    outlet.append(h('section', { class: `screen narrow ${className}` }, title, body, after()));
    const load = async () => {
      body.setAttribute('aria-busy', 'true');
      body.replaceChildren(loadingState('Loading…'));
      try {
        const page = await api.get<TextPage>(path, { signal });
        if (page?.title) {
          title.textContent = page.title;
          setTitle(page.title);
        }
        body.replaceChildren(...textParagraphs(page?.text ?? '', `${className}-text`));
      } catch (error) {
        if (isAbort(error)) return;
        body.replaceChildren(errorState(error, () => void load(), "This page didn't load."));
      } finally {
        body.removeAttribute('aria-busy');
      }
    };
    void load();
  };
}
