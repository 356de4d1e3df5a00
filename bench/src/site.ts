import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { tmpdir } from 'node:os'
import { extname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const here = fileURLToPath(new URL('.', import.meta.url))
export const coreDir = join(here, '../../packages/core')

/** The contenders, each a page (and maybe a worker) built like an app would build it. */
export const PAGES = ['tabmq', 'mqttjs', 'mqttjs-worker', 'raw-ws', 'amplify'] as const
/**
 * `tabmq-variant`: the tabmq page with another hub, the worker file BENCH_VARIANT_WORKER names (a
 * patched core's dist/tabmq.worker.js), to measure a change against the current hub in one run.
 */
export type PageName = (typeof PAGES)[number] | 'tabmq-variant'
export const variantWorker = process.env.BENCH_VARIANT_WORKER
const WORKERS = ['mqttjs.worker', 'raw-ws.worker']

export interface Site {
  url: string
  dir: string
  close(): void
}

/**
 * Bundles every page with esbuild (minified, browser conditions: mqtt resolves to its browser ESM
 * build, @tabmq/core to its built dist), copies core's dist/tabmq.worker.js, and serves the lot on
 * 127.0.0.1. One origin for all pages: tabs of one browser context share one SharedWorker.
 */
export async function buildSite(): Promise<Site> {
  const workerFile = join(coreDir, 'dist/tabmq.worker.js')
  if (!existsSync(workerFile)) throw new Error(`${workerFile} is missing: run pnpm build first (pnpm bench does)`)
  const dir = mkdtempSync(join(tmpdir(), 'tabmq-bench-site-'))
  await build({
    entryPoints: [...PAGES, ...WORKERS].map(name => ({ in: join(here, 'pages', `${name}.ts`), out: name })),
    outdir: dir,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    splitting: false,
    define: { global: 'globalThis' },
    logLevel: 'warning',
  })
  copyFileSync(workerFile, join(dir, 'tabmq.worker.js'))
  if (variantWorker) {
    copyFileSync(variantWorker, join(dir, 'tabmq-variant.worker.js'))
    writeFileSync(join(dir, 'tabmq-variant.html'), `<!doctype html><meta charset="utf-8"><title>bench: tabmq-variant</title><script type="module" src="/tabmq.js"></script>\n`)
  }
  for (const name of PAGES) {
    writeFileSync(join(dir, `${name}.html`), `<!doctype html><meta charset="utf-8"><title>bench: ${name}</title><script type="module" src="/${name}.js"></script>\n`)
  }
  const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript' }
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname
    const file = join(dir, path)
    if (!file.startsWith(dir) || !existsSync(file)) return void res.writeHead(404).end()
    res.writeHead(200, { 'content-type': types[extname(path)] ?? 'application/octet-stream', 'cache-control': 'max-age=3600' }).end(readFileSync(file))
  })
  const port = await new Promise<number>(resolve => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)))
  return {
    url: `http://127.0.0.1:${port}`,
    dir,
    close() {
      server.close()
      server.closeAllConnections()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
