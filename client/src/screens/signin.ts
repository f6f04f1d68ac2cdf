// /signin: POST /api/auth/login {username, password} → 200 User.
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
  const region = alertRegion();
  const errors = new FormErrors(region, [username, password]);
  const submit = h('button', { type: 'submit', class: 'button button-primary' }, 'Sign in');

  const form = h('form', { class: 'form', novalidate: true, 'aria-labelledby': 'signin-title' }, region, username.element, password.element, h('div', { class: 'actions' }, submit));

  let busy = false;
  form.addEventListener(
    'submit',
    async (event) => {
      event.preventDefault();
      if (busy) return;
      const ok = errors.check({
        username: username.control.value.trim() ? null : 'Enter your username.',
        password: password.control.value ? null : 'Enter your password.',
      });
      if (!ok) return;
      busy = true;
      submit.setAttribute('aria-disabled', 'true');
      submit.textContent = 'Signing in…';
      try {
        const user = await api.post<UserView>('/auth/login', { username: username.control.value.trim(), password: password.control.value }, { signal });
        session.setUser(user);
        deps.afterSignIn();
      } catch (error) {
        if (signal.aborted) return;
        errors.show(error);
        if (error instanceof ApiError && error.code === 'INVALID_CREDENTIALS') {
          password.control.value = '';
          password.control.focus();
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
      h('p', null, 'New here? ', h('a', { href: '/signup' }, 'Join Setback'), '.'),
    ),
  );
}
