import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { coreDir } from './site.js'

/**
 * The hub's own Node benchmarks in packages/core/bench (matching cost, many subscriptions at
 * once), run as they are and quoted verbatim.
 */
export function hubInternals(): { match: string; subscribeMany: string } {
  const run = (file: string) => {
    const r = spawnSync(join(coreDir, 'node_modules/.bin/tsx'), [join('bench', file)], { cwd: coreDir, encoding: 'utf8', timeout: 300_000 })
    if (r.status !== 0) throw new Error(`packages/core/bench/${file} failed:\n${r.stdout}\n${r.stderr}`)
    return r.stdout.trim()
  }
  return { match: run('match.ts'), subscribeMany: run('subscribe-many.ts') }
}
