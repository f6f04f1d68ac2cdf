// /recover (public): back into an account without email. POST /api/auth/recover {username, code, newPassword}
// → {remainingCodes}; then the member signs in with the new password. Loaded on demand (its own chunk).
import { api } from '../api.js';
import { fieldForm, submitForm, textField } from '../components/field.js';
import { h } from '../dom.js';
import type { RouteContext } from '../router.js';

export function recoverScreen({ outlet, signal }: RouteContext): void {
  const username = textField({ name: 'username', label: 'Username', autocomplete: 'username', required: true, autocapitalize: 'none', spellcheck: false });
  const code = textField({
    name: 'code',
    label: 'Recovery code',
    hint: 'One of the codes you saved when you joined (or made later in your account settings). Each code works once.',
    autocomplete: 'off',
    required: true,
    autocapitalize: 'none',
    spellcheck: false,
    maxlength: 40,
  });
  const newPassword = textField({
    name: 'newPassword',
    label: 'New password',
    hint: 'At least 8 characters. A long passphrase you do not use anywhere else is best.',
    type: 'password',
    autocomplete: 'new-password',
    required: true,
  });
  const recoverForm = fieldForm({ fields: [username, code, newPassword], submit: 'Set the new password', labelledBy: 'recover-title' });
  const screen = h(
    'section',
    { class: 'screen narrow' },
    h('h1', { id: 'recover-title' }, 'Use a recovery code'),
    h('p', { class: 'lead' }, 'There is no email here, so a recovery code is the way back in. It sets a new password and signs you out everywhere else.'),
    recoverForm.form,
    h('p', null, 'Remembered it after all? ', h('a', { href: '/signin' }, 'Sign in'), '.'),
  );

  submitForm(recoverForm, {
    busyLabel: 'Checking…',
    signal,
    check: () => ({
      username: username.control.value.trim() ? null : 'Enter your username.',
      code: code.control.value.trim() ? null : 'Enter one of your recovery codes.',
      newPassword: newPassword.control.value.length >= 8 ? null : 'Choose a new password of at least 8 characters.',
    }),
    send: async () => {
      const result = await api.post<{ remainingCodes: number }>(
        '/auth/recover',
        { username: username.control.value.trim(), code: code.control.value.trim(), newPassword: newPassword.control.value },
        { signal },
      );
      const left = result?.remainingCodes ?? 0;
      const done = h(
        'div',
        { class: 'notice', role: 'status' },
        h('h2', { tabindex: '-1' }, 'Your password is changed'),
        h('p', null, `Sign in with your new password. You have ${left} recovery code${left === 1 ? '' : 's'} left.`),
        left <= 3 ? h('p', null, 'Once you are in, you can make a fresh set in your account settings.') : null,
        h('p', null, h('a', { class: 'button button-primary', href: '/signin' }, 'Sign in')),
      );
      recoverForm.form.replaceWith(done);
      done.querySelector<HTMLElement>('h2')?.focus();
    },
  });

  outlet.append(screen);
}
