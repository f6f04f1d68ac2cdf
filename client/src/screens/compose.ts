// /stories/new: write a story in three parts, autosaved as the draft "new-story", checked for words
// of crisis before publishing (POST /api/safety/check), then POST /api/threads.
import type { ReplyMode, ThreadView } from '../../../src/contract/views.js';
import { api, ApiError } from '../api.js';
import { announce } from '../components/announcer.js';
import { checkForCrisis, confirmCrisis, type SafetyCheck } from '../components/crisis.js';
import { alertRegion, checkboxField, FormErrors, selectField, submitForm, textField } from '../components/field.js';
import { isReplyMode, replyModeField } from '../components/reply-mode.js';
import { errorState, loadingState } from '../components/states.js';
import { composerSimilar } from '../components/similar-stories.js';
import { closeWhileSuspended } from '../components/suspension.js';
import { debounce, h, isAbort, setServerHtml } from '../dom.js';
import { guardLeaving, navigate } from '../navigation.js';
import type { RouteContext } from '../router.js';
import { categories } from '../stores/categories.js';
import { DraftStore, saveStatusText, type StoredDraft } from '../stores/draft.js';
import { leaveNotice } from '../stores/notices.js';
import { reveals } from '../stores/reveal.js';
import { relativeTime } from '../time.js';

export const NEW_STORY_DRAFT = 'new-story';

export interface StoryDraft {
  title: string;
  category: string;
  happened: string;
  handled: string;
  learned: string;
  contentWarning: string;
  anonymous: boolean;
  replyMode?: ReplyMode;
}

/** Said before leaving a composer whose words Setback does not hold yet. */
export const WORDS_AT_RISK = 'What you wrote is not saved on Setback yet. It is kept in this browser and offered back when you open this page again.';


function asDraft(data: unknown): Partial<StoryDraft> {
  if (!data || typeof data !== 'object') return {};
  const d = data as Record<string, unknown>;
  const str = (k: string) => (typeof d[k] === 'string' ? (d[k] as string) : undefined);
  return {
    title: str('title'),
    category: str('category'),
    happened: str('happened'),
    handled: str('handled'),
    learned: str('learned'),
    contentWarning: str('contentWarning'),
    anonymous: typeof d.anonymous === 'boolean' ? d.anonymous : undefined,
    replyMode: isReplyMode(d.replyMode) ? d.replyMode : undefined,
  };
}

const PARTS = ['What happened', 'How I handled it', 'What I learned'];

/**
 * The story's three parts as they will look (POST /api/preview: the server's own rendering and sanitizing,
 * nothing stored), read-only under a "Preview" heading. Shown and hidden by a toggle button; while shown it
 * follows the typing.
 */
function previewer(sources: () => string[], signal: AbortSignal) {
  const id = 'story-preview';
  const body = h('div', { class: 'preview-body' });
  const region = h(
    'section',
    { class: 'panel preview', id, 'aria-labelledby': `${id}-title`, hidden: true },
    h('h2', { id: `${id}-title` }, 'Preview'),
    h('p', { class: 'hint' }, 'How your story will look to readers. Nothing is published until you press “Publish story”.'),
    body,
  );
  const toggle = h('button', { type: 'button', class: 'button button-small', 'aria-expanded': 'false', 'aria-controls': id }, 'Preview');
  let round = 0;
  const render = async () => {
    const mine = ++round;
    const texts = sources();
    region.setAttribute('aria-busy', 'true');
    if (!body.childElementCount) body.append(loadingState('Preparing the preview…'));
    try {
      const parts = await Promise.all(texts.map((markdown) => (markdown.trim() ? api.post<{ html: string }>('/preview', { markdown }, { signal }) : null)));
      if (mine !== round) return;
      const sections = parts.map((part, i) => {
        if (!part) return null;
        const prose = h('div', { class: 'prose' });
        setServerHtml(prose, part.html);
        return h('section', { class: 'story-part' }, h('h3', null, PARTS[i]!), prose);
      });
      const shown = sections.filter((el): el is HTMLElement => el !== null);
      body.replaceChildren(...(shown.length ? shown : [h('p', { class: 'muted' }, 'Nothing to preview yet: write a few lines first.')]));
    } catch (error) {
      if (isAbort(error) || mine !== round) return;
      body.replaceChildren(errorState(error, () => void render(), "The preview didn't load."));
    } finally {
      if (mine === round) region.removeAttribute('aria-busy');
    }
  };
  const follow = debounce(() => void render(), 700);
  toggle.addEventListener('click', () => {
    const open = region.hidden;
    region.hidden = !open;
    toggle.setAttribute('aria-expanded', String(open));
    follow.cancel();
    round++;
    body.replaceChildren();
    if (open) void render();
  });
  signal.addEventListener('abort', () => follow.cancel());
  return { toggle, region, changed: () => !region.hidden && follow() };
}

