// The calm banner shown on every page while safety mode is on (no moderator on duty): what that changes, and
// where help is right now. It follows the safety store, so it appears and goes away live.
import { h, replaceChildren } from '../dom.js';
import { safety } from '../stores/safety.js';
import { resourceList } from './crisis.js';

export function mountSafetyBanner(before: HTMLElement): void {
  const banner = h('aside', { class: 'safety-banner', 'aria-label': 'No moderator on duty', hidden: true });
  before.before(banner);
  const render = () => {
    const s = safety.status;
    if (!s?.safetyMode) {
      banner.hidden = true;
      banner.replaceChildren();
      return;
    }
    replaceChildren(
      banner,
      h(
        'p',
        null,
        'No moderator is on duty right now. Posts that mention crisis wait for a moderator. If you need help now: ',
        h('a', { href: '/help' }, 'get help now'),
        '.',
      ),
      s.resources.length ? h('details', null, h('summary', null, 'Crisis lines you can reach at any time'), resourceList(s.resources)) : null,
    );
    banner.hidden = false;
  };
  safety.addEventListener('change', render);
  render();
  void safety.load();
}
