import { PGlite, type PGliteOptions } from '@electric-sql/pglite';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { x as extractTar } from 'tar';

/**
 * A new embedded database starts as a copy of a template: the data folder PGlite's initdb makes, stored once in the
 * repository (`embedded/`) for the PGlite version installed. initdb runs a second PostgreSQL in WebAssembly and copies
 * its whole heap, about 700 MB for ~5 s on a newcomer's very first start; unpacking the template is a 4.5 MB read and
 * under a second. Without a template for the installed version (PGlite was upgraded), the caller runs initdb as before.
 */

function packageRoot(from: string): string {
  let dir = from;
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${from}`);
    dir = up;
  }
  return dir;
}

/** The installed PGlite's version: a template holds its catalog, which another version may not read. */
export function pgliteVersion(): string {
  const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  const pkg = JSON.parse(readFileSync(join(packageRoot(dirname(entry)), 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

/** Where the template for the installed PGlite version lives (whether or not it is there). */
export function templatePath(): string {
  return join(packageRoot(dirname(fileURLToPath(import.meta.url))), 'embedded', `pglite-${pgliteVersion()}.tar.gz`);
}

/** The template for the installed PGlite version, or null when there is none. */
export function findTemplate(): string | null {
  const file = templatePath();
  return existsSync(file) ? file : null;
}

// PG_VERSION marks a finished folder (openers test for it): it is written last, so an interrupted unpacking leaves a
// folder that is still "new" and is unpacked again on the next start. postmaster.pid is the dumping server's own.
const isMarker = (path: string): boolean => path.replace(/^\/+/, '') === 'PG_VERSION';
const isStale = (path: string): boolean => path.replace(/^\/+/, '') === 'postmaster.pid';

/** Unpacks the template into a new data folder (it may exist, holding only the lock file). */
export async function unpackTemplate(file: string, dataDir: string): Promise<void> {
  mkdirSync(dataDir, { recursive: true });
  // the template's paths are absolute (`/base/…`, as PGlite writes them): tar makes them relative to cwd
  const quiet = () => undefined;
  await extractTar({ file, cwd: dataDir, onwarn: quiet, filter: (path) => !isMarker(path) && !isStale(path) });
  await extractTar({ file, cwd: dataDir, onwarn: quiet, filter: (path) => isMarker(path) });
  if (!existsSync(join(dataDir, 'PG_VERSION'))) throw new Error(`the embedded database template ${file} holds no PG_VERSION`);
}

/** The template's bytes, for an in-memory database (PGlite's `loadDataDir`). */
export function templateBlob(file: string): Blob {
  return new Blob([readFileSync(file)]);
}

/** Runs initdb in memory with these options and stores the result as the template (`npm run embedded-template`). */
export async function writeTemplate(options: PGliteOptions, file = templatePath()): Promise<{ file: string; bytes: number }> {
  const db = await PGlite.create({ ...options, loadDataDir: undefined });
  try {
    const dump = await db.dumpDataDir('gzip');
    const bytes = Buffer.from(await dump.arrayBuffer());
    mkdirSync(dirname(file), { recursive: true });
    rmSync(file, { force: true });
    writeFileSync(file, bytes);
    return { file, bytes: bytes.length };
  } finally {
    await db.close();
  }
}
