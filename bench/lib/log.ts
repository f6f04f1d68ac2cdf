const started = Date.now();

/** Progress lines, prefixed with the time since the bench started. */
export function log(message: string): void {
  const s = Math.floor((Date.now() - started) / 1000);
  const stamp = `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
  console.log(`[${stamp}] ${message}`);
}

export const elapsedSeconds = (): number => (Date.now() - started) / 1000;
