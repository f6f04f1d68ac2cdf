// /account: the member's own settings, one section each — their data (GET /api/me/export), a break
// (POST|DELETE /api/me/break), the password (POST /api/auth/password), recovery codes (POST
// /api/auth/recovery-codes), two-factor sign-in (POST /api/auth/2fa/setup|enable|disable), signing out everywhere
// (POST /api/auth/logout-all) and leaving (DELETE /api/me). Loaded on demand (its own chunk).
import { api, ApiError, describeError, needsTwoFactor, request } from '../api.js';
import { fieldForm, selectField, submitForm, textField, type FieldHandle, type FormErrors } from '../components/field.js';
import { confirmPanel } from '../components/panels.js';
import { recoveryCodes, saveFile } from '../components/recovery-codes.js';
import { h, isAbort, uid, type Child } from '../dom.js';
import type { RouteContext } from '../router.js';
import { GOODBYE, setFlash } from '../stores/notices.js';
import { session } from '../stores/session.js';
import { fullDate } from '../time.js';

interface TwoFactorSetup {
  secret: string;
  otpauthUrl: string;
  qrSvg: string;
}

/** A section with an h2, labelled by it. */
function section(id: string, title: string, ...children: Child[]): HTMLElement {
  return h('section', { class: 'panel account-section', id, 'aria-labelledby': `${id}-title` }, h('h2', { id: `${id}-title`, tabindex: '-1' }, title), ...children);
}

/** A polite line for "done" news in a section (errors go to the form's alert region). */
const statusLine = () => h('p', { class: 'account-status', role: 'status' });

interface ActionFormOptions {
  label: string;
  fields: FieldHandle[];
  submit: string;
  busyLabel: string;
  danger?: boolean;
  /** Client-side checks, field name → message (the server is the authority). */
  check?(): Record<string, string | null>;
  run(errors: FormErrors): Promise<void>;
}

/** A small form whose submit runs one request at a time, with its errors beside the fields. */
function actionForm(o: ActionFormOptions): { element: HTMLFormElement; errors: FormErrors } {
  const parts = fieldForm({ fields: o.fields, submit: o.submit, submitClass: o.danger ? 'button button-danger' : undefined, label: o.label });
  submitForm(parts, { busyLabel: o.busyLabel, check: o.check, send: () => o.run(parts.errors) });
  return { element: parts.form, errors: parts.errors };
}

const passwordField = (label = 'Your password', hint?: string) =>
  textField({ name: 'password', label, hint, type: 'password', autocomplete: 'current-password', required: true });

function codeField(name = 'code'): FieldHandle<HTMLInputElement> {
  const field = textField({ name, label: 'Code from your authenticator app', hint: 'The 6 digits your app shows for Setback. They change every 30 seconds.', autocomplete: 'one-time-code', maxlength: 6, required: true, spellcheck: false });
  field.control.setAttribute('inputmode', 'numeric');
  return field;
}

const digits = (field: FieldHandle) => field.control.value.replace(/\s/g, '');
const codeProblem = (field: FieldHandle) => (/^\d{6}$/.test(digits(field)) ? null : 'Enter the 6 digits from your app.');

/** A button that runs one request at a time, with a busy label. */
function actionButton(label: string, busyLabel: string, run: () => Promise<void>, className = 'button'): HTMLButtonElement {
  const button = h('button', { type: 'button', class: className }, label);
  button.addEventListener('click', async () => {
    if (button.getAttribute('aria-disabled') === 'true') return;
    button.setAttribute('aria-disabled', 'true');
    button.textContent = busyLabel;
    try {
      await run();
    } finally {
      button.removeAttribute('aria-disabled');
      button.textContent = label;
    }
  });
  return button;
}

/** The QR code the server drew, as an image (an <img> never runs anything inside an SVG). */
function qrImage(svg: string): HTMLImageElement {
  const bytes = new TextEncoder().encode(svg);
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return h('img', {
    class: 'qr',
    src: `data:image/svg+xml;base64,${btoa(binary)}`,
    alt: 'QR code for adding Setback to your authenticator app. If you cannot scan it, type in the key shown below instead.',
    width: 200,
    height: 200,
  });
}

