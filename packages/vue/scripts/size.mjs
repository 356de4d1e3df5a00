// What @tabmq/vue adds to an app's bundle: its dist bundled and minified as a bundler would, with
// vue and @tabmq/core left out (the app has them anyway), gzipped. Run after `pnpm build`.
import { build } from 'esbuild'
import { gzipSync } from 'node:zlib'

const result = await build({
  entryPoints: ['dist/index.js'],
  bundle: true,
  format: 'esm',
  platform: 'browser',
  minify: true,
  write: false,
  external: ['vue', '@tabmq/core'],
})
const code = result.outputFiles[0].contents
console.log(JSON.stringify({ minifiedBytes: code.length, gzipBytes: gzipSync(code, { level: 9 }).length }))
