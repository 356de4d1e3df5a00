/**
 * Helpers of the browser suites that drive several tabs of the fixture app (elected hosts, the
 * durable outbox): open pages with options, wait for conditions, count at an outside subscriber.
 */
import mqtt, { type MqttClient } from 'mqtt'
import { afterAll, afterEach, beforeAll, expect } from 'vitest'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import type { TestBroker } from '@tabmq/broker/testing'
import type { HubStats } from '../../src/types'
import { sleep } from '../helpers'
import type { Received } from './app/main'
import { assertChromium, buildApp, ensureCoreBuilt, launchChromium, serveStatic, type BuiltApp, type StaticServer } from './fixture'

/** Options of the fixture app, as query parameters (see app/main.ts). */
export interface AppOptions {
  /** The broker URL the page connects to (default: the broker's own). */
  url?: string
  clientId?: string
  clean?: boolean
  persist?: boolean
  maxSize?: number
  /** Wait for `connected` before returning (default true). */
  connected?: boolean
}

/** The browser contexts a suite opened, closed after each test. */
export class Contexts {
  private readonly open = new Set<BrowserContext>()
  readonly pageErrors: string[] = []
  constructor(private readonly browser: () => Browser) {}

  /** A context of its own (its own workers and Web Locks); `noSharedWorker` removes SharedWorker from its pages. */
  async create(options: { noSharedWorker?: boolean } = {}): Promise<BrowserContext> {
    const ctx = await this.browser().newContext()
    this.open.add(ctx)
    if (options.noSharedWorker) {
      await ctx.addInitScript(() => {
        delete (window as { SharedWorker?: unknown }).SharedWorker
      })
    }
    return ctx
  }

  async closeAll(): Promise<void> {
    for (const ctx of this.open) await ctx.close().catch(() => {})
    this.open.clear()
  }

  /** Opens a page of the fixture app and, unless told otherwise, waits for its client to be connected. */
  async page(ctx: BrowserContext, origin: string, broker: TestBroker, options: AppOptions = {}): Promise<Page> {
    const page = await ctx.newPage()
    page.on('pageerror', e => void this.pageErrors.push(`${page.url()}: ${e.message}`))
    const query = new URLSearchParams({ broker: options.url ?? broker.wsUrl })
    if (options.clientId) query.set('clientId', options.clientId)
    if (options.clean === false) query.set('clean', '0')
    if (options.persist) query.set('persist', '1')
    if (options.maxSize !== undefined) query.set('maxSize', String(options.maxSize))
    await page.goto(`${origin}/?${query}`)
    const fixtureError = await page.waitForFunction(() => window.fixtureError !== undefined || window.tabmq !== undefined).then(() => page.evaluate(() => window.fixtureError))
    if (fixtureError) throw new Error(`The fixture app failed: ${fixtureError}`)
    if (options.connected !== false) await until(() => page.evaluate(() => window.tabmq.state()), s => s.status === 'connected', `${page.url()} to connect`, 10_000)
    return page
  }
}

