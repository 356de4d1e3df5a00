import { readdirSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, relative } from 'node:path'
import type { Demo } from './demos'
import { isMutant, MUTANTS, type Mutant, mutantWorker } from './worker-mutants'

/** The paths a demo's build serves its worker from: every emitted `*worker*.js`. */
export function workerPaths(demo: Demo): string[] {
  const files = readdirSync(demo.dist, { recursive: true, encoding: 'utf8' })
  const paths = files.filter(f => /(^|\/)[^/]*worker[^/]*\.js$/.test(f)).map(f => `/${relative(demo.dist, `${demo.dist}/${f}`)}`)
  if (paths.length === 0) throw new Error(`No worker bundle in ${demo.dist}: the suite cannot tell which file to replace.`)
  return paths
}

/** Newest modification time of the files under `dir`. */
function newest(dir: string): number {
  return Math.max(...readdirSync(dir, { recursive: true, encoding: 'utf8' }).map(f => statSync(join(dir, f)).mtimeMs))
}

/**
 * A mutant is bundled from core's current `dist`, the demo's tab code from the `dist` it was built
 * with: the two must be the same, or the mutant may not speak the demo's protocol and every case
 * fails for that reason instead of the mutation.
 */
export function assertDemoBuiltOnCurrentCore(demo: Demo): void {
  const coreDist = join(dirname(createRequire(import.meta.url).resolve('@tabmq/core/package.json')), 'dist')
  if (statSync(join(demo.dist, 'index.html')).mtimeMs < newest(coreDist)) {
    throw new Error(`${demo.name} was built before @tabmq/core's dist was last rebuilt: a mutated hub would not match its tab code. Run \`pnpm --filter ${demo.name} build\` (turbo's test task builds in order).`)
  }
}

/**
 * What the static server serves in place of the demo's worker: the given mutant, else the one
 * named by TABMQ_E2E_MUTANT (to watch any case fail against a broken hub), else nothing.
 *
 * @example
 * serveStatic(demo.dist, { override: await workerOverride(demo, 'refs-never-decremented') })
 */
export async function workerOverride(demo: Demo, mutant: Mutant | undefined = envMutant()): Promise<((path: string) => string | undefined) | undefined> {
  if (!mutant) return undefined
  assertDemoBuiltOnCurrentCore(demo)
  const paths = new Set(workerPaths(demo))
  const code = await mutantWorker(mutant)
  return path => (paths.has(path) ? code : undefined)
}

function envMutant(): Mutant | undefined {
  const name = process.env.TABMQ_E2E_MUTANT
  if (!name) return undefined
  if (!isMutant(name)) throw new Error(`TABMQ_E2E_MUTANT=${name} names no mutant; there are ${Object.keys(MUTANTS).join(', ')}.`)
  return name
}
