// A polite live region for short announcements ("New reply from Sam", "Saved").
const BATCH_MS = 1200;

let region: HTMLElement | null = null;
let queue: string[] = [];
let timer: ReturnType<typeof setTimeout> | undefined;

function ensureRegion(): HTMLElement {
  if (region && region.isConnected) return region;
  region = document.getElementById('announcer');
  if (!region) {
    region = document.createElement('div');
    region.id = 'announcer';
    region.className = 'sr-only';
    region.setAttribute('role', 'status');
    region.setAttribute('aria-live', 'polite');
    region.setAttribute('aria-atomic', 'true');
    document.body.append(region);
  }
  return region;
}

/** Announces a message politely; messages arriving close together are read as one. */
export function announce(message: string): void {
  ensureRegion();
  queue.push(message);
  if (timer !== undefined) return;
  timer = setTimeout(() => {
    timer = undefined;
    const el = ensureRegion();
    const text = queue.length > 3 ? `${queue.length} updates: ${queue.slice(-3).join('. ')}` : queue.join('. ');
    queue = [];
    el.textContent = '';
    // A fresh text node after clearing makes screen readers read it even when it repeats.
    setTimeout(() => {
      el.textContent = text;
    }, 50);
  }, BATCH_MS / 4);
}

/**
 * Collects many similar events (e.g. "New reply from X") and announces them as one sentence,
 * so a burst of live replies is not read out one by one.
 */
export function createBatchedAnnouncer(summarize: (items: string[]) => string, windowMs = BATCH_MS) {
  let items: string[] = [];
  let t: ReturnType<typeof setTimeout> | undefined;
  return {
    add(item: string) {
      items.push(item);
      if (t !== undefined) return;
      t = setTimeout(() => {
        t = undefined;
        const batch = items;
        items = [];
        if (batch.length) announce(summarize(batch));
      }, windowMs);
    },
    cancel() {
      if (t !== undefined) clearTimeout(t);
      t = undefined;
      items = [];
    },
  };
}
