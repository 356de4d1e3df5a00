import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { build, type Metafile, type OutputFile } from 'esbuild'
import { coreDir } from './site.js'

const root = join(coreDir, '../..')
const benchDir = join(root, 'bench')

export interface BundleSize {
  /** What loads at start: the entry and the chunks it imports statically (minified, gzip -9). */
  gzipBytes: number
  minifiedBytes: number
  containsMqtt: boolean
  /** The biggest inputs of the loaded output (minified bytes), for telling what a bundle carries. */
  biggest: { input: string; bytes: number }[]
}

export interface SizeRow {
  name: string
  /** esbuild with code splitting (lazy imports become chunks loaded on use). */
  split: BundleSize
  /** esbuild single file, as a Rollup/esbuild build without code splitting makes it. */
  single: BundleSize
}

export interface Sizes {
  rows: SizeRow[]
  /** dist/tabmq.worker.js, which the SharedWorker loads once per origin (not the tab). */
  workerGzipBytes: number
  bindings: string[]
}

const TABMQ_APP = `
import { createPubSub } from '@tabmq/core'
import { mqttOverWs } from '@tabmq/core/providers'
export const pubsub = createPubSub({ provider: mqttOverWs({ url: 'wss://broker.example/mqtt' }) })
pubsub.subscribe('sensors/+/temp').subscribe(m => console.log(m.topic, m.data))
`

const APPS: Record<string, string> = {
  'plain MQTT.js (browser build)': `
import mqtt from 'mqtt'
const text = new TextDecoder()
export const client = mqtt.connect('wss://broker.example/mqtt')
client.on('message', (topic, payload) => console.log(topic, JSON.parse(text.decode(payload))))
client.subscribe('sensors/+/temp')
`,
  'Amplify PubSub v6 (MqttOverWS)': `
import { PubSub } from '@aws-amplify/pubsub/mqtt'
export const pubsub = new PubSub({ endpoint: 'wss://broker.example/mqtt' })
pubsub.subscribe({ topics: ['sensors/+/temp'] }).subscribe({ next: data => console.log(data) })
`,
}

/** Every published binding in packages/: it peer-depends on @tabmq/core. Found, not listed, so new ones count. */
function bindings(): { name: string; entry: string; externals: string[] }[] {
  const out = []
  for (const dir of readdirSync(join(root, 'packages'))) {
    const file = join(root, 'packages', dir, 'package.json')
    if (!existsSync(file)) continue
    const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name: string; private?: boolean; peerDependencies?: Record<string, string>; exports?: { '.': { default: string } } }
    if (pkg.private || !pkg.peerDependencies?.['@tabmq/core'] || !pkg.exports?.['.']) continue
    const entry = join(root, 'packages', dir, pkg.exports['.'].default)
    if (!existsSync(entry)) throw new Error(`${entry} is missing: build ${pkg.name} first (pnpm bench builds every package)`)
    // The framework is the app's own, counted against no library: leave it out of the bundle.
    const externals = Object.keys(pkg.peerDependencies).filter(d => !d.startsWith('@tabmq/')).flatMap(d => [d, `${d}/*`])
    out.push({ name: pkg.name, entry, externals })
  }
  return out.sort((a, b) => a.name.localeCompare(b.name))
}

function loadedAtStart(outputs: OutputFile[], metafile: Metafile): OutputFile[] {
  const byPath = new Map(Object.keys(metafile.outputs).map(p => [p, outputs.find(o => o.path.endsWith(p.replace(/^.*?(?=\/?[^/]*$)/, '')) && o.path.endsWith(p))!]))
  const entry = Object.entries(metafile.outputs).find(([, m]) => m.entryPoint)![0]
  const seen = new Set<string>()
  const visit = (p: string) => {
    if (seen.has(p)) return
    seen.add(p)
    for (const imp of metafile.outputs[p]!.imports) if (imp.kind === 'import-statement' && !imp.external) visit(imp.path)
  }
  visit(entry)
  return [...seen].map(p => byPath.get(p)!).filter(Boolean)
}

async function measure(contents: string, splitting: boolean, externals: string[]): Promise<BundleSize> {
  const result = await build({
    stdin: { contents, resolveDir: benchDir, loader: 'ts', sourcefile: 'app.ts' },
    bundle: true,
    splitting,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    write: false,
    metafile: true,
    outdir: join(benchDir, 'node_modules/.sizes'),
    external: externals,
    define: { global: 'globalThis' },
    logLevel: 'error',
  })
  const files = loadedAtStart(result.outputFiles.filter(f => f.path.endsWith('.js')), result.metafile)
  const inputs = new Map<string, number>()
  for (const f of files) {
    const meta = Object.entries(result.metafile.outputs).find(([p]) => f.path.endsWith(p))![1]
    for (const [input, { bytesInOutput }] of Object.entries(meta.inputs)) inputs.set(input, (inputs.get(input) ?? 0) + bytesInOutput)
  }
  return {
    gzipBytes: files.reduce((n, f) => n + gzipSync(f.contents, { level: 9 }).length, 0),
    minifiedBytes: files.reduce((n, f) => n + f.contents.length, 0),
    containsMqtt: files.some(f => f.text.includes('MqttClient')),
    biggest: [...inputs].map(([input, bytes]) => ({ input: input.replace(/^.*node_modules\//, '').replace(/^(\.\.\/)+/, ''), bytes })).sort((a, b) => b.bytes - a.bytes).slice(0, 5),
  }
}

async function row(name: string, contents: string, externals: string[] = []): Promise<SizeRow> {
  return { name, split: await measure(contents, true, externals), single: await measure(contents, false, externals) }
}

/** What a tab loads, gzipped: tabmq's client, with each binding, and the same app on MQTT.js and Amplify. */
export async function measureSizes(): Promise<Sizes> {
  const found = bindings()
  const rows = [await row('@tabmq/core (createPubSub + mqttOverWs)', TABMQ_APP)]
  for (const b of found) rows.push(await row(`@tabmq/core + ${b.name}`, `${TABMQ_APP}\nexport * from ${JSON.stringify(b.entry)}\n`, b.externals))
  for (const [name, contents] of Object.entries(APPS)) rows.push(await row(name, contents))
  const worker = readFileSync(join(coreDir, 'dist/tabmq.worker.js'))
  return { rows, workerGzipBytes: gzipSync(worker, { level: 9 }).length, bindings: found.map(b => b.name) }
}
