#!/usr/bin/env node
// Builds the server (tsc) and the client (vite) only when their sources changed since the last build,
// so `npm start` after a restart is quick.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { extname, join } from 'node:path';
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';

const root = new URL('..', import.meta.url).pathname;
const npxBin = (name) => join(root, 'node_modules', '.bin', name);

function fingerprint(paths) {
  const h = createHash('sha256');
  const walk = (p) => {
    if (!existsSync(p)) return;
    const st = statSync(p);
    if (st.isDirectory()) {
      for (const name of readdirSync(p).sort()) if (name !== 'dist' && name !== 'node_modules') walk(join(p, name));
    } else h.update(`${p}:${st.size}:${st.mtimeMs}\n`);
  };
  for (const p of paths) walk(join(root, p));
  return h.digest('hex');
}

function step(name, sources, output, run) {
  const stampFile = join(root, 'dist', `.${name}.stamp`);
  const print = fingerprint(sources);
  if (existsSync(output) && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === print) return false;
  const started = Date.now();
  process.stdout.write(`Building ${name}… `);
  run();
  mkdirSync(join(root, 'dist'), { recursive: true });
  writeFileSync(stampFile, print);
  console.log(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return true;
}

const force = process.argv.includes('--force');
if (force) for (const n of ['server', 'client']) try { writeFileSync(join(root, 'dist', `.${n}.stamp`), ''); } catch { /* no dist yet */ }

step('server', ['src', 'migrations', 'scripts', 'bench', 'tsconfig.json', 'package-lock.json'], join(root, 'dist/src/main.js'), () =>
  execFileSync(npxBin('tsc'), ['-p', join(root, 'tsconfig.json')], { stdio: 'inherit', cwd: root }),
);
// compressed once here, at the highest levels, so serving the client costs no CPU per request (the server picks
// the .br or .gz file by Accept-Encoding)
function precompress(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) precompress(path);
    else if (['.js', '.css', '.svg', '.html', '.txt'].includes(extname(name)) && statSync(path).size >= 1024) {
      const data = readFileSync(path);
      writeFileSync(`${path}.br`, brotliCompressSync(data, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11, [zlib.BROTLI_PARAM_SIZE_HINT]: data.length } }));
      writeFileSync(`${path}.gz`, gzipSync(data, { level: 9 }));
    }
  }
}

step('client', ['client', 'src/contract', 'package-lock.json', 'scripts/build.mjs'], join(root, 'client/dist/index.html'), () => {
  execFileSync(npxBin('vite'), ['build', '--config', join(root, 'client/vite.config.ts'), '--logLevel', 'warn'], { stdio: 'inherit', cwd: root });
  precompress(join(root, 'client/dist/assets'));
});
