import type { Driver } from '../driver.js'
import { rotate, run, type Bench, type RunResult, type RunSpec } from '../runner.js'
import type { PageName } from '../site.js'

export type Series = Partial<Record<PageName, RunResult[]>>

const short = (r: RunResult) =>
  `${Math.round(r.rate).toLocaleString('en-US')} msg/s, main ${Math.round(r.tabMainPer10k)} ms/10k, gap ${Math.round(r.maxFrameGap)} ms, conns ${r.connections}`

/** Runs each page `reps` times, interleaved (each repetition in a rotated order). */
export async function series(bench: Bench, driver: Driver, title: string, pages: readonly PageName[], reps: number, spec: (page: PageName) => Omit<RunSpec, 'page'>): Promise<Series> {
  const out: Series = {}
  for (let rep = 0; rep < reps; rep++) {
    for (const page of rotate(pages, rep)) {
      const r = await run(bench, driver, { page, ...spec(page) })
      ;(out[page] ??= []).push(r)
      bench.log(`  ${title} #${rep + 1} ${page}: ${short(r)}`)
    }
  }
  return out
}
