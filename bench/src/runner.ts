import type { Driver, DriverContext, DriverTab } from './driver.js'
import type { PageResult } from './pages/harness.js'
import { cpus } from 'node:os'
import { machineBusyMs } from './machine.js'
import { cpuBetween, processCpuMs, sample, type CpuBreakdown } from './proc.js'
import { publishPacket, type Publisher } from './publisher.js'
import type { PageName, Site } from './site.js'

/** A broker under test and what it can tell. */
export interface BrokerUnderTest {
  kind: 'Mosquitto' | 'aedes'
  wsUrl: string
  /** Subscribers connected now, counted at the broker (NaN where the broker cannot tell). */
  subscribers(): number
  /** Lines where the broker said it dropped messages. */
  drops: string[]
  /** The broker's process when it is one of its own (its CPU is read from /proc). */
  pid?: number
}

export interface Bench {
  quick: boolean
  site: Site
  broker: BrokerUnderTest
  publisher: Publisher
  log(line: string): void
}

export interface RunSpec {
  page: PageName
  tabs: number
  mode: 'flood' | 'binary' | 'latency'
  messages: number
  /** Sends the `messages`, once every tab is live and armed. */
  send(publisher: Publisher): Promise<void>
}

export interface TabRun extends PageResult {
  /** Messages per second from first to last arrival in this tab. */
  rate: number
}

export interface RunResult {
  page: PageName
  tabs: number
  messages: number
  perTab: TabRun[]
  /** The slowest tab's rate. */
  rate: number
  /** Longest frame gap over the tabs. */
  maxFrameGap: number
  cpu: CpuBreakdown
  /** The tabs' main threads, per tab, in CPU ms per 10,000 messages. */
  tabMainPer10k: number
  /** Subscribers the broker had while the tabs were live. */
  connections: number
  brokerCpuMs: number
  /** CPU of this process (driver and publisher; with aedes, the broker too). */
  benchCpuMs: number
  /** Busy CPU of the whole machine: what is left after the browser, broker and bench is someone else's load. */
  machineBusyMs: number
  /** Of that, what neither the browser, the broker nor the bench used: other processes' load. */
  othersMs: number
  cores: number
  wallMs: number
}

export const sleep = (ms: number) => new Promise<void>(r => setTimeout(r, ms))

export async function until(what: string | (() => string), deadlineMs: number, check: () => Promise<boolean> | boolean, everyMs = 50): Promise<void> {
  const end = Date.now() + deadlineMs
  for (;;) {
    if (await check()) return
    if (Date.now() > end) throw new Error(`timed out after ${deadlineMs} ms waiting for ${typeof what === 'string' ? what : what()}`)
    await sleep(everyMs)
  }
}

export function pageUrl(bench: Bench, page: PageName, query: Record<string, string | number> = {}): string {
  const q = new URLSearchParams({ broker: bench.broker.wsUrl, ...Object.fromEntries(Object.entries(query).map(([k, v]) => [k, String(v)])) })
  return `${bench.site.url}/${page}.html?${q}`
}

/** Waits for the page script to have run (`window.bench` installed). */
export async function started(tab: DriverTab): Promise<void> {
  await until('the page to start', 30_000, () => tab.evaluate<boolean>('window.bench?.started === true').catch(() => false))
}

/** Waits until the previous run's clients have left the broker, so runs never overlap. */
export async function brokerIdle(bench: Bench): Promise<void> {
  if (Number.isNaN(bench.broker.subscribers())) return void (await sleep(300))
  await until('the previous clients to leave the broker', 10_000, () => bench.broker.subscribers() === 0).catch(e => bench.log(`  note: ${(e as Error).message} (${bench.broker.subscribers()} left)`))
}

