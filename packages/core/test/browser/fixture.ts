/**
 * Fixtures of the real-browser tests: the built core, the Vite-built fixture app, a static server
 * for it, and headless Chromium.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, mkdirSync, copyFileSync, cpSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Browser } from 'playwright-core'

const here = dirname(fileURLToPath(import.meta.url))
export const coreDir = resolve(here, '../..')
const repoRoot = resolve(coreDir, '../..')

export const CHROMIUM = process.env.TABMQ_CHROMIUM ?? '/usr/bin/chromium'

/** Fails with one clear line when Chromium is missing: these tests never skip silently. */
export function assertChromium(): void {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium is missing at ${CHROMIUM}: install it with \`apt-get install -y chromium\` (the browser tests need it).`)
  }
}

export async function launchChromium(): Promise<Browser> {
  assertChromium()
  const { chromium } = await import('playwright-core')
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
    timeout: 30_000,
  })
}

function newestMtime(dir: string): { mtime: number; file: string } {
  let best = { mtime: 0, file: '' }
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    const found = entry.isDirectory() ? newestMtime(path) : { mtime: statSync(path).mtimeMs, file: path }
    if (found.mtime > best.mtime) best = found
  }
  return best
}

/** What the app's bundler reads through the package's default export condition. */
const DIST_OUTPUTS = ['dist/index.js', 'dist/providers/index.js', 'dist/worker.js', 'dist/transports/default-worker.js', 'dist/tabmq.worker.js']

/** Why dist must be rebuilt, or undefined when it is up to date. */
function staleReason(): string | undefined {
  const missing = DIST_OUTPUTS.find(f => !existsSync(join(coreDir, f)))
  if (missing) return `${missing} is missing`
  const oldest = Math.min(...DIST_OUTPUTS.map(f => statSync(join(coreDir, f)).mtimeMs))
  const newest = newestMtime(join(coreDir, 'src'))
  if (newest.mtime > oldest) return `${newest.file.slice(coreDir.length + 1)} is newer than dist`
  return undefined
}

/** Builds @tabmq/core when dist is missing or older than src; fails clearly if that does not work. */
export function ensureCoreBuilt(): void {
  const reason = staleReason()
  if (!reason) return
  try {
    execFileSync('pnpm', ['--filter', '@tabmq/core', 'build'], { cwd: repoRoot, stdio: 'pipe', timeout: 180_000 })
  } catch (error) {
    const e = error as { stdout?: Buffer; stderr?: Buffer; message: string }
    throw new Error(`@tabmq/core dist is stale (${reason}) and \`pnpm --filter @tabmq/core build\` failed:\n${e.stdout ?? ''}${e.stderr ?? e.message}`)
  }
  const still = staleReason()
  if (still) throw new Error(`@tabmq/core dist is still stale after \`pnpm --filter @tabmq/core build\`: ${still}.`)
}

export interface BuiltApp {
  /** The built site (index.html, assets/, tabmq.worker.js). */
  outDir: string
  /** Names of the worker bundles Vite emitted. */
  workers: string[]
  dispose(): void
}

/**
 * Builds the fixture app with Vite as a consumer would: `@tabmq/core` is a dependency in the
 * app's node_modules (a symlink to this package, as pnpm makes it), resolved through its default
 * export condition (dist), with no tabmq-specific Vite configuration.
 */
export async function buildApp(core = coreDir): Promise<BuiltApp> {
  const tmp = mkdtempSync(join(tmpdir(), 'tabmq-browser-'))
  const root = join(tmp, 'app')
  cpSync(join(here, 'app'), root, { recursive: true })
  mkdirSync(join(root, 'node_modules', '@tabmq'), { recursive: true })
  symlinkSync(core, join(root, 'node_modules', '@tabmq', 'core'), 'dir')
  // The prebuilt worker, copied into the app's public folder as an app would.
  mkdirSync(join(root, 'public'))
  copyFileSync(join(core, 'dist', 'tabmq.worker.js'), join(root, 'public', 'tabmq.worker.js'))
  const outDir = join(tmp, 'dist')
  const { build } = await import('vite')
  await build({
    configFile: false,
    root,
    mode: 'production',
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true, minify: false, sourcemap: false },
  })
  const workers = readdirSync(join(outDir, 'assets')).filter(f => /worker/i.test(f))
  return { outDir, workers, dispose: () => rmSync(tmp, { recursive: true, force: true }) }
}

// The static server is @tabmq/broker/testing's, the one the demos' end-to-end suite uses.
export { serveStatic, type StaticServer } from '@tabmq/broker/testing'
