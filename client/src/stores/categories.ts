// Categories from GET /api/categories, loaded once and shared by the list, compose and story screens.
import type { CategoryView } from '../../../src/contract/views.js';
import { api } from '../api.js';

export class CategoriesStore extends EventTarget {
  #items: CategoryView[] = [];
  #pending: Promise<CategoryView[]> | null = null;
  #loaded = false;

  get items(): readonly CategoryView[] {
    return this.#items;
  }

  get loaded(): boolean {
    return this.#loaded;
  }

  /** Loads once; a failed load may be retried by calling again. */
  load(): Promise<CategoryView[]> {
    if (this.#loaded) return Promise.resolve(this.#items);
    this.#pending ??= api
      .get<CategoryView[]>('/categories')
      .then((items) => {
        this.#items = Array.isArray(items) ? items : [];
        this.#loaded = true;
        this.dispatchEvent(new Event('change'));
        return this.#items;
      })
      .finally(() => {
        this.#pending = null;
      });
    return this.#pending;
  }

  find(slug: string): CategoryView | undefined {
    return this.#items.find((c) => c.slug === slug);
  }

  /** The display name for a slug (the slug itself until categories are loaded). */
  name(slug: string): string {
    return this.find(slug)?.name ?? slug;
  }
}

export const categories = new CategoriesStore();
