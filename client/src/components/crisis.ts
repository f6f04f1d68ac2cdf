// A kind, modal panel shown before publishing when the safety check found words of crisis: the crisis lines, an
// offer to add a content warning (pre-filled), and buttons that say what they do ("Keep as draft", "Post my story").
import { api } from '../api.js';
import { h, isAbort, safeHttpUrl, uid } from '../dom.js';

export interface SafetyResource {
  name: string;
  url?: string;
  phone?: string;
  description: string;
}

/** POST /api/safety/check: whether a text mentions crisis, the crisis lines, and the content warning its words suggest. */
export interface SafetyCheck {
  crisis: boolean;
  /** for a crisis text: the content warning its words suggest (e.g. "suicide") */
  contentWarning?: string;
  resources: SafetyResource[];
}

/** Asks before posting; null when the check is unavailable (404) or fails — posting goes on. */
export async function checkForCrisis(text: string, signal: AbortSignal): Promise<SafetyCheck | null> {
  try {
    const result = await api.post<SafetyCheck>('/safety/check', { text }, { signal });
    return result && typeof result.crisis === 'boolean' ? result : null;
  } catch (error) {
    if (isAbort(error)) throw error;
    return null;
  }
}

export function resourceList(resources: SafetyResource[]): HTMLElement {
  return h(
    'ul',
    { class: 'resources' },
    resources.map((r) => {
      const url = safeHttpUrl(r.url);
      const tel = r.phone ? r.phone.replace(/[^\d+*#]/g, '') : '';
      return h(
        'li',
        null,
        h('p', { class: 'resource-name' }, url ? h('a', { href: url, rel: 'noopener noreferrer external', target: '_blank' }, r.name, h('span', { class: 'sr-only' }, ' (opens in a new tab)')) : r.name),
        r.description ? h('p', { class: 'resource-description' }, r.description) : null,
        r.phone ? h('p', { class: 'resource-phone' }, 'Phone: ', tel ? h('a', { href: `tel:${tel}` }, r.phone) : r.phone) : null,
      );
    }),
  );
}

/** What the author chose: post (with the content warning they kept, if any was offered), or keep it as a draft. */
export type CrisisAnswer = { action: 'publish'; contentWarning?: string } | { action: 'cancel' };

/**
 * The pre-publish check for words of crisis. `suggestedWarning`: when the story has no content warning yet, the one
 * the server suggests ("suicide"), offered pre-filled and ticked; the author may change it or untick it.
 */
export function confirmCrisis(resources: SafetyResource[], options: { suggestedWarning?: string | null; what?: 'story' | 'reply' } = {}): Promise<CrisisAnswer> {
  return new Promise((resolve) => {
    const titleId = uid('crisis-title');
    const what = options.what ?? 'story';
    const keep = h('button', { type: 'button', class: 'button button-primary' }, what === 'story' ? 'Keep as draft' : 'Keep writing');
    const publish = h('button', { type: 'button', class: 'button' }, what === 'story' ? 'Post my story' : 'Post my reply');
    const warningId = uid('crisis-warning');
    const offer = options.suggestedWarning !== undefined && options.suggestedWarning !== null && what === 'story';
    const addWarning = h('input', { type: 'checkbox', id: uid('crisis-add-warning'), checked: true });
    const warning = h('input', { type: 'text', id: warningId, class: 'input', maxlength: 100, value: options.suggestedWarning ?? '', 'aria-label': 'Content warning' });
    addWarning.addEventListener('change', () => {
      warning.disabled = !addWarning.checked;
    });
    const dialog = h(
      'dialog',
      { class: 'panel crisis-panel', 'aria-labelledby': titleId },
      h('h2', { id: titleId }, 'Before you post — are you okay?'),
      h(
        'p',
        null,
        'Some of what you wrote sounds really heavy. You deserve support right now, not only later. ',
        'These people are there to listen, any time:',
      ),
      resources.length ? resourceList(resources) : h('p', null, 'If you are in danger, please call your local emergency number.'),
      offer
        ? h(
            'fieldset',
            { class: 'crisis-warning' },
            h('legend', null, 'Add a content warning'),
            h('p', { class: 'muted' }, 'Readers then choose whether to open your story. You can change the words.'),
            h('label', { for: addWarning.id }, addWarning, ' Add a content warning'),
            h('label', { for: warningId, class: 'sr-only' }, 'Content warning'),
            warning,
          )
        : null,
      h(
        'p',
        { class: 'muted' },
        what === 'story'
          ? `Your words are saved as a draft. "Keep as draft" leaves them there for when you are ready; "${publish.textContent}" posts them now.`
          : `"Keep writing" leaves your reply in the box, unsent; "${publish.textContent}" sends it now.`,
      ),
      h('div', { class: 'actions' }, keep, publish),
    );
    let settled = false;
    const finish = (answer: CrisisAnswer) => {
      if (settled) return;
      settled = true;
      if (dialog.open) dialog.close();
      dialog.remove();
      resolve(answer);
    };
    keep.addEventListener('click', () => finish({ action: 'cancel' }));
    publish.addEventListener('click', () => {
      const text = warning.value.trim();
      finish(offer && addWarning.checked && text ? { action: 'publish', contentWarning: text } : { action: 'publish' });
    });
    dialog.addEventListener('cancel', (e) => {
      e.preventDefault();
      finish({ action: 'cancel' });
    });
    dialog.addEventListener('close', () => finish({ action: 'cancel' }));
    document.body.append(dialog);
    dialog.showModal();
    keep.focus();
  });
}
