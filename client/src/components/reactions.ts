// Supportive reactions (relate, thanks, helped) as toggle buttons with counts. The bar does not call
// the API itself: it dispatches a ReactionToggleEvent (bubbling) and the screen answers with update().
import type { ReactionCounts, ReactionKind } from '../../../src/contract/views.js';
import { h } from '../dom.js';

export const REACTION_LABELS: Record<ReactionKind, string> = {
  relate: 'Me too',
  thanks: 'Thank you for sharing',
  helped: 'This helped me',
};

export const REACTION_KINDS: ReactionKind[] = ['relate', 'thanks', 'helped'];

/** The reader asked to add (on=true) or remove a reaction. */
export class ReactionToggleEvent extends Event {
  static readonly type = 'reaction-toggle';
  constructor(
    readonly kind: ReactionKind,
    readonly on: boolean,
    readonly bar: ReactionBar,
  ) {
    super(ReactionToggleEvent.type, { bubbles: true });
  }
}

/** Fills in missing kinds with 0 (the server may omit them). */
function normalizeCounts(counts: Partial<ReactionCounts> | null | undefined): ReactionCounts {
  return { relate: counts?.relate ?? 0, thanks: counts?.thanks ?? 0, helped: counts?.helped ?? 0 };
}

export class ReactionBar {
  readonly element: HTMLElement;
  readonly #buttons = new Map<ReactionKind, { button: HTMLButtonElement; count: HTMLElement }>();
  readonly #error: HTMLElement;
  #counts: ReactionCounts;
  #mine: Set<ReactionKind>;
  readonly #busy = new Set<ReactionKind>();

  constructor(counts: ReactionCounts, mine: ReactionKind[], label: string, disabled = false) {
    this.#counts = normalizeCounts(counts);
    this.#mine = new Set(mine);
    this.#error = h('span', { class: 'reaction-error', role: 'status' });
    const group = h('div', { class: 'reactions', role: 'group', 'aria-label': label });
    for (const kind of REACTION_KINDS) {
      const count = h('span', { class: 'count' });
      const button = h(
        'button',
        { type: 'button', class: `reaction reaction-${kind}`, 'data-kind': kind, 'aria-pressed': 'false', disabled },
        h('span', { class: 'reaction-label' }, REACTION_LABELS[kind]),
        count,
      );
      button.addEventListener('click', () => this.#toggle(kind));
      this.#buttons.set(kind, { button, count });
      group.append(button);
    }
    this.element = h('div', { class: 'reaction-bar' }, group, this.#error);
    this.#render();
  }

  get counts(): ReactionCounts {
    return { ...this.#counts };
  }

  /** Applies the server's answer ({reactions, myReactions}). */
  update(counts: ReactionCounts, mine: ReactionKind[]): void {
    this.#counts = normalizeCounts(counts);
    this.#mine = new Set(mine);
    this.#render();
  }

  /** New counts from a live push (built for nobody in particular): the reader's own choices stay as they are. */
  setCounts(counts: ReactionCounts): void {
    this.#counts = normalizeCounts(counts);
    this.#render();
  }

  /** Shows the change right away; the screen calls update() or revert() when the server answers. */
  optimistic(kind: ReactionKind, on: boolean): () => void {
    const before = { counts: { ...this.#counts }, mine: new Set(this.#mine) };
    if (on && !this.#mine.has(kind)) {
      this.#mine.add(kind);
      this.#counts[kind] += 1;
    } else if (!on && this.#mine.has(kind)) {
      this.#mine.delete(kind);
      this.#counts[kind] = Math.max(0, this.#counts[kind] - 1);
    }
    this.#render();
    return () => {
      this.#counts = before.counts;
      this.#mine = before.mine;
      this.#render();
    };
  }

  /** Turns the buttons off (a locked story) or on again. */
  setDisabled(disabled: boolean): void {
    for (const { button } of this.#buttons.values()) button.disabled = disabled;
  }

  setBusy(kind: ReactionKind, busy: boolean): void {
    if (busy) this.#busy.add(kind);
    else this.#busy.delete(kind);
    const entry = this.#buttons.get(kind);
    // aria-disabled rather than disabled, so a keyboard user's focus stays on the button.
    if (entry) entry.button.setAttribute('aria-disabled', busy ? 'true' : 'false');
  }

  showError(message: string | null): void {
    this.#error.textContent = message ?? '';
  }

  #toggle(kind: ReactionKind): void {
    const entry = this.#buttons.get(kind);
    if (!entry || entry.button.disabled || this.#busy.has(kind)) return;
    this.showError(null);
    this.element.dispatchEvent(new ReactionToggleEvent(kind, !this.#mine.has(kind), this));
  }

  #render(): void {
    for (const [kind, { button, count }] of this.#buttons) {
      const pressed = this.#mine.has(kind);
      button.setAttribute('aria-pressed', String(pressed));
      const n = this.#counts[kind] ?? 0;
      count.replaceChildren(h('span', { class: 'sr-only' }, ', '), String(n));
      count.classList.toggle('is-zero', n === 0);
    }
  }
}

/** A short text summary for lists: "3 me too · 1 helped". */
export function reactionSummary(counts: ReactionCounts): HTMLElement | null {
  const short: Record<ReactionKind, string> = { relate: 'me too', thanks: 'thank you', helped: 'helped' };
  const parts = REACTION_KINDS.filter((k) => (counts?.[k] ?? 0) > 0).map((k) =>
    h('span', { class: `summary-${k}` }, `${counts[k]} ${short[k]}`),
  );
  if (!parts.length) return null;
  const el = h('span', { class: 'reaction-summary' });
  parts.forEach((p, i) => {
    if (i) el.append(' · ');
    el.append(p);
  });
  return el;
}