/** Opens `count` tabs of a page in a fresh context and waits until each receives (probe messages). */
export async function openLive(bench: Bench, driver: Driver, page: PageName, count: number, query: Record<string, string | number>): Promise<{ context: DriverContext; tabs: DriverTab[] }> {
  const context = await driver.newContext()
  const tabs: DriverTab[] = []
  try {
    for (let i = 0; i < count; i++) tabs.push(await context.newTab(pageUrl(bench, page, query)))
    for (const tab of tabs) await started(tab)
    // Live means receiving: probe messages until every tab has seen one. Probes are not counted.
    const probe = publishPacket('bench/probe', '{"probe":true}')
    await until(() => `${count} ${page} tab(s) to receive (the broker has ${bench.broker.subscribers()} subscriber(s) connected)`, 30_000, async () => {
      await bench.publisher.write(probe)
      return (await Promise.all(tabs.map(t => t.evaluate<boolean>('bench.probed')))).every(Boolean)
    }, 100)
    return { context, tabs }
  } catch (error) {
    await context.close().catch(() => {})
    throw error
  }
}

const rateOf = (r: PageResult) => (r.count > 1 && r.last > r.first ? ((r.count - 1) / (r.last - r.first)) * 1000 : NaN)

/**
 * One measured run: fresh context, `tabs` live tabs, armed; CPU sampled from /proc around the
 * sending; each tab's result awaited in the page. Fails unless every tab got every message once and
 * the broker dropped none.
 */
export async function run(bench: Bench, driver: Driver, spec: RunSpec): Promise<RunResult> {
  await brokerIdle(bench)
  const { context, tabs } = await openLive(bench, driver, spec.page, spec.tabs, { mode: spec.mode })
  try {
    // Let page start-up work (and the browser's spare renderer) finish before measuring.
    await sleep(bench.quick ? 1000 : 1500)
    const connections = bench.broker.subscribers()
    const dropsBefore = bench.broker.drops.length
    for (const tab of tabs) await tab.evaluate(`bench.arm(${spec.messages})`)
    const timeoutMs = 60_000 + spec.messages * spec.tabs * 2
    const a = sample(driver.pid)
    const brokerA = bench.broker.pid ? processCpuMs(bench.broker.pid) : 0
    const benchA = processCpuMs(process.pid)
    const machineA = machineBusyMs()
    const t0 = performance.now()
    const results = Promise.all(tabs.map(t => t.evaluate<PageResult>(`bench.finished(${timeoutMs})`, true)))
    await spec.send(bench.publisher)
    const perTabResults = await results
    const wallMs = performance.now() - t0
    const b = sample(driver.pid)
    const brokerCpuMs = bench.broker.pid ? processCpuMs(bench.broker.pid) - brokerA : NaN
    const benchCpuMs = processCpuMs(process.pid) - benchA
    const machine = machineBusyMs() - machineA
    const cpu = cpuBetween(a, b)
    const perTab = perTabResults.map(r => ({ ...r, rate: rateOf(r) }))
    const bad = perTab.filter(r => r.count !== spec.messages || r.dupes > 0 || r.timedOut)
    const dropped = bench.broker.drops.slice(dropsBefore)
    if (bad.length || dropped.length) {
      throw new Error(
        `${spec.page} x${spec.tabs} (${bench.broker.kind}): not every message was delivered once: ` +
          perTab.map(r => `${r.count}/${spec.messages} (${r.dupes} duplicates${r.timedOut ? ', timed out' : ''})`).join(', ') +
          (dropped.length ? `; the broker dropped messages for ${[...new Set(dropped)].join(', ')}` : ''),
      )
    }
    const mains = cpu.rendererMains.slice(0, spec.tabs).reduce((s, x) => s + x, 0) / spec.tabs
    return {
      page: spec.page,
      tabs: spec.tabs,
      messages: spec.messages,
      perTab,
      rate: Math.min(...perTab.map(r => r.rate)),
      maxFrameGap: Math.max(...perTab.map(r => r.maxFrameGap)),
      cpu,
      tabMainPer10k: (mains / spec.messages) * 10_000,
      connections,
      brokerCpuMs,
      benchCpuMs,
      machineBusyMs: machine,
      // With aedes the broker is this process: count it once.
      othersMs: machine - cpu.total - benchCpuMs - (bench.broker.pid && bench.broker.pid !== process.pid ? brokerCpuMs : 0),
      cores: cpus().length,
      wallMs,
    }
  } finally {
    await context.close().catch(() => {})
  }
}

/** `list` rotated by `rep`: each repetition starts with another contender, so none always goes first. */
export function rotate<T>(list: readonly T[], rep: number): T[] {
  const k = rep % list.length
  return [...list.slice(k), ...list.slice(0, k)]
}
