// /signin: POST /api/auth/login {username, password, code?} → 200 User. With two-factor sign-in on, the server
// answers 401 SECOND_FACTOR_REQUIRED first: the code field appears and the form is sent again with the code.
import type { UserView } from '../../../src/contract/views.js';
import { api, ApiError } from '../api.js';
import { alertRegion, FormErrors, textField } from '../components/field.js';
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
  const region = alertRegion();
  const errors = new FormErrors(region, [username, password, code]);
  const submit = h('button', { type: 'submit', class: 'button button-primary' }, 'Sign in');

  const form = h('form', { class: 'form', novalidate: true, 'aria-labelledby': 'signin-title' }, region, username.element, password.element, code.element, h('div', { class: 'actions' }, submit));

  let busy = false;
  form.addEventListener(
    'submit',
    async (event) => {
      event.preventDefault();
      if (busy) return;
      const digits = code.control.value.replace(/\s/g, '');
      const ok = errors.check({
        username: username.control.value.trim() ? null : 'Enter your username.',
        password: password.control.value ? null : 'Enter your password.',
        code: code.element.hidden || /^\d{6}$/.test(digits) ? null : 'Enter the 6 digits from your app.',
      });
      if (!ok) return;
      busy = true;
      submit.setAttribute('aria-disabled', 'true');
      submit.textContent = 'Signing in…';
      try {
        const user = await api.post<UserView>(
          '/auth/login',
          { username: username.control.value.trim(), password: password.control.value, code: code.element.hidden ? undefined : digits },
          { signal },
        );
        session.setUser(user);
        deps.afterSignIn();
      } catch (error) {
        if (signal.aborted) return;
        if (error instanceof ApiError && error.code === 'SECOND_FACTOR_REQUIRED') {
          errors.clear();
          code.element.hidden = false;
          code.control.focus();
          return;
        }
        errors.show(error);
        if (error instanceof ApiError && error.code === 'INVALID_CREDENTIALS') {
          const wrong = error.fieldErrors().has('code') ? code : password;
          wrong.control.value = '';
          wrong.control.focus();
        }
      } finally {
        busy = false;
        submit.removeAttribute('aria-disabled');
        submit.textContent = 'Sign in';
      }
    },
    { signal },
  );

  outlet.append(
    h(
      'section',
      { class: 'screen narrow' },
      h('h1', { id: 'signin-title' }, 'Sign in'),
      form,
      h('p', null, h('a', { href: '/recover' }, 'Lost your password? Use a recovery code')),
      h('p', null, 'New here? ', h('a', { href: '/signup' }, 'Join Setback'), '.'),
    ),
  );
}
