// The "N new replies ↓" button, shown instead of moving the page when replies arrive out of view.
import { h } from '../../dom.js';

export function reducedMotion(): boolean {
  return window.matchMedia?.('(prefers-reduced-motion: reduce)').matches ?? false;
}

/** Whether some of the element is inside the viewport. */
export function inView(el: Element): boolean {
  const r = el.getBoundingClientRect();
  return r.bottom > 0 && r.top < window.innerHeight && r.height > 0;
}

export class NewRepliesPill {
  readonly element: HTMLButtonElement;
  #unseen: string[] = [];
  readonly #elementFor: (id: string) => HTMLElement | null;
  #frame = 0;

  constructor(elementFor: (id: string) => HTMLElement | null, signal: AbortSignal) {
    this.#elementFor = elementFor;
    this.element = h('button', { type: 'button', class: 'new-replies-pill', hidden: true });
    this.element.addEventListener('click', () => this.#jump());
    const onScroll = () => {
      if (this.#frame || !this.#unseen.length) return;
      this.#frame = requestAnimationFrame(() => {
        this.#frame = 0;
        this.#prune();
      });
    };
    window.addEventListener('scroll', onScroll, { passive: true, signal });
    window.addEventListener('resize', onScroll, { passive: true, signal });
    signal.addEventListener('abort', () => cancelAnimationFrame(this.#frame));
  }

  /** Replies that arrived live and are not in view. */
  add(...ids: string[]): void {
    for (const id of ids) if (!this.#unseen.includes(id)) this.#unseen.push(id);
    this.#render();
  }

  #prune(): void {
    this.#unseen = this.#unseen.filter((id) => {
      const el = this.#elementFor(id);
      return el !== null && !inView(el);
    });
    this.#render();
  }

  #render(): void {
    const n = this.#unseen.length;
    this.element.hidden = n === 0;
    this.element.textContent = n === 1 ? '1 new reply ↓' : `${n} new replies ↓`;
  }

  #jump(): void {
    const first = this.#unseen.map((id) => this.#elementFor(id)).find((el): el is HTMLElement => el !== null);
    this.#unseen = [];
    this.#render();
    if (!first) return;
    first.tabIndex = -1;
    first.scrollIntoView({ block: 'start', behavior: reducedMotion() ? 'auto' : 'smooth' });
    first.focus({ preventScroll: true });
  }
}