/** Polls `probe` until `accept` says yes; on timeout, says what it last saw. */
export async function until<T>(probe: () => Promise<T> | T, accept: (value: T) => boolean, what: string, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (accept(value)) return value
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}; last saw ${JSON.stringify(value)}`)
    await sleep(20)
  }
}

export async function subscribeActive(page: Page, filters: string | string[], qos = 0): Promise<number> {
  const id = await page.evaluate(([f, q]) => window.tabmq.subscribe(f, { qos: q }), [filters, qos] as const)
  await until(() => page.evaluate(i => window.subStatus[i], id), s => s?.status === 'active', `subscription ${JSON.stringify(filters)} to be active`, 10_000)
  return id
}

/** What the page received on `topic`, or under it when it ends with a slash. */
export const received = (page: Page, topic: string): Promise<Received[]> =>
  page.evaluate(t => window.received.filter(m => m.topic === t || (t.endsWith('/') && m.topic.startsWith(t))), topic)

/**
 * The hub's stats as the page sees them. While a hub hands over, a stats call can fail (the old
 * hub is gone) or time out: ask again until `accept` holds.
 */
export async function statsWhen(page: Page, accept: (s: HubStats) => boolean, what: string, timeoutMs = 10_000): Promise<HubStats> {
  const ask = () => page.evaluate(() => window.tabmq.stats().catch((e: Error) => ({ error: e.message }))) as Promise<HubStats | { error: string }>
  return (await until(ask, s => !('error' in s) && accept(s), what, timeoutMs)) as HubStats
}

/** Kills the page's renderer process, as a crash would (no pagehide, no goodbye). */
export async function crash(page: Page): Promise<void> {
  const cdp = await page.context().newCDPSession(page)
  const crashed = page.waitForEvent('crash', { timeout: 10_000 })
  cdp.send('Page.crash').catch(() => {})
  await crashed
}

/**
 * A plain mqtt.js subscriber outside tabmq, as a device backend would be: counts each payload it
 * receives on `filter` at `qos`, in arrival order.
 */
export async function counter(broker: TestBroker, filter: string, qos: 0 | 1 | 2 = 2): Promise<{ client: MqttClient; counts: Map<string, number>; order: string[]; close(): void }> {
  const counts = new Map<string, number>()
  const order: string[] = []
  const client = mqtt.connect(broker.tcpUrl, { clientId: `counter_${Math.random().toString(16).slice(2)}`, reconnectPeriod: 0 })
  client.on('message', (_topic, payload) => {
    const p = payload.toString()
    order.push(p)
    counts.set(p, (counts.get(p) ?? 0) + 1)
  })
  client.on('error', () => {})
  await new Promise<void>((resolve, reject) => {
    client.once('connect', () => resolve())
    client.once('error', reject)
  })
  await client.subscribeAsync(filter, { qos })
  return { client, counts, order, close: () => void client.end(true) }
}

/**
 * Starts a stream of QoS `qos` publishes in the page, one every `everyMs`: payloads `<tag>-<n>`,
 * each publish's outcome recorded in `window.stream`. Stop it with {@link stopStream}.
 */
export async function startStream(page: Page, topic: string, tag: string, qos: 1 | 2, everyMs = 20): Promise<void> {
  await page.evaluate(
    ([topic, tag, qos, everyMs]) => {
      type Stream = { sent: string[]; ok: string[]; failed: Array<{ payload: string; code?: string | undefined }>; stop: boolean; done: Promise<void> }
      const stream: Stream = { sent: [], ok: [], failed: [], stop: false, done: Promise.resolve() }
      ;(window as unknown as { stream: Stream }).stream = stream
      const settled: Promise<void>[] = []
      stream.done = (async () => {
        for (let i = 0; !stream.stop; i++) {
          const payload = `${tag}-${i}`
          stream.sent.push(payload)
          settled.push(window.tabmq.publish(topic, payload, { qos }).then(r => void (r.ok ? stream.ok.push(payload) : stream.failed.push({ payload, code: r.code }))))
          await new Promise(r => setTimeout(r, everyMs))
        }
        await Promise.all(settled)
      })()
    },
    [topic, tag, qos, everyMs] as const,
  )
}

/** Stops the page's stream and waits for every publish of it to settle. */
export async function stopStream(page: Page): Promise<{ sent: string[]; ok: string[]; failed: Array<{ payload: string; code?: string }> }> {
  return page.evaluate(async () => {
    const w = window as unknown as { stream: { sent: string[]; ok: string[]; failed: Array<{ payload: string; code?: string }>; stop: boolean; done: Promise<void> } }
    w.stream.stop = true
    await w.stream.done
    return { sent: w.stream.sent, ok: w.stream.ok, failed: w.stream.failed }
  })
}

/**
 * The suite set-up the tab-level browser tests share: the app built once, served, one Chromium,
 * contexts closed after each test and no uncaught page error allowed. Call at the top of a file.
 */
export function browserSuite(): { contexts: Contexts; origin: () => string } {
  let app: BuiltApp | undefined
  let server: StaticServer | undefined
  let browser: Browser | undefined
  const contexts = new Contexts(() => browser!)
  beforeAll(async () => {
    assertChromium()
    ensureCoreBuilt()
    app = await buildApp()
    server = await serveStatic(app.outDir)
    browser = await launchChromium()
  }, 240_000)
  afterAll(async () => {
    await contexts.closeAll()
    await browser?.close().catch(() => {})
    await server?.close()
    app?.dispose()
  })
  afterEach(async () => {
    await contexts.closeAll()
    expect(contexts.pageErrors.splice(0), 'uncaught errors in pages').toEqual([])
  })
  return { contexts, origin: () => server!.origin }
}
