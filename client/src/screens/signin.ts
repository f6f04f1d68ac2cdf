// /signin: POST /api/auth/login {username, password, code?} → 200 User. With two-factor sign-in on, the server
// answers 401 SECOND_FACTOR_REQUIRED first: the code field appears and the form is sent again with the code.
import type { UserView } from '../../../src/contract/views.js';
import { api, ApiError } from '../api.js';
import { fieldForm, submitForm, textField } from '../components/field.js';
import { h } from '../dom.js';
import type { RouteContext } from '../router.js';
import { session } from '../stores/session.js';

export interface AuthScreenDeps {
  /** Where to go once signed in. */
  afterSignIn(): void;
}

export function signinScreen({ outlet, signal }: RouteContext, deps: AuthScreenDeps): void {
  const username = textField({ name: 'username', label: 'Username', autocomplete: 'username', required: true, autocapitalize: 'none', spellcheck: false });
  const password = textField({ name: 'password', label: 'Password', type: 'password', autocomplete: 'current-password', required: true });
  const code = textField({
    name: 'code',
    label: 'Code from your authenticator app',
    hint: 'Two-factor sign-in is on for this account: enter the 6 digits your app shows for Setback.',
    autocomplete: 'one-time-code',
    maxlength: 6,
    spellcheck: false,
  });
  code.control.setAttribute('inputmode', 'numeric');
  code.element.hidden = true;
  const signinForm = fieldForm({ fields: [username, password, code], submit: 'Sign in', labelledBy: 'signin-title' });

  submitForm(signinForm, {
    busyLabel: 'Signing in…',
    signal,
    read: () => code.control.value.replace(/\s/g, ''),
    check: (digits) => ({
      username: username.control.value.trim() ? null : 'Enter your username.',
      password: password.control.value ? null : 'Enter your password.',
      code: code.element.hidden || /^\d{6}$/.test(digits) ? null : 'Enter the 6 digits from your app.',
    }),
    send: async (digits) => {
      const user = await api.post<UserView>(
        '/auth/login',
        { username: username.control.value.trim(), password: password.control.value, code: code.element.hidden ? undefined : digits },
        { signal },
      );
      session.setUser(user);
      deps.afterSignIn();
    },
    failed: (error) => {
      if (error instanceof ApiError && error.code === 'SECOND_FACTOR_REQUIRED') {
        signinForm.errors.clear();
        code.element.hidden = false;
        code.control.focus();
        return;
      }
      signinForm.errors.show(error);
      if (error instanceof ApiError && error.code === 'INVALID_CREDENTIALS') {
        const wrong = error.fieldErrors().has('code') ? code : password;
        wrong.control.value = '';
        wrong.control.focus();
      }
    },
  });

  outlet.append(
    h(
      'section',
      { class: 'screen narrow' },
      h('h1', { id: 'signin-title' }, 'Sign in'),
      signinForm.form,
      h('p', null, h('a', { href: '/recover' }, 'Lost your password? Use a recovery code')),
      h('p', null, 'New here? ', h('a', { href: '/signup' }, 'Join Setback'), '.'),
    ),
  );
}