export function composeScreen({ outlet, signal }: RouteContext): () => void {
  // a category or the anonymous box alone are not words worth offering back
  const draft = new DraftStore<StoryDraft>(NEW_STORY_DRAFT, {
    hasWords: (d) => [d.title, d.happened, d.handled, d.learned, d.contentWarning].some((t) => typeof t === 'string' && t.trim() !== ''),
  });
  let published = false;
  guardLeaving(() => (!published && draft.atRisk ? WORDS_AT_RISK : null), signal);
  const body = h('div', { class: 'compose-body', 'aria-busy': 'true' }, loadingState('Opening your draft…'));
  outlet.append(
    h(
      'section',
      { class: 'screen compose' },
      h('h1', null, 'Write a story'),
      h(
        'p',
        { class: 'lead' },
        'Take your time. Share as much or as little as feels right — a few honest lines can help someone more than you know.',
      ),
      body,
    ),
  );

  const start = async () => {
    body.setAttribute('aria-busy', 'true');
    body.replaceChildren(loadingState('Opening your draft…'));
    const [cats, stored] = await Promise.allSettled([categories.load(), draft.load(signal)]);
    if (signal.aborted) return;
    body.removeAttribute('aria-busy');
    if (cats.status === 'rejected') {
      body.replaceChildren(errorState(cats.reason, () => void start(), "We couldn't load the categories."));
      return;
    }
    const restored = stored.status === 'fulfilled' ? stored.value : null;
    const draftFailed = stored.status === 'rejected' && !isAbort(stored.reason);
    body.replaceChildren(buildForm(restored, draftFailed));
  };

  function buildForm(restored: StoredDraft<StoryDraft> | null, draftFailed: boolean): HTMLElement {
    const title = textField({ name: 'title', label: 'Title', hint: 'A few words that sum it up.', required: true, maxlength: 150 });
    const category = selectField({
      name: 'category',
      label: 'Category',
      required: true,
      options: [{ value: '', label: 'Choose a category' }, ...categories.items.map((c) => ({ value: c.slug, label: c.name }))],
    });
    const categoryHint = h('p', { class: 'hint' });
    category.element.insertBefore(categoryHint, category.element.querySelector('.field-error'));
    const happened = textField({
      name: 'happened',
      label: 'What happened?',
      hint: 'Tell it in your own words — what went wrong, and what it meant to you.',
      multiline: true,
      rows: 8,
      required: true,
    });
    const handled = textField({
      name: 'handled',
      label: 'How did you handle it?',
      hint: 'What you did, felt or tried — in the moment or afterwards. Messy counts.',
      multiline: true,
      rows: 6,
      optional: true,
    });
    const learned = textField({
      name: 'learned',
      label: 'What did you learn?',
      hint: 'Anything you would tell someone facing the same thing. “Not sure yet” is an answer too.',
      multiline: true,
      rows: 6,
      optional: true,
    });
    const contentWarning = textField({
      name: 'contentWarning',
      label: 'Content warning',
      hint: 'If your story touches something heavy, name it in a few words (for example “grief” or “self-harm”) so readers can choose when to read it.',
      optional: true,
      maxlength: 100,
    });
    const anonymous = checkboxField({
      name: 'anonymous',
      label: 'Post anonymously',
      hint: 'Other members will see a pseudonym. Moderators can still see who you are, to keep everyone safe.',
    });
    const replyMode = replyModeField();
    const fields = [title, category, happened, handled, learned, contentWarning, anonymous, replyMode];
    const region = alertRegion();
    const errors = new FormErrors(region, fields);
    const saveStatus = h('p', { class: 'save-status' });
    const preview = previewer(() => [happened.control.value, handled.control.value, learned.control.value], signal);
    // stories like this one, looked for after a pause in typing the title or what happened
    const similar = composerSimilar(() => ({ title: title.control.value, happened: happened.control.value }), signal);
    const publish = h('button', { type: 'submit', class: 'button button-primary' }, 'Publish story');

    const collect = (): StoryDraft => ({
      title: title.control.value,
      category: category.control.value,
      happened: happened.control.value,
      handled: handled.control.value,
      learned: learned.control.value,
      contentWarning: contentWarning.control.value,
      anonymous: anonymous.control.checked,
      replyMode: replyMode.value(),
    });
    const fill = (d: Partial<StoryDraft>) => {
      title.control.value = d.title ?? '';
      if (d.category && categories.find(d.category)) category.control.value = d.category;
      else category.control.value = '';
      happened.control.value = d.happened ?? '';
      handled.control.value = d.handled ?? '';
      learned.control.value = d.learned ?? '';
      contentWarning.control.value = d.contentWarning ?? '';
      anonymous.control.checked = Boolean(d.anonymous);
      replyMode.set(d.replyMode ?? 'advice');
      showCategoryHint();
    };
    const showCategoryHint = () => {
      categoryHint.textContent = categories.find(category.control.value)?.description ?? '';
    };

    const notices: HTMLElement[] = [];
    if (restored) {
      fill(asDraft(restored.data));
      const startOver = h('button', { type: 'button', class: 'button button-small button-quiet' }, 'Start over');
      const notice = h(
        'div',
        { class: 'notice' },
        h('p', null, `We kept your unfinished story (saved ${relativeTime(restored.updatedAt)}).`),
        startOver,
      );
      startOver.addEventListener('click', async () => {
        if (!window.confirm('Clear this draft and start over? This cannot be undone.')) return;
        fill({});
        preview.changed();
        notice.remove();
        try {
          await draft.discard();
        } catch {
          // The next autosave replaces it anyway.
        }
        draft.resume();
        title.control.focus();
      });
      notices.push(notice);
    } else if (draftFailed) {
      notices.push(h('div', { class: 'notice' }, h('p', null, "We couldn't check for an earlier draft just now. What you type here will still be saved.")));
    }
    // words kept in this browser that the server's draft does not hold (typed offline, then the tab closed)
    const unsent = draft.unsent(restored);
    if (unsent) {
      // the offer's code is its own small chunk: most pages never need it
      const slot = h('div', { class: 'unsent-slot' });
      notices.unshift(slot);
      const choice = {
        restore: () => {
          fill(asDraft(unsent.data));
          draft.settleUnsent(true);
          draft.update(collect());
          preview.changed();
          title.control.focus();
        },
        discard: () => {
          draft.settleUnsent(false);
          title.control.focus();
        },
      };
      void import('../components/unsent-words.js').then(({ unsentWordsOffer }) => slot.replaceChildren(unsentWordsOffer(unsent, choice)));
    }

    const renderStatus = () => {
      saveStatus.textContent = saveStatusText(draft);
      saveStatus.dataset.status = draft.status;
    };
    let announcedFailure = false;
    draft.addEventListener(
      'change',
      () => {
        renderStatus();
        if (draft.status === 'error' && !announcedFailure) {
          announcedFailure = true;
          announce('Your draft was not saved. We will keep trying.');
        } else if (draft.status === 'saved') {
          announcedFailure = false;
        }
      },
      { signal },
    );
    renderStatus();
    if (restored) saveStatus.textContent = 'Saved';
    // a draft brought back may already say enough to look for similar stories
    similar.changed();

    const form = h(
      'form',
      { class: 'form compose-form', novalidate: true, 'aria-label': 'Your story' },
      ...notices,
      region,
      title.element,
      category.element,
      h(
        'fieldset',
        { class: 'parts' },
        h('legend', null, 'Your story, in three parts'),
        h('p', { class: 'hint' }, 'You can use Markdown: **bold**, *italic*, lists and links.'),
        happened.element,
        similar.element,
        handled.element,
        learned.element,
        h('div', { class: 'actions' }, preview.toggle),
      ),
      preview.region,
      contentWarning.element,
      anonymous.element,
      replyMode.element,
      h('div', { class: 'actions compose-actions' }, publish, saveStatus),
    );
    // a suspended member is told before writing, not after
    closeWhileSuspended(form);

    form.addEventListener(
      'input',
      () => {
        draft.update(collect());
        preview.changed();
        similar.changed();
      },
      { signal },
    );
    form.addEventListener('change', () => draft.update(collect()), { signal });
    category.control.addEventListener('change', showCategoryHint, { signal });

    submitForm({ form, errors, submit: publish }, {
      busyLabel: 'Checking…',
      signal,
      read: collect,
      check: (data) => ({
        // The server is the authority; these mirror its limits to save a round trip.
        title: !data.title.trim() ? 'Give your story a title.' : data.title.trim().length < 5 ? 'A title needs at least 5 characters.' : null,
        category: data.category ? null : 'Choose a category.',
        happened: !data.happened.trim()
          ? 'Tell us what happened — even a few lines.'
          : data.happened.trim().length < 20
            ? 'Tell us a little more — at least 20 characters.'
            : null,
      }),
      send: async (data) => {
        const text = [data.title, data.happened, data.handled, data.learned].filter(Boolean).join('\n\n');
        const safety = await checkForCrisis(text, signal);
        let sawResources = false;
        if (safety?.crisis) {
          sawResources = true;
          void draft.flush();
          // a story without a content warning is offered the one its words suggest, pre-filled
          const suggestedWarning = data.contentWarning.trim() ? null : (safety.contentWarning ?? 'suicide');
          const answer = await confirmCrisis(safety.resources ?? [], { suggestedWarning });
          if (answer.action !== 'publish' || signal.aborted) return;
          if (answer.contentWarning) {
            data.contentWarning = answer.contentWarning;
            contentWarning.control.value = answer.contentWarning;
          }
        }
        publish.textContent = 'Publishing…';
        const thread = await api.post<ThreadView & { safety?: SafetyCheck }>(
          '/threads',
          {
            title: data.title.trim(),
            category: data.category,
            happened: data.happened,
            // Optional parts are left out when empty (undefined is dropped from the JSON).
            handled: data.handled.trim() ? data.handled : undefined,
            learned: data.learned.trim() ? data.learned : undefined,
            contentWarning: data.contentWarning.trim() || undefined,
            anonymous: data.anonymous,
            replyMode: data.replyMode ?? 'advice',
          },
          { signal },
        );
        published = true;
        draft.stop();
        void draft.discard().catch(() => undefined);
        // The author chose the warning: their own story opens uncovered for them.
        if (data.contentWarning.trim()) reveals.set(thread.id, true);
        leaveNotice(thread.id, {
          pending: thread.status === 'pending',
          safety: !sawResources && thread.safety?.crisis ? thread.safety : undefined,
        });
        navigate(`/stories/${encodeURIComponent(thread.id)}`);
      },
      failed: (error) => {
        // Everything typed stays; the draft keeps saving.
        errors.show(error);
        if (!(error instanceof ApiError) || !error.errors.length) region.scrollIntoView({ block: 'nearest' });
      },
    });
    return form;
  }

  window.addEventListener(
    'pagehide',
    () => {
      if (!published) void draft.flush({ keepalive: true }).catch(() => undefined);
    },
    { signal },
  );

  void start();

  return () => {
    // Leaving the screen: save what is unsaved, then stop.
    if (!published) void draft.flush().catch(() => undefined);
    draft.stop();
  };
}
