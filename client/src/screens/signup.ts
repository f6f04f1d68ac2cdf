// /signup: the community guidelines (GET /api/guidelines) and
// POST /api/auth/register {username, password, acceptGuidelines, confirmAge} → 201 User (+ recoveryCodes once).
import type { RegisteredView } from '../../../src/contract/views.js';
import { api } from '../api.js';
import { checkboxField, fieldForm, submitForm, textField } from '../components/field.js';
import { recoveryCodes } from '../components/recovery-codes.js';
import { errorState, loadingState } from '../components/states.js';
import { h, isAbort, textParagraphs } from '../dom.js';
import type { RouteContext } from '../router.js';
import { session } from '../stores/session.js';
import type { AuthScreenDeps } from './signin.js';

interface Guidelines {
  title: string;
  text: string;
}

function guidelinesSection(signal: AbortSignal): HTMLElement {
  const heading = h('h2', { id: 'guidelines-title' }, 'Community guidelines');
  const body = h('div', { class: 'guidelines-body', 'aria-live': 'polite' });
  const section = h('section', { class: 'guidelines', id: 'guidelines', 'aria-labelledby': 'guidelines-title' }, heading, body);
  const load = async () => {
    body.replaceChildren(loadingState('Loading the guidelines…'));
    section.setAttribute('aria-busy', 'true');
    try {
      const g = await api.get<Guidelines>('/guidelines', { signal });
      if (g?.title) heading.textContent = g.title;
      body.replaceChildren(...textParagraphs(g?.text ?? ''));
    } catch (error) {
      if (isAbort(error)) return;
      body.replaceChildren(errorState(error, load, "The guidelines didn't load."));
    } finally {
      section.removeAttribute('aria-busy');
    }
  };
  void load();
  return section;
}

function recoveryCodesPanel(codes: string[], onDone: () => void): HTMLElement {
  const done = h('button', { type: 'button', class: 'button button-primary' }, "I've saved them — continue");
  done.addEventListener('click', onDone);
  return h(
    'section',
    { class: 'panel recovery', 'aria-labelledby': 'recovery-title' },
    h('h2', { id: 'recovery-title', tabindex: '-1' }, 'Save your recovery codes'),
    h(
      'p',
      null,
      'There is no email here, so these codes are the only way back into your account if you forget your password. ',
      'Each code works once. Keep them somewhere safe: they will not be shown again.',
    ),
    ...recoveryCodes(codes),
    h('div', { class: 'actions' }, done),
  );
}

export function signupScreen({ outlet, signal }: RouteContext, deps: AuthScreenDeps): void {
  const username = textField({
    name: 'username',
    label: 'Username',
    hint: '3–32 letters, digits or _. Others see it on what you post under your name; you can also post anonymously.',
    autocomplete: 'username',
    required: true,
    autocapitalize: 'none',
    spellcheck: false,
  });
  const password = textField({
    name: 'password',
    label: 'Password',
    hint: 'At least 8 characters. A long passphrase you do not use anywhere else is best.',
    type: 'password',
    autocomplete: 'new-password',
    required: true,
  });
  const acceptGuidelines = checkboxField({
    name: 'acceptGuidelines',
    label: 'I accept the community guidelines',
    hint: [h('a', { href: '#guidelines' }, 'Read the guidelines again'), ' · ', h('a', { href: '/guidelines', target: '_blank' }, 'Open them in a new tab'), ' · ', h('a', { href: '/privacy', target: '_blank' }, 'Privacy')],
    required: true,
  });
  const confirmAge = checkboxField({ name: 'confirmAge', label: 'I am 16 or older', required: true });
  const signupForm = fieldForm({ fields: [username, password, acceptGuidelines, confirmAge], submit: 'Join Setback', labelledBy: 'signup-title' });
  const container = h(
    'section',
    { class: 'screen narrow' },
    h('h1', { id: 'signup-title' }, 'Join Setback'),
    h('p', { class: 'lead' }, 'Please read the guidelines first: they are how we keep this a kind place.'),
    h('p', null, 'What we keep about you, and who sees what: ', h('a', { href: '/privacy' }, 'Privacy, in plain words'), '.'),
    guidelinesSection(signal),
    h('h2', null, 'Your account'),
    signupForm.form,
    h('p', { class: 'muted' }, 'There is no email here, by design: keep your recovery codes safe.'),
    h('p', null, 'Already a member? ', h('a', { href: '/signin' }, 'Sign in'), '.'),
  );

  submitForm(signupForm, {
    busyLabel: 'Joining…',
    signal,
    check: () => ({
      username: username.control.value.trim() ? null : 'Choose a username.',
      password: password.control.value ? null : 'Choose a password.',
      acceptGuidelines: acceptGuidelines.control.checked ? null : 'Please read and accept the community guidelines to join.',
      confirmAge: confirmAge.control.checked ? null : 'Setback is for people aged 16 or older.',
    }),
    send: async () => {
      const user = await api.post<RegisteredView>(
        '/auth/register',
        {
          username: username.control.value.trim(),
          password: password.control.value,
          acceptGuidelines: acceptGuidelines.control.checked,
          confirmAge: confirmAge.control.checked,
        },
        { signal },
      );
      const { recoveryCodes, ...view } = user;
      if (recoveryCodes?.length) {
        // Show the one-time codes before entering the app (the session cookie is already set).
        const panel = recoveryCodesPanel(recoveryCodes, () => {
          session.setUser(view);
          deps.afterSignIn();
        });
        container.replaceChildren(h('h1', null, 'Welcome to Setback'), panel);
        panel.querySelector<HTMLElement>('h2')?.focus();
      } else {
        session.setUser(view);
        deps.afterSignIn();
      }
    },
  });

  outlet.append(container);
}
