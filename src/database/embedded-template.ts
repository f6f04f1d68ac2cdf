import { PGlite, type PGliteOptions } from '@electric-sql/pglite';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

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

/**
 * Unpacks the template into a new data folder (it may exist, holding only the lock file), in a short-lived child
 * process: the buffers tar and zlib went through came from the C heap, which kept ~50 MB of them resident for the
 * server's whole life (measured after a first start: 278 MB resident unpacked here, 231 MB unpacked by a child).
 * The child runs plain JavaScript (no TypeScript loader), so this works the same from dist/ and under jest.
 */
export function unpackTemplate(file: string, dataDir: string): void {
  mkdirSync(dataDir, { recursive: true });
  const tar = pathToFileURL(createRequire(import.meta.url).resolve('tar')).href;
  // the template's paths are absolute (`/base/…`, as PGlite writes them): tar makes them relative to cwd.
  // PG_VERSION marks a finished folder (openers test for it): it is written last, so an interrupted unpacking leaves a
  // folder that is still "new" and is unpacked again on the next start. postmaster.pid is the dumping server's own.
  // Synchronous and without mtimes: 0.5 s instead of 1.9 s for its thousand files.
  const script = `const tar = await import(${JSON.stringify(tar)});
const x = tar.x ?? tar.default.x;
const [file, cwd] = process.argv.slice(1);
const name = (p) => p.replace(/^\\/+/, '');
const opts = { file, cwd, sync: true, noMtime: true, preserveOwner: false, onwarn: () => undefined };
x({ ...opts, filter: (p) => name(p) !== 'PG_VERSION' && name(p) !== 'postmaster.pid' });
x({ ...opts, filter: (p) => name(p) === 'PG_VERSION' });`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script, file, dataDir], { stdio: ['ignore', 'inherit', 'pipe'], encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`could not unpack the embedded database template ${file} into ${dataDir}: ${r.stderr || r.error?.message || `exit ${r.status}`}`);
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
