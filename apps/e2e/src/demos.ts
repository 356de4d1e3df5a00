import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const appsDir = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..')

/** A demo app the suite runs against: its production build, served as static files. */
export interface Demo {
  /** The workspace package name, as `pnpm --filter <name> build` takes it. */
  name: string
  /** The folder holding the built `index.html`. */
  dist: string
}

/**
 * Every demo, the same dashboard (../shared/DEMO.md): the suite runs each case against each.
 * `TABMQ_DEMO=vue-demo` runs one.
 */
export const ALL_DEMOS: Demo[] = [
  { name: 'react-demo', dist: join(appsDir, 'react-demo/dist') },
  { name: 'vue-demo', dist: join(appsDir, 'vue-demo/dist') },
  { name: 'angular-demo', dist: join(appsDir, 'angular-demo/dist') },
]

export function selectedDemos(): Demo[] {
  const only = process.env.TABMQ_DEMO
  const demos = only ? ALL_DEMOS.filter(d => only.split(',').includes(d.name)) : ALL_DEMOS
  if (demos.length === 0) throw new Error(`TABMQ_DEMO=${only} names no demo; there are ${ALL_DEMOS.map(d => d.name).join(', ')}.`)
  return demos
}

/** The build must exist: turbo's test task builds the demos first (they are dependencies of this suite). */
export function assertBuilt(demo: Demo): void {
  if (!existsSync(join(demo.dist, 'index.html'))) {
    throw new Error(`${demo.name} is not built (${demo.dist}/index.html is missing): run \`pnpm --filter ${demo.name}... build\` first (turbo's test task does it).`)
  }
}
