// The reply box under a story: the text, "Reply anonymously", "Replying to …" (reply-quote.ts), why it is closed
// (locked, paused, suspended, story hidden), slow mode and its countdown, the crisis check before sending, and the
// support shown after a reply with words of crisis. One clientKey per attempt, so a retry cannot post twice.
//
// Words never lost: the box autosaves as the story composer does (server draft `reply-<threadId>`, restored when the
// story opens again) and keeps a copy in this browser (offered back after a closed tab: "You have unsent words
// from …"); leaving while Setback does not hold them asks first. A reply sent while Setback cannot be reached goes to
// the outbox (stores/outbox.ts, shown by reply-outbox.ts) with its clientKey and is sent once Setback is back. Both
// are their own chunk, fetched as the box opens, so they are at hand before the connection can drop.
import type { ReplyQuoteView, ReplyView } from '../../../../src/contract/views.js';
import { durationInWords } from '../../../../src/common/durations.js';
import { api, ApiError, seg } from '../../api.js';
import { announce } from '../announcer.js';
import { checkForCrisis, confirmCrisis, resourceList } from '../crisis.js';
import { alertRegion, checkboxField, ctrlEnterSubmits, FormErrors, textField } from '../field.js';
import { suspensionText } from '../suspension.js';
import { h, isAbort, randomId } from '../../dom.js';
import { guardLeaving } from '../../navigation.js';
import { DraftStore, saveStatusText, type StoredDraft } from '../../stores/draft.js';
import { live } from '../../stores/live.js';
import type { ArrivalNotice } from '../../stores/notices.js';
import { loadOutbox, outboxIfLoaded } from '../../stores/outbox-loader.js';
import type { OutboxItem } from '../../stores/outbox.js';
import { session } from '../../stores/session.js';
import { replyAnchor } from './reply-item.js';
import { ReplyCheck } from './reply-check.js';
import { ReplyingTo } from './reply-quote.js';
import type { StoryReplies } from './replies.js';
import type { MyThread } from './types.js';

export interface ReplyBoxHost {
  threadId: string;
  signal: AbortSignal;
  staff: boolean;
  /** Where the reader's own new reply goes. */
  replies: StoryReplies;
  /** The story is gone (a 404 on sending). */
  gone(): void;
  /** What the story's author would like from readers (reply-mode-line.ts), shown under the box's heading. */
  modeLine?: { element: HTMLElement; id: string };
}

export interface ReplyBox {
  element: HTMLElement;
  /** The story changed (locked, paused, slow mode, hidden…): open or close the box accordingly. */
  applyState(thread: MyThread): void;
  /** "Reply" on a reply: the box answers it, and the reader is taken to the box. */
  answer(target: ReplyQuoteView): void;
}

/** What the reply box autosaves (draft key `reply-<threadId>`). */
interface ReplyDraft {
  body: string;
  anonymous: boolean;
  replyTo: ReplyQuoteView | null;
}

function asReplyDraft(data: unknown): ReplyDraft {
  const d = (data && typeof data === 'object' ? data : {}) as Record<string, unknown>;
  const quote = d.replyTo && typeof d.replyTo === 'object' && typeof (d.replyTo as ReplyQuoteView).id === 'string' ? (d.replyTo as ReplyQuoteView) : null;
  return { body: typeof d.body === 'string' ? d.body : '', anonymous: d.anonymous === true, replyTo: quote };
}

const REPLY_AT_RISK = 'Your reply is not saved on Setback yet. It is kept in this browser and offered back when you open this story again.';

