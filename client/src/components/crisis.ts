// A kind, modal panel shown before publishing when the safety check found words of crisis.
// Resolves 'publish' ("Publish anyway") or 'cancel' ("Not now", Escape).
import { h, safeHttpUrl, uid } from '../dom.js';

export interface SafetyResource {
  name: string;
  url?: string;
  phone?: string;
  description: string;
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

export function confirmCrisis(resources: SafetyResource[]): Promise<'publish' | 'cancel'> {
  return new Promise((resolve) => {
    const titleId = uid('crisis-title');
    const notNow = h('button', { type: 'button', class: 'button button-primary' }, 'Not now');
    const publish = h('button', { type: 'button', class: 'button' }, 'Publish anyway');
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
      h('p', { class: 'muted' }, 'Your words are still here, saved as a draft. You can publish them now or come back when you are ready.'),
      h('div', { class: 'actions' }, notNow, publish),
    );
    let settled = false;
    const finish = (answer: 'publish' | 'cancel') => {
      if (settled) return;
      settled = true;
      if (dialog.open) dialog.close();
      dialog.remove();
      resolve(answer);
    };
    notNow.addEventListener('click', () => finish('cancel'));
    publish.addEventListener('click', () => finish('publish'));
    dialog.addEventListener('cancel', (e) => {
      e.preventDefault();
      finish('cancel');
    });
    dialog.addEventListener('close', () => finish('cancel'));
    document.body.append(dialog);
    dialog.showModal();
    notNow.focus();
  });
}
