/**
 * Tabs opened and closed 200 times while one tab stays: the hub must end where it started, its
 * reference counts and what it holds, and its heap must not grow. Every demo, against aedes (the
 * hub's bookkeeping is what is measured; the broker only has to be there).
 */
import { describe, expect, it } from 'vitest'
import type { HubStats } from '@tabmq/core'
import { useChromium } from '../src/chromium'
import { Dashboard, eventually } from '../src/dashboard'
import { selectedDemos } from '../src/demos'
import { useSuite } from '../src/suite'
import { sharedWorkerHeap } from '../src/worker-heap'

/** Rounds of opening and closing a tab (TABMQ_E2E_ROUNDS overrides, e.g. for the broken-hub check). */
const ROUNDS = Number(process.env.TABMQ_E2E_ROUNDS ?? 200)
/** Tabs opened and closed at the same time, as a person with several windows would. */
const LANES = 4
/** Rounds before the first heap reading, so lazily made things (code, caches) are made already. */
const WARM_UP = Math.min(20, ROUNDS / 2)
/** Heap growth allowed over the measured rounds (bytes): a leak of even 5 KB per tab exceeds it. */
const HEAP_SLACK = 1_000_000

/** What the hub holds, as numbers that must come back: tabs, and per connection its tabs and reference counts. */
function holdings(stats: HubStats) {
  return {
    tabs: stats.tabs,
    connections: stats.connections.map(c => ({
      tabs: c.tabs,
      filters: c.filters.map(f => `${f.filter} ×${f.refs}`).sort(),
      brokerFilters: c.brokerFilters.map(f => `${f.filter} ${f.state}`).sort(),
      retainedCached: c.retainedCached,
      queuedPublishes: c.queuedPublishes,
    })),
  }
}

const chromium = useChromium()

describe.each(selectedDemos())('%s: tabs come and go (aedes)', demo => {
  const suite = useSuite(demo, { chromium, broker: 'aedes' })

  it(`${ROUNDS} rounds of opening and closing tabs: the hub's reference counts return to where they were, and its memory stays flat`, async () => {
    const context = await suite.newContext()
    // The anchor keeps the SharedWorker (it runs in its renderer) and the connection alive throughout.
    const anchor = await suite.open(context, {}, 'anchor')
    await anchor.waitText('explorer-status', 'active')
    const baseline = holdings(await anchor.client.stats())
    expect(baseline.tabs).toBe(1)

    let started = 0
    const rounds = async (until: number) => {
      const lane = async () => {
        while (started < until) {
          started++
          const tab = await Dashboard.open(context, suite.url())
          // Open means subscribed: the explorer's subscription is active at the broker.
          await tab.page.waitForFunction(() => document.querySelector('[data-testid="explorer-status"]')?.textContent?.trim() === 'active', null, { polling: 20, timeout: 15_000 })
          await tab.page.close()
        }
      }
      await Promise.all(Array.from({ length: LANES }, lane))
    }
    const settled = async (what: string) => eventually(what, async () => JSON.stringify(holdings(await anchor.client.stats())) === JSON.stringify(baseline), 15_000)

    const t0 = Date.now()
    await rounds(WARM_UP)
    await settled('the hub to let the warm-up tabs go')
    const heapBefore = await sharedWorkerHeap(suite.browser, suite.server.origin)
    await rounds(ROUNDS)
    await settled(`the hub to let all ${ROUNDS} tabs go`).catch(async error => {
      throw new Error(`${(error as Error).message}\nbefore: ${JSON.stringify(baseline)}\nnow:    ${JSON.stringify(holdings(await anchor.client.stats()))}`)
    })
    const heapAfter = await sharedWorkerHeap(suite.browser, suite.server.origin)
    console.info(`[${demo.name}] ${ROUNDS} tabs opened and closed in ${((Date.now() - t0) / 1000).toFixed(1)} s; the worker's heap after GC: ${(heapBefore / 1e6).toFixed(2)} MB after ${WARM_UP}, ${(heapAfter / 1e6).toFixed(2)} MB after ${ROUNDS}`)

    expect(holdings(await anchor.client.stats())).toEqual(baseline)
    expect(heapAfter - heapBefore, 'heap growth of the hub (bytes)').toBeLessThan(HEAP_SLACK)
    // The broker agrees: one connection, each filter held once.
    expect(suite.tabmqClients()).toHaveLength(1)
    expect(suite.broker.subscriptions().map(s => s.filter)).toEqual(['devices/#'])
    await anchor.waitText('tab-count', '1')
    expect(await anchor.text('connection-state')).toBe('connected')
  }, 300_000)
})
