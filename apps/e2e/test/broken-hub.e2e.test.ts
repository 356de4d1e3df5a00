/**
 * The suite catches a broken hub. Each mutant of src/worker-mutants.ts (core's worker built from
 * its sources with one deliberate bug) is served in place of a demo's worker, and the suite's own
 * cases run against it in a child vitest: the cases that guard the broken behaviour must fail, for
 * the right reason, and a case that does not depend on it must still pass (so the failures are not
 * the rebuilt bundle failing as a whole). One demo is enough: the hub is the same in all three.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { selectedDemos } from '../src/demos'
import type { Mutant } from '../src/worker-mutants'
import { assertDemoBuiltOnCurrentCore } from '../src/worker-override'

const e2eDir = fileURLToPath(new URL('..', import.meta.url))
const vitest = join(dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs')

interface Expectation {
  /** A case of the suite, by a part of its name. */
  test: string
  /** The reason it must fail for (its failure message), or 'pass'. */
  verdict: RegExp | 'pass'
}

const CHECKS: Array<{ mutant: Mutant; files: string[]; expect: Expectation[] }> = [
  {
    mutant: 'refs-never-decremented',
    files: ['test/sharing.e2e.test.ts', 'test/tab-churn.e2e.test.ts'],
    expect: [
      { test: 'tabs closed one by one', verdict: /the hub to let the third tab go/ },
      { test: 'rounds of opening and closing tabs', verdict: /the hub to let the warm-up tabs go/ },
      { test: 'a tab opened later', verdict: 'pass' },
    ],
  },
  {
    mutant: 'dead-tabs-never-evicted',
    files: ['test/sharing.e2e.test.ts'],
    expect: [
      { test: 'a crashed tab', verdict: /the hub to evict the crashed tab/ },
      { test: 'tabs closed one by one', verdict: 'pass' },
    ],
  },
]

interface JsonReport {
  /** `message`: what failed outside any case (a hook: Chromium or the broker not starting). */
  testResults: Array<{ name: string; message?: string; assertionResults: Array<{ title: string; status: string; failureMessages: string[] }> }>
}

type Outcomes = Map<string, { status: string; failure: string }>

/** Runs the named cases of `files` against `mutant` in a child vitest; resolves with each case's outcome. */
async function runAgainst(mutant: Mutant, files: string[], tests: string[]): Promise<Outcomes> {
  const out = mkdtempSync(join(tmpdir(), 'tabmq-mutant-'))
  try {
    const literal = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    const child = spawn(process.execPath, [vitest, 'run', ...files, '-t', tests.map(literal).join('|'), '--reporter=json', `--outputFile=${join(out, 'report.json')}`], {
      cwd: e2eDir,
      // Few rounds of tab churn: a leak shows from the first ones, and this must stay fast.
      env: { ...process.env, TABMQ_E2E_MUTANT: mutant, TABMQ_DEMO: selectedDemos()[0]!.name, TABMQ_E2E_ROUNDS: '12' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    child.stdout.on('data', d => void (output += d))
    child.stderr.on('data', d => void (output += d))
    const code = await new Promise<number | null>(resolve => child.once('close', resolve))
    let report: JsonReport
    try {
      report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as JsonReport
    } catch {
      throw new Error(`The child vitest left no report (exit ${code}):\n${output}`)
    }
    const outcomes: Outcomes = new Map()
    for (const file of report.testResults) {
      // A case skipped because its file's setup failed says why, rather than just "skipped".
      const setup = file.message ? `\n(${file.name}: ${file.message})` : ''
      for (const r of file.assertionResults) outcomes.set(r.title, { status: r.status, failure: r.failureMessages.join('\n') + setup })
    }
    return outcomes
  } finally {
    rmSync(out, { recursive: true, force: true })
  }
}

describe('a deliberately broken hub makes the suite fail', () => {
  // Both mutants at once: each child spends most of its time waiting for what never happens.
  let runs: Map<Mutant, Promise<Outcomes>> | undefined
  const outcomesOf = (mutant: Mutant) => {
    if (!runs) assertDemoBuiltOnCurrentCore(selectedDemos()[0]!) // fail here, once, with the fix
    runs ??= new Map(
      CHECKS.map(c => {
        const run = runAgainst(c.mutant, c.files, c.expect.map(e => e.test))
        run.catch(() => {}) // reported by its own case
        return [c.mutant, run]
      }),
    )
    return runs.get(mutant)!
  }

  it.each(CHECKS)('$mutant', async ({ mutant, expect: expectations }) => {
    const outcomes = await outcomesOf(mutant)
    for (const { test, verdict } of expectations) {
      const found = [...outcomes].filter(([title]) => title.includes(test))
      expect(found.length, `cases named like "${test}" in the child run: ${[...outcomes.keys()].join(' | ')}`).toBe(1)
      const [title, outcome] = found[0]!
      if (verdict === 'pass') expect(outcome.status, `"${title}" against ${mutant}: ${outcome.failure}`).toBe('passed')
      else {
        expect(outcome.status, `"${title}" against ${mutant}${outcome.failure}`).toBe('failed')
        expect(outcome.failure).toMatch(verdict)
      }
    }
  }, 300_000)
})
