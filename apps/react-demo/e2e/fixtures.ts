/**
 * What the demo's browser test needs: the built demo, a static server, Chromium. The app is built
 * as in production, consuming @tabmq/core and @tabmq/react through their dist (default condition).
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { extname, join, normalize, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
// playwright-core is a devDependency of @tabmq/core; this app borrows it until it has its own.
import type { Browser } from 'playwright-core'

export const appDir = fileURLToPath(new URL('..', import.meta.url))
const repoRoot = resolve(appDir, '../..')
export const CHROMIUM = process.env.TABMQ_CHROMIUM ?? '/usr/bin/chromium'

/** Fails with one clear line when Chromium is missing: this test never skips. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium is missing at ${CHROMIUM}: install it with \`apt-get install -y chromium\` (the demo's browser test needs it).`)
  const { chromium } = await import('playwright-core')
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    timeout: 30_000,
  })
}

function newestMtime(dir: string): number {
  let newest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs)
  }
  return newest
}

/** The libraries' dist must exist (and should be current): the demo consumes them as a published app would. */
export function assertLibrariesBuilt(): void {
  for (const [name, dir] of [
    ['@tabmq/core', 'packages/core'],
    ['@tabmq/react', 'packages/react'],
  ] as const) {
    const entry = join(repoRoot, dir, 'dist/index.js')
    const build = `run \`pnpm --filter ${name} build\` first (turbo's test task does it through ^build)`
    if (!existsSync(entry)) throw new Error(`${name} is not built (${dir}/dist/index.js is missing): ${build}.`)
    // Stale is worth a word, not a failure: the test still says what the built packages do.
    if (newestMtime(join(repoRoot, dir, 'src')) > statSync(entry).mtimeMs) console.warn(`${name}'s dist is older than its src: ${build} to test the current code.`)
  }
}

/** Builds the demo with its own vite.config.ts into a temporary folder, pointed at `brokerUrl`. */
export async function buildDemo(brokerUrl: string): Promise<{ outDir: string; dispose(): void }> {
  assertLibrariesBuilt()
  const outDir = mkdtempSync(join(tmpdir(), 'tabmq-react-demo-'))
  const { build } = await import('vite')
  // Vite reads VITE_* variables from the environment, as `VITE_BROKER_URL=... pnpm build` would.
  const previous = process.env.VITE_BROKER_URL
  process.env.VITE_BROKER_URL = brokerUrl
  try {
    await build({ root: appDir, mode: 'production', logLevel: 'warn', build: { outDir, emptyOutDir: true } })
  } finally {
    if (previous === undefined) delete process.env.VITE_BROKER_URL
    else process.env.VITE_BROKER_URL = previous
  }
  return { outDir, dispose: () => rmSync(outDir, { recursive: true, force: true }) }
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
}

/** Serves `dir` on 127.0.0.1 at a free port: the pages and their worker share its origin. */
export async function serveStatic(dir: string): Promise<{ origin: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)
    let file = normalize(join(dir, path))
    if (!file.startsWith(dir + sep) && file !== dir) return void res.writeHead(403).end()
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html')
    if (!existsSync(file)) return void res.writeHead(404).end('not found')
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' })
    res.end(readFileSync(file))
  })
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r))
  const { port } = server.address() as AddressInfo
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>(r => {
        server.closeAllConnections()
        server.close(() => r())
      }),
  }
}
