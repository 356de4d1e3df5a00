// What a tab loads, gzipped, measured two ways an app bundles @tabmq/core's dist:
//  - vite: a Vite production build of a small app (create a client, subscribe); what its index.html loads: the entry and the chunks it imports, not the
//    worker, which runs in the SharedWorker, and not Vite's own modulepreload polyfill, which
//    every Vite app carries;
//  - single-file: esbuild, one file, no code splitting (an app that inlines every lazy import).
// `--check` fails when either is over the budget or carries mqtt.js: CI runs it after the tests.
import { build as esbuild } from 'esbuild'
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { gzipSync } from 'node:zlib'

// The goal is 5 KB; what a tab loads stands at about 5.3 KB (the README's "Size and speed" says
// where it goes). These limits keep it from growing. esbuild's single file is about 0.3 KB
// larger for the same code: its minifier, and Comlink's license comment, which it keeps.
const BUDGETS = { vite: 5.5 * 1024, rolldownSingleFile: 5.5 * 1024, esbuildSingleFile: 5.75 * 1024 }
const core = resolve(import.meta.dirname, '..')
// A newcomer's app that creates a client and subscribes: everything else a tab can call is a
// method of the client, so it is in the count anyway.
const APP = `
import { createPubSub } from '@tabmq/core'
import { mqttOverWs } from '@tabmq/core/providers'
const pubsub = createPubSub({ provider: mqttOverWs({ url: 'ws://127.0.0.1:8083/mqtt' }) })
pubsub.subscribe('devices/+/telemetry').subscribe(m => console.log(m.topic, m.data))
`
const gz = bytes => gzipSync(bytes, { level: 9 }).length
const hasMqtt = text => /MqttClient|mqtt-packet/.test(text)

async function viteSize(dir) {
  const { build } = await import('vite')
  writeFileSync(join(dir, 'index.html'), '<!doctype html><script type="module" src="./main.js"></script>')
  writeFileSync(join(dir, 'main.js'), APP)
  const out = join(dir, 'dist')
  await build({ root: dir, logLevel: 'silent', configFile: false, build: { outDir: out, emptyOutDir: true, modulePreload: { polyfill: false } }, worker: { format: 'es' } })
  const html = readFileSync(join(out, 'index.html'), 'utf8')
  // What the page loads: its module script and modulepreloads (the worker's file is only named inside the code).
  const loaded = [...html.matchAll(/(?:src|href)="\/?([^"]+\.js)"/g)].map(m => m[1])
  const texts = loaded.map(f => readFileSync(join(out, f)))
  if (process.env.TAB_SIZE_DUMP) writeFileSync(process.env.TAB_SIZE_DUMP, Buffer.concat(texts))
  const workers = readdirSync(join(out, 'assets')).filter(f => f.endsWith('.js') && !loaded.includes(`assets/${f}`))
  return { files: loaded.length, workerFiles: workers.length, minifiedBytes: texts.reduce((n, t) => n + t.length, 0), gzipBytes: texts.reduce((n, t) => n + gz(t), 0), containsMqtt: texts.some(t => hasMqtt(t.toString())) }
}

async function rolldownSingleFileSize(dir) {
  const { build } = await import('vite')
  const out = join(dir, 'dist-single')
  await build({ root: dir, logLevel: 'silent', configFile: false, build: { outDir: out, emptyOutDir: true, modulePreload: { polyfill: false }, rolldownOptions: { output: { codeSplitting: false } } }, worker: { format: 'es' } })
  const html = readFileSync(join(out, 'index.html'), 'utf8')
  const loaded = [...html.matchAll(/(?:src|href)="\/?([^"]+\.js)"/g)].map(m => m[1])
  const texts = loaded.map(f => readFileSync(join(out, f)))
  return { files: loaded.length, minifiedBytes: texts.reduce((n, t) => n + t.length, 0), gzipBytes: texts.reduce((n, t) => n + gz(t), 0), containsMqtt: texts.some(t => hasMqtt(t.toString())) }
}

async function singleFileSize(dir) {
  writeFileSync(join(dir, 'single.js'), APP)
  const result = await esbuild({ entryPoints: [join(dir, 'single.js')], bundle: true, splitting: false, outfile: join(dir, 'single.out.js'), format: 'esm', platform: 'browser', minify: true, write: false, logLevel: 'silent', nodePaths: [join(core, 'node_modules')] })
  const js = result.outputFiles.filter(f => f.path.endsWith('.js'))
  return { files: js.length, minifiedBytes: js.reduce((n, f) => n + f.contents.length, 0), gzipBytes: js.reduce((n, f) => n + gz(f.contents), 0), containsMqtt: js.some(f => hasMqtt(new TextDecoder().decode(f.contents))) }
}

// The app lives inside the package so that '@tabmq/core' resolves to this package's dist.
const scratch = join(core, 'node_modules/.tab-size')
mkdirSync(scratch, { recursive: true })
const dir = mkdtempSync(join(scratch, 'app-'))
mkdirSync(join(dir, 'node_modules/@tabmq'), { recursive: true })
const { symlinkSync } = await import('node:fs')
symlinkSync(core, join(dir, 'node_modules/@tabmq/core'), 'dir')
try {
  const sizes = { budgetBytes: BUDGETS, vite: await viteSize(dir), rolldownSingleFile: await rolldownSingleFileSize(dir), esbuildSingleFile: await singleFileSize(dir) }
  console.log(JSON.stringify(sizes, null, 2))
  if (process.argv.includes('--check')) {
    const over = Object.entries(BUDGETS).filter(([k, budget]) => sizes[k].gzipBytes > budget || sizes[k].containsMqtt)
    if (over.length) {
      console.error(`What a tab loads is over budget (gzipped, no mqtt.js): ${over.map(([k, budget]) => `${k} ${sizes[k].gzipBytes} bytes${sizes[k].containsMqtt ? ' with mqtt.js' : ''} (limit ${budget})`).join(', ')}.`)
      process.exit(1)
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true })
}