export function accountScreen({ outlet, signal }: RouteContext): void {
  const say = (el: HTMLElement, text: string) => {
    el.textContent = text;
  };
  const oops = (el: HTMLElement, error: unknown) => {
    if (isAbort(error)) return;
    el.replaceChildren(h('span', { class: 'field-error', role: 'alert' }, describeError(error)));
  };

  // ----- Your data -----
  const dataStatus = statusLine();
  const download = actionButton('Download my data', 'Preparing your file…', async () => {
    dataStatus.textContent = '';
    try {
      const data = await api.get<unknown>('/me/export', { signal });
      const name = `setback-export-${new Date().toISOString().slice(0, 10)}.json`;
      saveFile(new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' }), name);
      say(dataStatus, `Your file ${name} is downloading.`);
    } catch (error) {
      oops(dataStatus, error);
    }
  });
  const data = section(
    'data',
    'Your data',
    h('p', null, 'A file (JSON) with everything you wrote here — stories, replies, drafts, reactions — and your account details. It holds nothing of anyone else’s.'),
    h('div', { class: 'actions' }, download),
    dataStatus,
  );

  // ----- Take a break -----
  const breakNow = h('div', { class: 'break-now' });
  const breakStatus = statusLine();
  const days = selectField({
    name: 'days',
    label: 'How long',
    options: [
      { value: '1', label: '1 day' },
      { value: '3', label: '3 days' },
      { value: '7', label: '1 week' },
      { value: '30', label: '30 days' },
    ],
  });
  days.control.value = '7';
  const breakForm = actionForm({
    label: 'Take a break',
    fields: [days],
    submit: 'Take a break',
    busyLabel: 'Starting…',
    run: async () => {
      const result = await api.post<{ breakUntil: string }>('/me/break', { days: Number(days.control.value) }, { signal });
      session.setBreak(result.breakUntil);
      say(breakStatus, `Your break has started. Notifications are paused until ${fullDate(result.breakUntil)}.`);
    },
  });
  const renderBreak = () => {
    const until = session.breakUntil;
    breakNow.replaceChildren(
      until
        ? h(
            'p',
            null,
            `You're on a break until ${fullDate(until.toISOString())}. `,
            actionButton('End my break', 'Ending…', async () => {
              try {
                await api.del('/me/break', { signal });
                session.setBreak(null);
                say(breakStatus, 'Your break has ended. Notifications are on again.');
                breakSection.querySelector<HTMLElement>('h2')?.focus();
              } catch (error) {
                oops(breakStatus, error);
              }
            }, 'button button-small'),
          )
        : h('p', null, 'You are not on a break.'),
    );
  };
  const breakSection = section(
    'break',
    'Take a break',
    h('p', null, 'Step away for a while: notifications are paused until the break ends. You can still read and write whenever you like, and end the break at any time.'),
    breakNow,
    breakForm.element,
    breakStatus,
  );

  // ----- Password -----
  const current = textField({ name: 'current', label: 'Current password', type: 'password', autocomplete: 'current-password', required: true });
  const next = textField({ name: 'next', label: 'New password', hint: 'At least 8 characters. A long passphrase you do not use anywhere else is best.', type: 'password', autocomplete: 'new-password', required: true });
  const passwordStatus = statusLine();
  const passwordForm = actionForm({
    label: 'Change password',
    fields: [current, next],
    submit: 'Change password',
    busyLabel: 'Changing…',
    check: () => ({
      current: current.control.value ? null : 'Enter your current password.',
      next: next.control.value.length >= 8 ? null : 'Choose a new password of at least 8 characters.',
    }),
    run: async () => {
      passwordStatus.textContent = '';
      await api.post<void>('/auth/password', { current: current.control.value, next: next.control.value }, { signal });
      current.control.value = '';
      next.control.value = '';
      say(passwordStatus, 'Your password is changed. You stay signed in here; your other devices were signed out.');
    },
  });
  const password = section('password', 'Password', passwordForm.element, passwordStatus);

  // ----- Recovery codes -----
  const codesSlot = h('div', { class: 'codes-slot' });
  const codesPassword = passwordField('Your password', 'To be sure it is you.');
  const codesForm = actionForm({
    label: 'Make new recovery codes',
    fields: [codesPassword],
    submit: 'Make new recovery codes',
    busyLabel: 'Making…',
    check: () => ({ password: codesPassword.control.value ? null : 'Enter your password.' }),
    run: async () => {
      const result = await api.post<{ recoveryCodes: string[] }>('/auth/recovery-codes', { password: codesPassword.control.value }, { signal });
      codesPassword.control.value = '';
      const hide = h('button', { type: 'button', class: 'button' }, "I've saved them — hide them");
      const panel = h(
        'div',
        { class: 'inline-panel', role: 'group', 'aria-labelledby': 'new-codes-title' },
        h('h3', { id: 'new-codes-title', tabindex: '-1' }, 'Your new recovery codes'),
        h('p', null, 'Your old codes no longer work. Each of these works once. Keep them somewhere safe: they will not be shown again.'),
        ...recoveryCodes(result.recoveryCodes),
        h('div', { class: 'actions' }, hide),
      );
      hide.addEventListener('click', () => {
        codesSlot.replaceChildren();
        codesPassword.control.focus();
      });
      codesSlot.replaceChildren(panel);
      panel.querySelector<HTMLElement>('h3')?.focus();
    },
  });
  const codes = section(
    'recovery',
    'Recovery codes',
    h('p', null, 'There is no email here, so recovery codes are the way back in if you forget your password. A new set replaces the old one: the codes you saved before stop working.'),
    codesForm.element,
    codesSlot,
  );

  // ----- Two-factor sign-in -----
  const tfBody = h('div', { class: 'two-factor-body' });
  const tfStatus = statusLine();
  const tfStaffNote = h('div', { class: 'notice', hidden: true }, h('p', null, 'This site asks moderators to use two-factor sign-in: the moderation tools open once it is on.'));
  const refreshMe = () => session.load().catch(() => null);
  const renderTwoFactor = () => {
    const on = Boolean(session.user?.twoFactor);
    if (on) {
      const code = codeField();
      const off = actionForm({
        label: 'Turn off two-factor sign-in',
        fields: [code],
        submit: 'Turn off two-factor sign-in',
        busyLabel: 'Turning off…',
        check: () => ({ code: codeProblem(code) }),
        run: async () => {
          await api.post('/auth/2fa/disable', { code: digits(code) }, { signal });
          await refreshMe();
          say(tfStatus, 'Two-factor sign-in is off. Signing in asks only for your password again.');
        },
      });
      tfBody.replaceChildren(h('p', null, h('strong', null, 'Two-factor sign-in is on.'), ' To turn it off, enter a code from your app.'), off.element);
      return;
    }
    const start = actionButton('Set up two-factor sign-in', 'Starting…', async () => {
      tfStatus.textContent = '';
      try {
        const setup = await api.post<TwoFactorSetup>('/auth/2fa/setup', undefined, { signal });
        showSetup(setup);
      } catch (error) {
        oops(tfStatus, error);
      }
    }, 'button button-primary');
    tfBody.replaceChildren(h('p', null, 'Two-factor sign-in is off.'), h('div', { class: 'actions' }, start));
  };
  const showSetup = (setup: TwoFactorSetup) => {
    const code = codeField();
    const cancel = h('button', { type: 'button', class: 'button' }, 'Cancel');
    cancel.addEventListener('click', () => {
      renderTwoFactor();
      tfBody.querySelector<HTMLElement>('button')?.focus();
    });
    const enable = actionForm({
      label: 'Turn on two-factor sign-in',
      fields: [code],
      submit: 'Turn on two-factor sign-in',
      busyLabel: 'Checking…',
      check: () => ({ code: codeProblem(code) }),
      run: async () => {
        await api.post('/auth/2fa/enable', { code: digits(code) }, { signal });
        await refreshMe();
        say(tfStatus, 'Two-factor sign-in is on. Signing in will ask for a code from your app; your other devices were signed out.');
        tfSection.querySelector<HTMLElement>('h2')?.focus();
      },
    });
    enable.element.querySelector('.actions')?.append(cancel);
    const titleId = uid('setup');
    tfBody.replaceChildren(
      h(
        'div',
        { class: 'inline-panel two-factor-setup', role: 'group', 'aria-labelledby': titleId },
        h('h3', { id: titleId, tabindex: '-1' }, 'Add Setback to your authenticator app'),
        h(
          'ol',
          { class: 'steps' },
          h('li', null, h('p', null, 'Open an authenticator app on your phone and scan this code:'), qrImage(setup.qrSvg)),
          h('li', null, h('p', null, 'Or type this key into the app by hand:'), h('p', null, h('code', { class: 'secret' }, setup.secret))),
          h('li', null, h('p', null, 'Enter the 6-digit code the app now shows, to check it works.')),
        ),
        enable.element,
      ),
    );
    tfBody.querySelector<HTMLElement>('h3')?.focus();
  };
  const tfSection = section(
    'two-factor',
    'Two-factor sign-in',
    h('p', null, 'With two-factor sign-in, signing in also asks for a 6-digit code from an authenticator app on your phone, so your password alone is not enough to get in.'),
    tfStaffNote,
    tfBody,
    tfStatus,
  );
  if (session.isModerator && !session.user?.twoFactor) {
    // The site says whether staff must use it only by refusing them: ask a moderation route.
    api.get('/mod/log', { signal }).catch((error: unknown) => {
      tfStaffNote.hidden = !needsTwoFactor(error);
    });
  }

  // ----- Sign out everywhere -----
  const everywhereStatus = statusLine();
  const everywhere = section(
    'sessions',
    'Sign out everywhere',
    h('p', null, 'Signs you out on every device and browser, this one too. Useful if you signed in somewhere you no longer trust.'),
    h(
      'div',
      { class: 'actions' },
      actionButton('Sign out everywhere', 'Signing out…', async () => {
        try {
          await session.endWith(async () => {
            await api.post<void>('/auth/logout-all');
            setFlash('You were signed out on all your devices. Sign in again whenever you are ready.');
          });
        } catch (error) {
          oops(everywhereStatus, error);
        }
      }),
    ),
    everywhereStatus,
  );

  // ----- Leave Setback -----
  const modeName = uid('mode');
  const modeError = h('p', { class: 'field-error', id: `${modeName}-error`, hidden: true });
  const choice = (value: 'anonymize' | 'erase', label: string, hint: string) => {
    const id = `${modeName}-${value}`;
    const input = h('input', { type: 'radio', name: modeName, id, value, 'aria-describedby': `${id}-hint` });
    return {
      input,
      row: h('div', { class: 'choice' }, h('div', { class: 'checkbox-row' }, input, h('label', { for: id }, label)), h('p', { class: 'hint', id: `${id}-hint` }, hint)),
    };
  };
  const anonymize = choice(
    'anonymize',
    'Keep my words, without my name',
    'Your stories and replies stay, so the conversations others joined stay whole. Those you wrote under your name show as written by a former member; those you posted anonymously keep their pseudonyms, exactly as before. Your username and everything else about you is removed.',
  );
  const erase = choice(
    'erase',
    'Erase my words',
    'The text of everything you wrote is removed too, with all your personal data. Others see a short note that the author removed it, so conversations keep their shape.',
  );
  const modeSet = h(
    'fieldset',
    { class: 'choices' },
    h('legend', null, 'What happens to your stories and replies'),
    anonymize.row,
    erase.row,
    modeError,
  );
  const mode: FieldHandle<HTMLInputElement> = {
    name: 'mode',
    control: anonymize.input,
    element: modeSet,
    setError(message) {
      modeError.replaceChildren(...(message ? [h('span', { class: 'sr-only' }, 'Error: '), message] : []));
      modeError.hidden = !message;
      modeSet.classList.toggle('has-error', Boolean(message));
      for (const input of [anonymize.input, erase.input]) {
        if (message) input.setAttribute('aria-invalid', 'true');
        else input.removeAttribute('aria-invalid');
        input.setAttribute('aria-describedby', [message ? modeError.id : null, `${input.id}-hint`].filter(Boolean).join(' '));
      }
    },
  };
  const leavePassword = passwordField('Your password', 'To be sure it is you.');
  const confirmSlot = h('div', { class: 'confirm-slot' });
  const chosen = () => (erase.input.checked ? 'erase' : anonymize.input.checked ? 'anonymize' : null);
  const leaveForm = actionForm({
    label: 'Leave Setback',
    fields: [mode, leavePassword],
    submit: 'Close my account…',
    busyLabel: 'Close my account…',
    danger: true,
    check: () => ({
      mode: chosen() ? null : 'Choose what happens to what you wrote.',
      password: leavePassword.control.value ? null : 'Enter your password.',
    }),
    run: async (errors) => {
      const how = chosen()!;
      const close = () => {
        confirmSlot.replaceChildren();
        leaveForm.element.querySelector<HTMLElement>('button[type="submit"]')?.focus();
      };
      const panel = confirmPanel({
        message: how === 'erase' ? 'Erase everything you wrote and close your account?' : 'Close your account, keeping your words without your name?',
        detail: 'This cannot be undone. You will be signed out everywhere.',
        confirmLabel: 'Yes, close my account',
        cancelLabel: 'Keep my account',
        danger: true,
        onCancel: close,
        onConfirm: async () => {
          try {
            await session.endWith(async () => {
              await request<void>('DELETE', '/me', { password: leavePassword.control.value, mode: how });
              setFlash(GOODBYE);
            });
          } catch (error) {
            if (!(error instanceof ApiError && error.code === 'INVALID_CREDENTIALS')) throw error;
            confirmSlot.replaceChildren();
            errors.show(error);
            leavePassword.control.value = '';
          }
        },
      });
      confirmSlot.replaceChildren(panel.element);
      panel.focus();
    },
  });
  const leave = section(
    'leave',
    'Leave Setback',
    h('p', null, 'You can close your account at any time. First choose what happens to what you wrote.'),
    leaveForm.element,
    confirmSlot,
    h('p', { class: 'muted' }, 'Either way you are signed out everywhere at once, and it cannot be undone. You may want to download your data first.'),
  );

  // ----- the screen -----
  renderBreak();
  renderTwoFactor();
  session.addEventListener(
    'change',
    () => {
      if (session.status !== 'signed-in') return;
      renderBreak();
      const on = Boolean(session.user?.twoFactor);
      if (tfBody.dataset.on !== String(on)) renderTwoFactor();
      tfBody.dataset.on = String(on);
    },
    { signal },
  );
  tfBody.dataset.on = String(Boolean(session.user?.twoFactor));

  const user = session.user;
  outlet.append(
    h(
      'div',
      { class: 'screen narrow account' },
      h('h1', null, 'Your account'),
      user ? h('p', { class: 'lead' }, 'Signed in as ', h('strong', null, user.username), '.') : null,
      h(
        'nav',
        { 'aria-label': 'Account sections', class: 'account-nav' },
        h(
          'ul',
          null,
          [data, breakSection, password, codes, tfSection, everywhere, leave].map((s) => h('li', null, h('a', { href: `#${s.id}` }, s.querySelector('h2')?.textContent ?? ''))),
        ),
      ),
      data,
      breakSection,
      password,
      codes,
      tfSection,
      everywhere,
      leave,
    ),
  );
  // Arriving at a section (/account#two-factor from the moderation screens): after the screen has taken focus.
  const target = location.hash ? document.getElementById(location.hash.slice(1)) : null;
  if (target && outlet.contains(target)) {
    queueMicrotask(() => {
      target.scrollIntoView({ block: 'start' });
      target.querySelector<HTMLElement>('h2')?.focus({ preventScroll: true });
    });
  }
}
