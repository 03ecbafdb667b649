// Vite builds the PWA from web/ into web/dist. The isolation headers make the page cross-origin isolated
// (SharedArrayBuffer → onnxruntime-web threads); `worldmodel serve` sends the same headers in production.
import { defineConfig, defaultClientConditions, type Plugin } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/** The head every page shares (index, benchmark, leaderboard), written once: each page keeps only its own title. */
function pageHead(): Plugin {
  return {
    name: 'worldmodel-page-head',
    transformIndexHtml: () => [
      { tag: 'meta', attrs: { charset: 'UTF-8' }, injectTo: 'head-prepend' },
      { tag: 'meta', attrs: { name: 'viewport', content: 'width=device-width, initial-scale=1.0' }, injectTo: 'head' },
      { tag: 'meta', attrs: { name: 'theme-color', content: '#1f3a5f' }, injectTo: 'head' },
      { tag: 'link', attrs: { rel: 'icon', href: 'icon.svg', type: 'image/svg+xml' }, injectTo: 'head' },
    ],
  };
}

export default defineConfig({
  root: 'web',
  base: './',
  // The app's version, which bundles name in release.compatibility.app (docs/bundle.md); one source: package.json.
  define: { __APP_VERSION__: JSON.stringify(JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf-8')).version) },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 2048,
    // Three pages: the app, the benchmark and the leaderboard (docs/leaderboard.md).
    rollupOptions: {
      input: {
        main: fileURLToPath(new URL('./web/index.html', import.meta.url)),
        benchmark: fileURLToPath(new URL('./web/benchmark.html', import.meta.url)),
        leaderboard: fileURLToPath(new URL('./web/leaderboard.html', import.meta.url)),
      },
    },
  },
  // onnxruntime-web's "extern wasm" build loads its glue module from env.wasm.wasmPaths instead of inlining
  // it, so its pthread workers start from that small file rather than from our worker bundle.
  resolve: { conditions: ['onnxruntime-web-use-extern-wasm', ...defaultClientConditions] },
  worker: { format: 'es' },
  // onnxruntime-web ships its own wasm loader; pre-bundling breaks its relative URLs.
  optimizeDeps: { exclude: ['onnxruntime-web'] },
  // `npm run dev` serves the app; the bundle comes from `worldmodel serve` (port 8000) through this proxy.
  server: { headers: isolationHeaders, proxy: { '/bundle': process.env.WORLDMODEL_SERVE ?? 'http://127.0.0.1:8000' } },
  preview: { headers: isolationHeaders },
  plugins: [
    pageHead(),
    VitePWA({
      registerType: 'autoUpdate',
      injectRegister: false,
      includeAssets: ['icon.svg', 'icon-192.png', 'icon-512.png', 'rt.wat'],
      manifest: {
        name: 'WorldModel',
        short_name: 'WorldModel',
        description: 'A small language model that answers by writing WebAssembly and letting the machine compute.',
        theme_color: '#1f3a5f',
        background_color: '#ffffff',
        display: 'standalone',
        start_url: './',
        scope: './',
        icons: [
          { src: 'icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: 'icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: 'icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
          { src: 'icon.svg', sizes: 'any', type: 'image/svg+xml' },
        ],
      },
      workbox: {
        // The app shell (ORT's 12 MB wasm included) and the benchmark and leaderboard pages are precached; the model bundle is cached by the
        // inference worker itself (Cache Storage, verified by SHA-256), so the service worker leaves /bundle alone.
        globPatterns: ['**/*.{js,mjs,css,html,wasm,svg,png,wat,webmanifest}'],
        // The Python pane's Pyodide (~13 MB) is no part of the install-time precache: the page fills a cache of
        // its own after the model has loaded (web/src/pyodide-cache.ts) and requests are answered from it first.
        globIgnores: ['pyodide/**'],
        runtimeCaching: [
          {
            urlPattern: ({ url }) => url.pathname.includes('/pyodide/') && !url.searchParams.has('fresh'),
            handler: 'CacheFirst',
            options: { cacheName: 'worldmodel-pyodide' }, // PYODIDE_CACHE in web/src/pyodide-cache.ts
          },
        ],
        maximumFileSizeToCacheInBytes: 32 * 1024 * 1024,
        // The leaderboard API's CSV/JSON exports are opened as pages: the server answers them, never the app shell.
        navigateFallbackDenylist: [/^\/bundle/, /\/api\//],
        // Pages take settings as query parameters (?threads=, ?bundle=): a precached page is still that page with
        // them. Workbox's default ignores only utm_*/fbclid, so benchmark.html?threads=1 missed the precache and the
        // navigation fallback answered it with index.html, the app instead of the benchmark.
        ignoreURLParametersMatching: [/.*/],
        cleanupOutdatedCaches: true,
      },
    }),
  ],
});
