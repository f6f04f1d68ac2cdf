// The question asked before leaving a page whose words Setback does not hold yet (in-app navigation; the browser asks
// its own on closing the tab). An in-page dialog, so it can say why and be answered from the keyboard.
import { h, uid } from '../dom.js';

export function askToLeave(message: string): Promise<boolean> {
  return new Promise((resolve) => {
    const titleId = uid('leave-title');
    const stay = h('button', { type: 'button', class: 'button button-primary' }, 'Stay on this page');
    const leave = h('button', { type: 'button', class: 'button' }, 'Leave anyway');
    const dialog = h(
      'dialog',
      { class: 'panel leave-dialog', 'aria-labelledby': titleId },
      h('h2', { id: titleId }, 'Leave this page?'),
      h('p', null, message),
      h('div', { class: 'actions' }, stay, leave),
    );
    let settled = false;
    const finish = (answer: boolean) => {
      if (settled) return;
      settled = true;
      if (dialog.open) dialog.close();
      dialog.remove();
      resolve(answer);
    };
    stay.addEventListener('click', () => finish(false));
    leave.addEventListener('click', () => finish(true));
    dialog.addEventListener('cancel', (e) => {
      e.preventDefault();
      finish(false);
    });
    dialog.addEventListener('close', () => finish(false));
    document.body.append(dialog);
    dialog.showModal();
    stay.focus();
  });
}
