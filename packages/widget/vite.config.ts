import { fileURLToPath } from 'node:url';
import minifyHTML from '@lit-labs/rollup-plugin-minify-html-literals';
import { defineConfig } from 'vite';
import { classicLoader } from './scripts/classic-loader.js';
import { metadataGroupOf, metadataRelease, phoneMetadata } from './scripts/phone-metadata.js';

const sources = fileURLToPath(new URL('./src/', import.meta.url));

// An ES module entry (for bundlers and for the classic loader) plus lazy chunks — the phone engine,
// one metadata chunk per calling code, one per non-English locale. Library mode: no preload helper
// in front of each dynamic import (the chunks import nothing the entry lacks). Everything sits flat in dist/ so `import.meta.url` of
// any chunk is the widget's base URL; the manifest lets scripts/size.mjs follow the import graph.
export default defineConfig({
  // Lit's own plugin minifies the markup and CSS inside `html` and `css` templates, which the JS
  // minifier leaves as written; only our sources have templates.
  plugins: [minifyHTML({ filter: (id) => id.startsWith(sources) }), phoneMetadata(), classicLoader()],
  base: './',
  // Always Lit's production build, also when a test runner (NODE_ENV=test) triggers the build.
  resolve: { conditions: ['module', 'browser', 'production'] },
  build: {
    target: 'es2022',
    sourcemap: false,
    manifest: true,
    reportCompressedSize: false,
    lib: {
      entry: { proofline: 'src/index.ts' },
      formats: ['es'],
      fileName: (_format, name) => `${name}.esm.js`,
    },
    rollupOptions: {
      output: {
        // Library builds keep whitespace by default; the widget ships minified.
        minify: true,
        chunkFileNames: (chunk) => {
          const group = metadataGroupOf(chunk.facadeModuleId);
          return group ? `phone-${group}-${metadataRelease}.js` : '[name]-[hash].js';
        },
      },
    },
  },
});
