import type { Driver } from '../driver.js'
import type { Context, Tab } from '../chromium.js'
import { brokerIdle, pageUrl, started, type Bench } from '../runner.js'
import type { PageName } from '../site.js'

export interface HeapReading {
  tabs: number
  filtersPerTab: number
  /** JS heap used by the hub's SharedWorker after a full GC (tabmq only). */
  hubHeapBytes?: number
  /** JS heap used by the tabs after a full GC, summed. */
  tabsHeapBytes: number
  /** What the hub reports (tabmq only). */
  hubStats?: { connections: number; brokerFilters: number; tabs: number; filterRefs: number }
  connections: number
}

export interface MemoryResult {
  tabmq: { baseline: HeapReading; loaded: HeapReading }
  mqttjs: { baseline: HeapReading; loaded: HeapReading }
}

async function heapUsed(target: Tab): Promise<number> {
  // Commands on the attached session, not domains enabled: a full GC, then the heap's size.
  await target.evaluate('0') // the session answers: the target is running
  await target.send('HeapProfiler.collectGarbage')
  const { usedSize } = await target.send<{ usedSize: number }>('Runtime.getHeapUsage')
  return usedSize
}

async function reading(bench: Bench, driver: Driver, page: PageName, tabs: number, filtersPerTab: number): Promise<HeapReading> {
  await brokerIdle(bench)
  const context = (await driver.newContext()) as Context
  try {
    const opened: Tab[] = []
    for (let i = 0; i < tabs; i++) opened.push(await context.newTab(pageUrl(bench, page, { mode: 'many', filters: filtersPerTab })))
    for (const tab of opened) {
      await started(tab)
      await tab.evaluate('bench.subscribed()', true)
    }
    await new Promise(r => setTimeout(r, 1000))
    let tabsHeapBytes = 0
    for (const tab of opened) tabsHeapBytes += await heapUsed(tab)
    const out: HeapReading = { tabs, filtersPerTab, tabsHeapBytes, connections: bench.broker.subscribers() }
    if (page === 'tabmq') {
      const worker = await context.attachWorker('shared_worker')
      if (!worker) throw new Error('the tabmq SharedWorker is not among the targets')
      out.hubHeapBytes = await heapUsed(worker)
      const stats = await opened[0]!.evaluate<{ tabs: number; connections: { brokerFilters: unknown[]; filters: { refs: number }[] }[] }>('bench.stats()', true)
      out.hubStats = {
        connections: stats.connections.length,
        brokerFilters: stats.connections.reduce((n, c) => n + c.brokerFilters.length, 0),
        filterRefs: stats.connections.reduce((n, c) => n + c.filters.reduce((m, f) => m + f.refs, 0), 0),
        tabs: stats.tabs,
      }
    }
    return out
  } finally {
    await context.close().catch(() => {})
  }
}

/**
 * Memory with 8 tabs and 1,000 filters each (the same 1,000: every tab runs the same dashboard),
 * against one tab with one filter: the hub's heap and the tabs' heaps for tabmq, the tabs' heaps
 * for MQTT.js (each tab holds its own client and subscriptions). Read after a full GC, through
 * commands on an attached session once the measuring is over.
 */
export async function memory(bench: Bench, driver: Driver, tabs: number, filters: number): Promise<MemoryResult> {
  const tabmq = { baseline: await reading(bench, driver, 'tabmq', 1, 1), loaded: await reading(bench, driver, 'tabmq', tabs, filters) }
  const mqttjs = { baseline: await reading(bench, driver, 'mqttjs', 1, 1), loaded: await reading(bench, driver, 'mqttjs', tabs, filters) }
  return { tabmq, mqttjs }
}
