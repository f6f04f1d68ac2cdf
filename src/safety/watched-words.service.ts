import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { findWatched } from '../common/text.js';

export type WatchAction = 'block' | 'hold' | 'flag' | 'crisis';

export interface WatchedWord {
  id: string;
  pattern: string;
  action: WatchAction;
  createdAt: string;
}

export interface Screening {
  block: boolean;
  hold: boolean;
  flag: boolean;
  crisis: boolean;
  /** The content-warning label of the first crisis phrase that matched (e.g. "suicide"), null when none did. */
  crisisLabel: string | null;
}

/**
 * The content warning a crisis phrase puts on a story that has none: what the phrase is about, in the plainest word.
 * A phrase moderators add later is labelled by the same rule; anything it does not recognise is "distress".
 */
export function crisisLabel(pattern: string): string {
  const p = pattern.toLowerCase();
  if (/harm|hurt|cut|burn|injur/.test(p)) return 'self-harm';
  if (/suicid|kill|die|dead|death|end (it|my)|life|live|overdose/.test(p)) return 'suicide';
  return 'distress';
}

const TTL_MS = 5_000; // other instances pick up a change within seconds

/** The watched-word list, matched after normalization (case, full-width letters, zero-width and bidi characters). */
@Injectable()
export class WatchedWordsService {
  private cache: { words: WatchedWord[]; at: number } | null = null;

  constructor(private readonly dataSource: DataSource) {}

  async list(): Promise<WatchedWord[]> {
    if (this.cache && Date.now() - this.cache.at < TTL_MS) return this.cache.words;
    const rows: { id: string; pattern: string; action: WatchAction; created_at: Date }[] = await this.dataSource.query(
      'SELECT id, pattern, action, created_at FROM watched_words ORDER BY pattern',
    );
    const words = rows.map((r) => ({ id: r.id, pattern: r.pattern, action: r.action, createdAt: r.created_at.toISOString() }));
    this.cache = { words, at: Date.now() };
    return words;
  }

  invalidate(): void {
    this.cache = null;
  }

  /** Adds a word or phrase (normalized by the caller); its id, or undefined when it is already on the list. */
  async add(pattern: string, action: WatchAction, createdBy: string): Promise<string | undefined> {
    const rows: { id: string }[] = await this.dataSource.query(
      'INSERT INTO watched_words (pattern, action, created_by) VALUES ($1, $2, $3) ON CONFLICT (pattern) DO NOTHING RETURNING id',
      [pattern, action, createdBy],
    );
    if (rows[0]) this.invalidate();
    return rows[0]?.id;
  }

  /** Takes a word off the list (`id` must be a well-formed uuid); the pattern it had, or undefined when there was none. */
  async remove(id: string): Promise<string | undefined> {
    const [rows]: [{ pattern: string }[], number] = await this.dataSource.query('DELETE FROM watched_words WHERE id = $1 RETURNING pattern', [id]);
    if (rows[0]) this.invalidate();
    return rows[0]?.pattern;
  }

  async screen(...texts: (string | null | undefined)[]): Promise<Screening> {
    return screenWith(await this.list(), texts);
  }
}

/** Synchronous screening against a list fetched earlier (inside a transaction no other query may run on the embedded database). */
export function screenWith(words: WatchedWord[], texts: (string | null | undefined)[]): Screening {
  const hits = findWatched(texts.filter(Boolean).join('\n'), words);
  const has = (a: WatchAction) => hits.some((h) => h.action === a);
  const crisis = hits.find((h) => h.action === 'crisis');
  return { block: has('block'), hold: has('hold'), flag: has('flag'), crisis: !!crisis, crisisLabel: crisis ? crisisLabel(crisis.pattern) : null };
}