export function replyBox(initial: MyThread, host: ReplyBoxHost): ReplyBox {
  const { threadId, signal, staff } = host;
  let thread = initial;
  const body = textField({
    name: 'body',
    label: 'Your reply',
    hint: 'Be kind and specific. You can use Markdown. Press Ctrl+Enter (⌘+Enter on a Mac) to send.',
    multiline: true,
    rows: 5,
    required: true,
  });
  const anonymous = checkboxField({
    name: 'anonymous',
    label: 'Reply anonymously',
    hint: 'Others see a pseudonym instead of your username. Moderators can still see who you are.',
  });
  const region = alertRegion();
  const errors = new FormErrors(region, [body, anonymous]);
  const replyingTo = new ReplyingTo(() => {
    body.control.focus();
    keep();
  });
  const submit = h('button', { type: 'submit', class: 'button button-primary' }, 'Reply');
  const draft = new DraftStore<ReplyDraft>(`reply-${threadId}`, { hasWords: (d) => d.body.trim() !== '' });
  const saveStatus = h('p', { class: 'save-status', hidden: true });
  const offerSlot = h('div', { class: 'reply-offer' });
  /** This story's replies waiting in the outbox (reply-outbox.ts), once its code is here. */
  const waitingSlot = h('div', { class: 'reply-waiting' });
  Promise.all([loadOutbox(), import('./reply-outbox.js')]).then(
    ([, m]) => {
      if (signal.aborted) return;
      const waiting = new m.ReplyOutbox({
        threadId,
        signal,
        putBack: (item) => putBack(item),
        sent: (reply) => {
          const own = { ...reply, threadId: reply.threadId ?? threadId };
          if (!host.replies.addReply(own, { announce: false })) host.replies.updateReply(own, true);
        },
      });
      waitingSlot.replaceChildren(waiting.element);
    },
    () => undefined, // not fetched: a reply that cannot go stays in the box instead
  );
  const closedNote = h('p', { class: 'notice', role: 'status', hidden: true });
  const slowNote = h('p', { class: 'hint', hidden: true });
  /** The support resources, when the safety check found words of crisis in the reader's reply. */
  const support = h('div', { class: 'reply-support' });
  /** Suggestions about the words as the reader pauses typing: a nudge, or where to find help. */
  const wordsCheck = new ReplyCheck(threadId, signal);
  const form = h(
    'form',
    { class: 'form reply-form', novalidate: true, 'aria-labelledby': 'reply-form-title', 'aria-describedby': host.modeLine?.id },
    h('h2', { id: 'reply-form-title' }, 'Reply'),
    host.modeLine?.element ?? null,
    support,
    closedNote,
    waitingSlot,
    offerSlot,
    replyingTo.element,
    body.element,
    wordsCheck.element,
    anonymous.element,
    slowNote,
    region,
    h('div', { class: 'actions' }, submit, saveStatus),
  );

  // ----- autosave, the browser's copy, and leaving -----
  const collect = (): ReplyDraft => ({ body: body.control.value, anonymous: anonymous.control.checked, replyTo: replyingTo.target });
  const fill = (d: ReplyDraft) => {
    body.control.value = d.body;
    anonymous.control.checked = d.anonymous;
    replyingTo.set(d.replyTo);
  };
  /** The box changed: autosave it (and keep the browser's copy at once). */
  const keep = () => draft.update(collect());
  let touched = false;
  const renderStatus = () => {
    saveStatus.hidden = !touched || draft.status === 'idle';
    saveStatus.textContent = saveStatusText(draft);
    saveStatus.dataset.status = draft.status;
  };
  draft.addEventListener('change', renderStatus, { signal });
  form.addEventListener(
    'input',
    () => {
      touched = true;
      keep();
    },
    { signal },
  );
  anonymous.control.addEventListener('change', keep, { signal });
  guardLeaving(() => (draft.atRisk ? REPLY_AT_RISK : null), signal);
  window.addEventListener('pagehide', () => void draft.flush({ keepalive: true }).catch(() => undefined), { signal });
  signal.addEventListener('abort', () => {
    // leaving the story: save what is unsaved, then stop
    void draft.flush().catch(() => undefined);
    draft.stop();
  });
  /** After sending: the server's draft goes, and the box autosaves again from its next words. */
  const clearDraft = () => {
    void draft
      .discard()
      .catch(() => undefined)
      .finally(() => {
        if (signal.aborted) return;
        draft.resume();
        if (body.control.value.trim()) keep();
      });
  };
  const restoreDraft = (stored: StoredDraft<ReplyDraft> | null) => {
    // only into an untouched box: what the reader typed meanwhile wins
    if (stored && !touched && !body.control.value) {
      const d = asReplyDraft(stored.data);
      if (d.body.trim()) fill(d);
    }
    const unsent = draft.unsent(stored);
    if (!unsent) return;
    const choice = {
      restore: () => {
        fill(asReplyDraft(unsent.data));
        touched = true;
        draft.settleUnsent(true);
        keep();
        body.control.focus();
      },
      discard: () => {
        draft.settleUnsent(false);
        body.control.focus();
      },
    };
    // the offer's code is its own small chunk: most stories never need it
    void import('../unsent-words.js').then(({ unsentWordsOffer }) => !signal.aborted && offerSlot.replaceChildren(unsentWordsOffer(unsent, choice)));
  };
  draft.load(signal).then(
    (stored) => !signal.aborted && restoreDraft(stored),
    (error: unknown) => !isAbort(error) && !signal.aborted && restoreDraft(null),
  );
  /** A reply from the outbox goes back into the box (after what is there, if anything). */
  const putBack = (item: OutboxItem) => {
    const current = body.control.value.trim();
    body.control.value = current ? `${body.control.value.trimEnd()}\n\n${item.body}` : item.body;
    if (!current) {
      anonymous.control.checked = item.anonymous;
      replyingTo.set(item.replyTo);
    }
    touched = true;
    keep();
    body.control.focus();
  };
  /** Setback cannot be reached: the reply waits in the outbox, with its clientKey, and the box empties. */
  const queue = (key: string, text: string): boolean => {
    const queued = outboxIfLoaded()?.add({ clientKey: key, threadId, body: text, anonymous: anonymous.control.checked, replyTo: replyingTo.target });
    if (!queued) return false;
    body.control.value = '';
    replyingTo.set(null);
    errors.clear();
    clearDraft();
    wordsCheck.reset();
    return true;
  };

  /** Until when slow mode holds this reader's next reply (ms). */
  let waitUntil = 0;
  let waitTimer: ReturnType<typeof setTimeout> | undefined;
  signal.addEventListener('abort', () => clearTimeout(waitTimer));

  const setClosed = (message: string | null) => {
    closedNote.textContent = message ?? '';
    closedNote.hidden = !message;
    body.control.disabled = Boolean(message);
    anonymous.control.disabled = Boolean(message);
    submit.disabled = Boolean(message);
  };
  const applyState = (next: MyThread) => {
    thread = next;
    const suspended = session.suspendedUntil;
    if (suspended) setClosed(suspensionText(suspended));
    else if (thread.locked) setClosed('This story is locked; new replies are closed.');
    else if (thread.deleted || thread.hidden) setClosed('Members cannot see this story right now, so new replies are closed.');
    else if (thread.paused && !thread.mine) setClosed('The author has paused new replies for now. You can reply again when they resume.');
    else setClosed(null);
    const slow = thread.slowModeSeconds > 0 && !thread.locked;
    slowNote.hidden = !slow && !(thread.paused && thread.mine);
    slowNote.textContent =
      thread.paused && thread.mine
        ? 'You paused new replies: others cannot reply until you resume them.'
        : slow
          ? `Slow mode: one reply every ${thread.slowModeSeconds} seconds.`
          : '';
  };
  applyState(thread);

  /** Holds the Reply button for `seconds` (slow mode), counting down on it; the text stays in the box. */
  const holdForSlowMode = (seconds = thread.slowModeSeconds) => {
    if (!(seconds > 0)) return;
    clearTimeout(waitTimer);
    waitUntil = Date.now() + seconds * 1000;
    const tick = () => {
      const left = Math.ceil((waitUntil - Date.now()) / 1000);
      if (left <= 0 || signal.aborted) {
        submit.removeAttribute('aria-disabled');
        submit.textContent = 'Reply';
        return;
      }
      submit.setAttribute('aria-disabled', 'true');
      submit.textContent = `Reply (wait ${left} s)`;
      waitTimer = setTimeout(tick, 1000);
    };
    tick();
  };

  // One clientKey per reply attempt, reused on retry so a repeated send cannot post twice.
  let clientKey: string | null = null;
  let busy = false;

  ctrlEnterSubmits(body.control, form, signal);
  body.control.addEventListener(
    'input',
    () => {
      if (body.control.value.trim()) live.typing(threadId);
      wordsCheck.changed(body.control.value);
    },
    { signal },
  );

  form.addEventListener(
    'submit',
    async (event) => {
      event.preventDefault();
      if (busy || body.control.disabled) return;
      if (Date.now() < waitUntil) {
        errors.setGeneral(`Slow mode: you can reply again in ${durationInWords(waitUntil - Date.now())}.`);
        return;
      }
      const text = body.control.value;
      if (!errors.check({ body: text.trim() ? null : 'Write something before sending.' })) return;
      busy = true;
      let retryHold = 0;
      clientKey ??= randomId();
      if (navigator.onLine === false && queue(clientKey, text)) {
        // no network at all: nothing to try now (the crisis check runs on the server when it goes)
        clientKey = null;
        busy = false;
        return;
      }
      submit.setAttribute('aria-disabled', 'true');
      submit.textContent = 'Sending…';
      let sent = false;
      try {
        // words of crisis: the crisis lines before the reply goes, and the choice to keep writing
        const check = await checkForCrisis(text, signal);
        if (check?.crisis && (await confirmCrisis(check.resources ?? [], { what: 'reply' })).action !== 'publish') {
          if (!signal.aborted) body.control.focus();
          return;
        }
        if (signal.aborted) return;
        const reply = await api.post<ReplyView>(
          `/threads/${seg(thread.id)}/replies`,
          { body: text, clientKey, anonymous: anonymous.control.checked || undefined, replyTo: replyingTo.id ?? undefined },
          { signal },
        );
        // sent: the box empties, and so does its draft
        sent = true;
        clientKey = null;
        body.control.value = '';
        replyingTo.set(null);
        errors.clear();
        clearDraft();
        wordsCheck.reset();
        const safety = (reply as ReplyView & { safety?: ArrivalNotice['safety'] }).safety;
        support.replaceChildren(
          ...(safety?.crisis
            ? [
                h(
                  'section',
                  { class: 'panel crisis-panel', 'aria-labelledby': 'reply-support-title' },
                  h('h3', { id: 'reply-support-title' }, 'You are not alone in this'),
                  h('p', null, 'Thank you for putting this into words. If things feel hard right now, these people are there to listen, any time:'),
                  resourceList(safety.resources ?? []),
                ),
              ]
            : []),
        );
        const own = { ...reply, threadId: reply.threadId ?? thread.id };
        // the live push (built for nobody in particular) may have arrived first: the answer is this reader's own
        // view (mine, the markdown, whether it waits for a moderator because of crisis words), so it replaces it
        if (!host.replies.addReply(own, { announce: false })) host.replies.updateReply(own, true);
        announce(reply.status === 'pending' ? 'Your reply was sent and is waiting for a moderator to review it.' : 'Your reply was posted.');
        document.getElementById(replyAnchor(reply.id))?.scrollIntoView({ block: 'nearest' });
      } catch (error) {
        if (isAbort(error)) return;
        if (error instanceof ApiError && error.isConnection && clientKey && queue(clientKey, text)) {
          // Setback did not answer (or its answer was lost): the outbox sends it, with the same clientKey, when it is back
          clientKey = null;
          return;
        }
        // The text stays in the box; the same clientKey is used if the reader tries again.
        if (error instanceof ApiError && error.status === 404 && replyingTo.id) {
          // the reply being answered is gone: the reader may send theirs to the story instead
          replyingTo.set(null);
          errors.setGeneral('The reply you were answering is no longer there. Your reply is still here: send it again to reply to the story.');
          return;
        }
        if (error instanceof ApiError && error.status === 404 && !staff) {
          host.gone();
          return;
        }
        if (error instanceof ApiError && error.code === 'THREAD_LOCKED') applyState({ ...thread, locked: true });
        else if (error instanceof ApiError && error.code === 'REPLIES_PAUSED') applyState({ ...thread, paused: true });
        if (error instanceof ApiError && error.code === 'RATE_LIMITED' && error.retryAfter) {
          // the server says the wait in words; the button counts it down
          errors.setGeneral(`${error.message} Your reply is still here.`);
          retryHold = Math.ceil(error.retryAfter);
        } else errors.show(error);
        if (!body.control.disabled) body.control.focus();
      } finally {
        busy = false;
        submit.removeAttribute('aria-disabled');
        submit.textContent = 'Reply';
        if (sent && !staff) holdForSlowMode();
        else if (retryHold) holdForSlowMode(retryHold);
      }
    },
    { signal },
  );
  const answer = (target: ReplyQuoteView) => {
    if (body.control.disabled) return;
    replyingTo.set(target);
    body.control.focus();
  };
  return { element: form, applyState, answer };
}
