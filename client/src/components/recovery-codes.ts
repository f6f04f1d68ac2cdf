// One-time recovery codes, shown once (after joining, or after making a fresh set in the account settings):
// the list, with ways to copy them or save them as a text file.
import { h } from '../dom.js';

export function recoveryCodes(codes: string[]): HTMLElement[] {
  const text = codes.join('\n');
  const status = h('span', { class: 'muted', role: 'status' });
  const copy = h('button', { type: 'button', class: 'button' }, 'Copy codes');
  copy.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(text);
      status.textContent = 'Copied.';
    } catch {
      status.textContent = 'Copying did not work here; please write them down or download them.';
    }
  });
  const download = h('button', { type: 'button', class: 'button' }, 'Download as a text file');
  download.addEventListener('click', () => saveFile(new Blob([`Setback recovery codes\n\n${text}\n`], { type: 'text/plain' }), 'setback-recovery-codes.txt'));
  return [h('ol', { class: 'codes' }, codes.map((c) => h('li', null, h('code', null, c)))), h('div', { class: 'actions' }, copy, download, status)];
}

/** Hands a file to the browser's downloads. */
export function saveFile(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = h('a', { href: url, download: name, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
