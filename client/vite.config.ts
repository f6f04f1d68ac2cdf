// Vite configuration for the Setback browser client.
// Build (from the repository root): npx vite build --config client/vite.config.ts
// Dev server: npx vite --config client/vite.config.ts (proxies /api and /socket.io to the Nest app on :3000)
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin, type ProxyOptions } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
const apiTarget = 'http://localhost:3000';

// The server refuses writes whose Origin is not its own (CROSS_SITE); in development the page is served
// from Vite's origin, so the proxy presents the API's own origin instead.
const sameOrigin: ProxyOptions['configure'] = (proxy) => {
  proxy.on('proxyReq', (proxyReq) => {
    if (proxyReq.getHeader('origin')) proxyReq.setHeader('origin', apiTarget);
  });
  proxy.on('proxyReqWs', (proxyReq) => {
    if (proxyReq.getHeader('origin')) proxyReq.setHeader('origin', apiTarget);
  });
};

const proxy: Record<string, ProxyOptions> = {
  '/api': { target: apiTarget, changeOrigin: true, configure: sameOrigin },
  '/socket.io': { target: apiTarget, changeOrigin: true, ws: true, configure: sameOrigin },
};

/**
 * Screens that members rarely or never need are dynamic imports, each its own chunk: the moderators' tools
 * (mod/), sign-in and joining (visitors only), the account settings, recovery and privacy pages. Vite wraps
 * every `import()` in a preload helper (~0.7 kB gzipped in everyone's bundle) to fetch a chunk's CSS and
 * dependencies early; these chunks have no CSS and at most one small shared dependency, so the wrapper is taken
 * off again before minifying, and the unused helper is dropped. (If a future Vite writes the wrapper
 * differently, nothing breaks: it just stays.)
 */
const plainDynamicImports: Plugin = {
  name: 'setback:plain-dynamic-imports',
  renderChunk(code) {
    if (!code.includes('__VITE_PRELOAD__')) return null;
    return { code: code.replace(/__vitePreload\(\(\) => (import\("[^"]+"\)), __VITE_PRELOAD__\)/g, '$1'), map: null };
  },
};

export default defineConfig({
  plugins: [plainDynamicImports],
  root,
  base: '/',
  publicDir: 'public',
  appType: 'spa',
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    // Nothing may be inlined as a data: URI or inline script/style: the server enforces a strict CSP.
    assetsInlineLimit: 0,
    sourcemap: false,
    // No modulepreload polyfill: nothing is preloaded (see plainDynamicImports).
    modulePreload: false,
  },
  server: { proxy },
  preview: { proxy },
});
