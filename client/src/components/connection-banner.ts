// One line across the top of every page while Setback cannot be reached: "You are offline" when the device has
// no network, "Setback is not answering right now; your words are kept" when the network is there but the server
// is not; then "Back online." for a few seconds once it answers again. It follows stores/reachability.ts.
import { NOT_ANSWERING } from '../api.js';
import { reachability, type Reach } from '../stores/reachability.js';

const TEXT: Record<Exclude<Reach, 'ok'>, string> = {
  offline: 'You are offline. Your words are kept in this browser, and what you send goes when you are back online.',
  down: NOT_ANSWERING,
};
const BACK_SHOWN_MS = 8_000;

export function mountConnectionBanner(before: HTMLElement): void {
  // a live region that is always in the page (empty while all is well), so each change is announced
  const banner = document.createElement('div');
  banner.className = 'connection-banner';
  banner.setAttribute('role', 'status');
  before.before(banner);
  let backTimer: ReturnType<typeof setTimeout> | undefined;
  const render = () => {
    clearTimeout(backTimer);
    const state = reachability.state;
    banner.dataset.state = state;
    banner.textContent = state === 'ok' ? '' : TEXT[state];
  };
  reachability.addEventListener('change', render);
  reachability.addEventListener('back', () => {
    banner.dataset.state = 'back';
    banner.textContent = 'Back online.';
    backTimer = setTimeout(() => {
      if (reachability.ok) banner.textContent = '';
    }, BACK_SHOWN_MS);
  });
  render();
}
