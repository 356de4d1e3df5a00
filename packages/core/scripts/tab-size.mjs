// Measures what a tab loads: @tabmq/core's client and the mqttOverWs provider, bundled and
// minified as an app's bundler would, gzipped. The inline hub is a lazy chunk a tab never loads.
import { build } from 'esbuild'
import { gzipSync } from 'node:zlib'

const result = await build({
  stdin: { contents: "export { createPubSub } from './dist/index.js'; export { mqttOverWs } from './dist/providers/index.js'", resolveDir: process.cwd() },
  bundle: true,
  splitting: true,
  outdir: 'node_modules/.tab-size',
  format: 'esm',
  platform: 'browser',
  minify: true,
  write: false,
  metafile: true,
})
const entry = result.outputFiles.find(f => /stdin\.js$/.test(f.path))
const chunks = result.outputFiles.filter(f => f.path.endsWith('.js'))
// What loads at start: the entry plus the chunks it imports statically.
const statics = new Set([entry.path])
for (const [out, meta] of Object.entries(result.metafile.outputs)) {
  if (entry.path.endsWith(out)) for (const imp of meta.imports) if (imp.kind === 'import-statement') statics.add(imp.path)
}
const loaded = chunks.filter(f => [...statics].some(s => f.path.endsWith(s.replace(/^.*node_modules/, 'node_modules')) || f.path === s))
const bytes = loaded.reduce((n, f) => n + f.contents.length, 0)
const gz = loaded.reduce((n, f) => n + gzipSync(f.contents, { level: 9 }).length, 0)
const containsMqtt = loaded.some(f => new TextDecoder().decode(f.contents).includes('MqttClient'))
console.log(JSON.stringify({ files: loaded.length, minifiedBytes: bytes, gzipBytes: gz, containsMqtt }))
