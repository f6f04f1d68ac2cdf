import { Injectable, OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { CategoryView } from '../contract/views.js';
import { DomainError } from '../common/errors.js';

/** Categories are fixed by migrations, so they are read once and kept in memory. */
@Injectable()
export class CategoriesService implements OnModuleInit {
  private list: CategoryView[] = [];
  private bySlug = new Map<string, CategoryView>();

  constructor(private readonly dataSource: DataSource) {}

  async onModuleInit(): Promise<void> {
    const rows: CategoryView[] = await this.dataSource.query('SELECT slug, name, description FROM categories ORDER BY position');
    this.list = rows;
    this.bySlug = new Map(rows.map((c) => [c.slug, c]));
  }

  all(): CategoryView[] {
    return this.list;
  }

  /** The slug, or a 400 naming the field when it is not a category. */
  require(slug: string, field = 'category'): string {
    if (!this.bySlug.has(slug)) {
      const message = `${field} is not a known category (one of: ${this.list.map((c) => c.slug).join(', ')})`;
      throw new DomainError('VALIDATION_FAILED', message, { errors: [{ field, message }] });
    }
    return slug;
  }
}
