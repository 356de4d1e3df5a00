// Builds dist/tabmq.worker.js: the hub with mqtt.js's browser build and Comlink in one file, for
// apps that copy the worker as an asset instead of letting their bundler build it.
import { build } from 'esbuild'

await build({
  entryPoints: ['src/worker.ts'],
  outfile: 'dist/tabmq.worker.js',
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  minify: true,
  sourcemap: true,
  conditions: ['browser', 'import'],
  legalComments: 'linked',
  logLevel: 'warning',
})
