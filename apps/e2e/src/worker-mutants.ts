/**
 * Deliberately broken hubs, to prove the suite catches them: core's worker bundled from its built
 * `dist` (what the demos' own workers are bundled from, so the mutant speaks the same protocol as
 * the demo's tab code) with one mutation each, applied at build time by an esbuild plugin to
 * whichever file holds the text. Nothing of this ships: the library has no switch for it. A
 * mutation that matches no file (or more than one place) fails the build loudly, so a refactor of
 * the hub cannot silently leave a "mutant" unbroken.
 */
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { build, type Plugin } from 'esbuild'

/** One text replacement in @tabmq/core's dist (exactly one place must match; no line breaks, so tsc's formatting does not matter). */
interface Mutation {
  find: string
  replace: string
}

export const MUTANTS = {
  /** Control: the sources as they are, through the same build. */
  none: [],
  /** A filter's reference count is never decremented: a subscription that ends stays counted. */
  'refs-never-decremented': [
    {
      find: 'this.wanted.delete(filter, subscription)',
      replace: 'void filter /* mutant: the reference is never dropped */',
    },
  ],
  /** A dead tab is never evicted: the worker no longer waits for the tab's Web Lock. */
  'dead-tabs-never-evicted': [
    {
      find: 'whenLockFree(`tabmq:tab:',
      replace: '((..._ignored) => {}) /* mutant: nobody waits for the tab to die */ (`tabmq:tab:',
    },
  ],
} satisfies Record<string, Mutation[]>

export type Mutant = keyof typeof MUTANTS

export function isMutant(name: string): name is Mutant {
  return Object.hasOwn(MUTANTS, name)
}

const coreDir = dirname(createRequire(import.meta.url).resolve('@tabmq/core/package.json'))
const built = new Map<Mutant, Promise<string>>()

function mutate(mutations: readonly Mutation[]): Plugin {
  const dist = join(coreDir, 'dist')
  return {
    name: 'tabmq-mutant',
    setup(b) {
      const matched = mutations.map(() => 0)
      b.onLoad({ filter: /\.js$/ }, async args => {
        if (!args.path.startsWith(dist)) return undefined
        let source = await readFile(args.path, 'utf8')
        mutations.forEach((m, i) => {
          const found = source.split(m.find).length - 1
          matched[i]! += found
          source = source.replaceAll(m.find, m.replace)
        })
        return { contents: source, loader: 'js' }
      })
      b.onEnd(() => {
        const wrong = mutations.filter((_, i) => matched[i] !== 1)
        if (wrong.length > 0) throw new Error(`A mutation no longer matches @tabmq/core's dist exactly once (is it built?): update apps/e2e/src/worker-mutants.ts (${wrong.map(m => m.find).join('; ')})`)
      })
    },
  }
}

/**
 * The worker bundle of `mutant` (built once per process): one self-contained ES module, like
 * core's prebuilt `tabmq.worker.js`.
 *
 * @example
 * const code = await mutantWorker('refs-never-decremented')
 */
export function mutantWorker(mutant: Mutant): Promise<string> {
  let code = built.get(mutant)
  if (!code) {
    code = build({
      entryPoints: [join(coreDir, 'dist/worker.js')],
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      conditions: ['browser', 'import'],
      logLevel: 'silent',
      plugins: [mutate(MUTANTS[mutant])],
    }).then(r => r.outputFiles[0]!.text)
    built.set(mutant, code)
  }
  return code
}
