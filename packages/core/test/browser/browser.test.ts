/**
 * @tabmq/core in real headless Chromium: a Vite-built app (core from dist, default worker), pages
 * driven through `window.tabmq`, against real aedes and Mosquitto brokers. What is about
 * connections and subscriptions is checked at the broker.
 *
 * Needs /usr/bin/chromium (or TABMQ_CHROMIUM): without it the suite fails, saying how to install it.
 * Setup rebuilds dist when it is older than src. Every case runs against aedes and Mosquitto: none is skipped.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { MqttClient } from 'mqtt'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { brokerKinds, startTestBroker, type TestBroker } from '@tabmq/broker/testing'
import type { HubStats } from '../../src/types'
import { outsider, sleep } from '../helpers'
import { assertChromium, buildApp, ensureCoreBuilt, launchChromium, serveStatic, type BuiltApp, type StaticServer } from './fixture'
import type { Received } from './app/main'

let app: BuiltApp | undefined
let server: StaticServer | undefined
let browser: Browser | undefined

beforeAll(async () => {
  assertChromium()
  // TABMQ_BROWSER_CORE: a copy of this package (its package.json, dist and node_modules) to build
  // the app against instead, to try a change to dist without touching src.
  const core = process.env.TABMQ_BROWSER_CORE
  if (!core) ensureCoreBuilt()
  app = await buildApp(core)
  server = await serveStatic(app.outDir)
  browser = await launchChromium()
}, 240_000)

afterAll(async () => {
  await browser?.close().catch(() => {})
  await server?.close()
  app?.dispose()
})

type WorkerKind = 'default' | 'owned' | 'prebuilt'

/** One browser context per test: its own SharedWorkers and Web Locks, closed at the end. */
const contexts = new Set<BrowserContext>()
const pageErrors: string[] = []

async function newContext(options: { noSharedWorker?: boolean } = {}): Promise<BrowserContext> {
  const ctx = await browser!.newContext()
  contexts.add(ctx)
  if (options.noSharedWorker) {
    await ctx.addInitScript(() => {
      delete (window as { SharedWorker?: unknown }).SharedWorker
    })
  }
  return ctx
}

afterEach(async () => {
  for (const ctx of contexts) await ctx.close().catch(() => {})
  contexts.clear()
  const errors = pageErrors.splice(0)
  expect(errors, 'uncaught errors in pages').toEqual([])
})

/** Opens a page of the fixture app and waits for its client to be connected. */
async function openPage(ctx: BrowserContext, broker: TestBroker, worker: WorkerKind = 'default'): Promise<Page> {
  const page = await ctx.newPage()
  page.on('pageerror', e => void pageErrors.push(`${page.url()}: ${e.message}`))
  const query = new URLSearchParams({ broker: broker.wsUrl, worker })
  await page.goto(`${server!.origin}/?${query}`)
  await page.waitForFunction(() => window.fixtureError !== undefined || window.tabmq?.state().status === 'connected', null, { timeout: 10_000, polling: 20 }).catch(async error => {
    const state = await page.evaluate(() => ({ fixtureError: window.fixtureError, state: window.tabmq?.state() })).catch(() => undefined)
    throw new Error(`The page never connected: ${JSON.stringify(state)} (${(error as Error).message})`)
  })
  const fixtureError = await page.evaluate(() => window.fixtureError)
  if (fixtureError) throw new Error(`The fixture app failed: ${fixtureError}`)
  return page
}

async function openPages(ctx: BrowserContext, broker: TestBroker, n: number, worker: WorkerKind = 'default'): Promise<Page[]> {
  const pages: Page[] = []
  // One after the other: the first page hosts the SharedWorker.
  for (let i = 0; i < n; i++) pages.push(await openPage(ctx, broker, worker))
  return pages
}

/** Polls `probe` until `accept` says yes; on timeout, says what it last saw. */
async function until<T>(probe: () => Promise<T> | T, accept: (value: T) => boolean, what: string, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (accept(value)) return value
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}; last saw ${JSON.stringify(value)}`)
    await sleep(20)
  }
}

const subscribe = (page: Page, filters: string | string[], qos = 0) => page.evaluate(([f, q]) => window.tabmq.subscribe(f, { qos: q }), [filters, qos] as const)

async function subscribeActive(page: Page, filters: string | string[], qos = 0): Promise<number> {
  const id = await subscribe(page, filters, qos)
  await until(() => page.evaluate(i => window.subStatus[i], id), s => s?.status === 'active', `subscription ${JSON.stringify(filters)} to be active`)
  return id
}

/** What the page received on `topic`, or under it when it ends with a slash. */
const received = (page: Page, topic: string): Promise<Received[]> =>
  page.evaluate(t => window.received.filter(m => m.topic === t || (t.endsWith('/') && m.topic.startsWith(t))), topic)

async function waitReceived(page: Page, topic: string, count: number, timeoutMs = 5000): Promise<Received[]> {
  return until(() => received(page, topic), r => r.length >= count, `${count} message(s) on ${topic} in ${page.url()}`, timeoutMs)
}

const stats = (page: Page): Promise<HubStats> => page.evaluate(() => window.tabmq.stats())

/** Kills the page's renderer process, as a crash would (no pagehide, no goodbye). */
async function crash(page: Page): Promise<void> {
  const cdp = await page.context().newCDPSession(page)
  const crashed = page.waitForEvent('crash', { timeout: 10_000 })
  cdp.send('Page.crash').catch(() => {})
  await crashed
}

// Bounded waits inside each test say what they waited for; the test timeout is the last resort.
describe.each(brokerKinds())('in Chromium against %s', { timeout: 40_000 }, kind => {
  let broker: TestBroker
  let device: MqttClient

  const tabmqClients = () => broker.connectedClients().filter(id => id.startsWith('tabmq_'))
  const held = (filter: string) => broker.subscriptions().filter(s => s.filter === filter)

  beforeAll(async () => {
    broker = await startTestBroker(kind)
    device = await outsider(broker)
  }, 30_000)

  afterAll(async () => {
    device?.end(true)
    await broker?.close()
  })

  afterEach(async () => {
    // Every test leaves with its context closed: its workers and their connections go too.
    for (const ctx of contexts) await ctx.close().catch(() => {})
    contexts.clear()
    await broker.waitFor(() => tabmqClients().length === 0, 10_000, 'the tabmq connections of the last test to close')
  }, 20_000)

  it('two pages, then five pages, share exactly one broker connection (the default worker, built by Vite)', async () => {
    const ctx = await newContext()
    const pages = await openPages(ctx, broker, 2)
    for (const page of pages) expect(await page.evaluate(() => window.tabmq.transport())).toBe('shared')
    await broker.waitFor(() => tabmqClients().length === 1, 5000, 'one tabmq connection')
    const [clientId] = tabmqClients()
    let s = await stats(pages[1]!)
    expect(s.tabs).toBe(2)
    expect(s.connections.map(c => c.clientId)).toEqual([clientId])

    pages.push(...(await openPages(ctx, broker, 3)))
    for (const page of pages) expect((await stats(page)).tabs).toBe(5)
    s = await stats(pages[4]!)
    expect(s.connections).toHaveLength(1)
    expect(s.connections[0]!.tabs).toBe(5)
    await sleep(200) // a stray second connection would show up by now
    expect(tabmqClients()).toEqual([clientId])
    // The worker Vite emitted for the package's `new SharedWorker(new URL('../worker.js', import.meta.url))`.
    expect(server!.requests.some(p => /^\/assets\/worker-[\w-]+\.js$/.test(p))).toBe(true)
  })

  it.each([
    ['owned', /^\/assets\/tabmq\.worker-[\w-]+\.js$/],
    ['prebuilt', /^\/tabmq\.worker\.js$/],
  ] as const)('the %s worker file works too: pages share one connection and receive', async (worker, path) => {
    const before = server!.requests.length
    const ctx = await newContext()
    const pages = await openPages(ctx, broker, 2, worker)
    expect(server!.requests.slice(before).filter(p => path.test(p))).toHaveLength(1)
    for (const page of pages) await subscribeActive(page, `bt/${worker}/+`)
    await broker.waitFor(() => tabmqClients().length === 1, 5000, 'one tabmq connection')
    expect((await stats(pages[0]!)).tabs).toBe(2)
    await device.publishAsync(`bt/${worker}/1`, JSON.stringify({ via: worker }), { qos: 1 })
    for (const page of pages) expect((await waitReceived(page, `bt/${worker}/`, 1)).map(m => m.data)).toEqual([{ via: worker }])
  })

  it('a message published by an outside client reaches every page, through one broker subscription', async () => {
    const ctx = await newContext()
    const pages = await openPages(ctx, broker, 3)
    for (const page of pages) await subscribeActive(page, 'bt/fan/+/temp', 1)
    await broker.waitFor(() => held('bt/fan/+/temp').length === 1, 5000, 'bt/fan/+/temp at the broker')
    expect(held('bt/fan/+/temp')[0]!.clientId).toBe(tabmqClients()[0])
    await device.publishAsync('bt/fan/d1/temp', JSON.stringify({ t: 21.5 }), { qos: 1 })
    await device.publishAsync('bt/fan/d2/temp', 'plain text', { qos: 0 })
    for (const page of pages) {
      const got = await waitReceived(page, 'bt/fan/', 2)
      expect(got.map(m => [m.topic, m.data])).toEqual([
        ['bt/fan/d1/temp', { t: 21.5 }],
        ['bt/fan/d2/temp', 'plain text'],
      ])
    }
    await sleep(200)
    for (const page of pages) expect(await received(page, 'bt/fan/')).toHaveLength(2)
  })

  it('a page opened late gets the retained message at once; earlier pages do not get it twice', async () => {
    await device.publishAsync('bt/ret/dev1/status', JSON.stringify({ online: true }), { qos: 1, retain: true })
    try {
      const ctx = await newContext()
      const early = await openPage(ctx, broker)
      await subscribeActive(early, 'bt/ret/+/status')
      const first = await waitReceived(early, 'bt/ret/', 1)
      expect(first.map(m => [m.data, m.retain])).toEqual([[{ online: true }, true]])

      const late = await openPage(ctx, broker)
      const asked = Date.now()
      await subscribe(late, 'bt/ret/+/status')
      const got = await waitReceived(late, 'bt/ret/', 1, 1500)
      expect(got).toHaveLength(1)
      expect(got[0]!.data).toEqual({ online: true })
      expect(got[0]!.retain).toBe(true)
      expect(got[0]!.at - asked).toBeLessThan(1000)
      await sleep(300)
      expect(await received(early, 'bt/ret/')).toHaveLength(1)
      expect(await received(late, 'bt/ret/')).toHaveLength(1)

      // A live update reaches both, once each.
      await device.publishAsync('bt/ret/dev1/status', JSON.stringify({ online: false }), { qos: 1, retain: true })
      for (const page of [early, late]) {
        const all = await waitReceived(page, 'bt/ret/', 2)
        expect(all.map(m => m.data)).toEqual([{ online: true }, { online: false }])
      }
      await sleep(200)
      for (const page of [early, late]) expect(await received(page, 'bt/ret/')).toHaveLength(2)
    } finally {
      await device.publishAsync('bt/ret/dev1/status', '', { qos: 1, retain: true })
    }
  })

  it('closing a page, and crashing one, releases its broker subscriptions; the others keep theirs and receive', async () => {
    const ctx = await newContext()
    const [a, b, c] = (await openPages(ctx, broker, 3)) as [Page, Page, Page]
    for (const [page, name] of [[a, 'a'], [b, 'b'], [c, 'c']] as const) {
      await subscribeActive(page, `bt/leave/${name}`)
      await subscribeActive(page, 'bt/leave/all')
    }
    await broker.waitFor(() => ['a', 'b', 'c', 'all'].every(n => held(`bt/leave/${n}`).length === 1), 5000, 'the four filters at the broker')

    // Closed: the goodbye on pagehide.
    await b.close()
    await broker.waitFor(() => held('bt/leave/b').length === 0, 5000, 'bt/leave/b released after the page closed')
    expect(['a', 'c', 'all'].map(n => held(`bt/leave/${n}`).length)).toEqual([1, 1, 1])
    expect((await stats(a)).tabs).toBe(2)
    await device.publishAsync('bt/leave/all', 'after close', { qos: 1 })
    for (const page of [a, c]) expect((await waitReceived(page, 'bt/leave/all', 1)).map(m => m.data)).toEqual(['after close'])

    // Crashed: no goodbye; the hub learns it from the page's Web Lock.
    const crashedAt = Date.now()
    await crash(c)
    await broker.waitFor(() => held('bt/leave/c').length === 0, 5000, 'bt/leave/c released after the page crashed')
    const releasedIn = Date.now() - crashedAt
    expect(['a', 'all'].map(n => held(`bt/leave/${n}`).length)).toEqual([1, 1])
    expect((await stats(a)).tabs).toBe(1)
    await device.publishAsync('bt/leave/all', 'after crash', { qos: 1 })
    await device.publishAsync('bt/leave/a', 'mine', { qos: 1 })
    expect((await waitReceived(a, 'bt/leave/all', 2)).map(m => m.data)).toEqual(['after close', 'after crash'])
    expect((await waitReceived(a, 'bt/leave/a', 1)).map(m => m.data)).toEqual(['mine'])
    expect(tabmqClients()).toHaveLength(1)
    console.info(`[${kind}] a crashed page's subscriptions were released at the broker in ${releasedIn} ms`)
  })

  it('crashing the page that hosts the SharedWorker: the others start a new worker and restore their subscriptions', async () => {
    const ctx = await newContext()
    const [host, b, c] = (await openPages(ctx, broker, 3)) as [Page, Page, Page]
    for (const [page, name] of [[host, 'host'], [b, 'b'], [c, 'c']] as const) {
      await subscribeActive(page, `bt/host/${name}`)
      await subscribeActive(page, 'bt/host/all')
    }
    await broker.waitFor(() => tabmqClients().length === 1, 5000, 'one tabmq connection')
    const [oldId] = tabmqClients()

    // A device publishes every 20 ms throughout; recovery is when both survivors receive again.
    let seq = 0
    let publishing = true
    const publisher = (async () => {
      while (publishing) {
        device.publish('bt/host/all', JSON.stringify({ seq: ++seq, at: Date.now() }))
        await sleep(20)
      }
    })()
    try {
      await until(() => Promise.all([b, c].map(p => received(p, 'bt/host/all'))), r => r.every(x => x.length > 0), 'the stream before the crash')
      const crashAt = Date.now()
      await crash(host)
      const crashedAt = Date.now()
      // Messages published after the host's renderer was gone can only come through a new worker.
      const firstAfter = async (page: Page) => (await received(page, 'bt/host/all')).find(m => (m.data as { at: number }).at > crashedAt)
      const recovered = await until(() => Promise.all([b, c].map(firstAfter)), r => r.every(m => m !== undefined), 'both surviving pages to receive again', 10_000)
      const recoveryMs = Math.max(...recovered.map(m => m!.at)) - crashAt
      const resubscribed = await until(() => tabmqClients(), ids => ids.length === 1 && ids[0] !== oldId, 'one new tabmq connection', 5000)
      console.info(`[${kind}] host page crashed: the other pages received again ${recoveryMs} ms after the crash (the crash itself took ${crashedAt - crashAt} ms to report)`)
      expect(recoveryMs).toBeLessThan(2000)

      // The broker sees the new connection holding the survivors' subscriptions, not the dead page's.
      const newId = resubscribed[0]!
      await broker.waitFor(() => ['b', 'c', 'all'].every(n => held(`bt/host/${n}`).some(s => s.clientId === newId)), 5000, 'subscriptions restored on the new connection')
      expect(held('bt/host/host')).toEqual([])
      for (const page of [b, c]) {
        const s = await stats(page)
        expect(s.tabs).toBe(2)
        expect(s.connections.map(x => x.clientId)).toEqual([newId])
        expect(await page.evaluate(() => window.tabmq.state().status)).toBe('connected')
      }
      // Each message once per page, before and after the crash.
      for (const page of [b, c]) {
        const seqs = (await received(page, 'bt/host/all')).map(m => (m.data as { seq: number }).seq)
        expect(new Set(seqs).size).toBe(seqs.length)
      }
    } finally {
      publishing = false
      await publisher
    }
    await device.publishAsync('bt/host/b', 'still b', { qos: 1 })
    expect((await waitReceived(b, 'bt/host/b', 1)).map(m => m.data)).toEqual(['still b'])
    expect(await received(c, 'bt/host/b')).toEqual([])
  })

  it('without SharedWorker, each page falls back to a dedicated worker; the workers elect one host and share its connection', async () => {
    const ctx = await newContext({ noSharedWorker: true })
    const pages = await openPages(ctx, broker, 2)
    for (const page of pages) {
      expect(await page.evaluate(() => typeof (window as { SharedWorker?: unknown }).SharedWorker)).toBe('undefined')
      expect(await page.evaluate(() => window.tabmq.transport())).toBe('dedicated')
      await subscribeActive(page, 'bt/ded/#')
    }
    // More in elected.test.ts: hand-overs when the host tab closes, crashes or stops answering.
    await broker.waitFor(() => tabmqClients().length === 1, 5000, 'one tabmq connection')
    for (const page of pages) expect(await stats(page)).toMatchObject({ transport: 'elected', tabs: 2, connections: [{ clientId: tabmqClients()[0] }] })
    expect(held('bt/ded/#')).toHaveLength(1)
    await device.publishAsync('bt/ded/x', JSON.stringify({ n: 1 }), { qos: 1 })
    for (const page of pages) expect((await waitReceived(page, 'bt/ded/', 1)).map(m => m.data)).toEqual([{ n: 1 }])
    const sent = await pages[0]!.evaluate(() => window.tabmq.publish('bt/ded/from-page', 'hello', { qos: 1 }))
    expect(sent).toEqual({ ok: true })
    expect((await waitReceived(pages[1]!, 'bt/ded/from-page', 1)).map(m => m.data)).toEqual(['hello'])
  })

  it("bad input in one page gives PubSubError codes there, and another page's subscription keeps receiving", async () => {
    const ctx = await newContext()
    const [bad, good] = (await openPages(ctx, broker, 2)) as [Page, Page]
    await subscribeActive(good, 'bt/bad/#')
    const [clientId] = tabmqClients()

    const wildcard = await bad.evaluate(() => window.tabmq.publish('a/+', 'x', { qos: 1 }))
    expect(wildcard).toMatchObject({ ok: false, name: 'PubSubError', code: 'INVALID_TOPIC', isPubSubError: true })
    const qos3 = await bad.evaluate(() => window.tabmq.publish('bt/bad/q', 'x', { qos: 3 }))
    expect(qos3).toMatchObject({ ok: false, code: 'INVALID_QOS', isPubSubError: true })
    const cyclic = await bad.evaluate(() => {
      const o: Record<string, unknown> = { a: 1 }
      o.self = o
      return window.tabmq.publish('bt/bad/cyclic', o)
    })
    expect(cyclic).toMatchObject({ ok: false, code: 'INVALID_PAYLOAD', isPubSubError: true })

    const badFilter = await subscribe(bad, 'a/#/b')
    const badQos = await subscribe(bad, 'bt/bad/q3', 3)
    const statusOf = (id: number) => until(() => bad.evaluate(i => window.subStatus[i], id), s => s?.status === 'error', `subscription ${id} to fail`)
    expect((await statusOf(badFilter))!.error).toMatchObject({ code: 'INVALID_FILTER', isPubSubError: true })
    expect((await statusOf(badQos))!.error).toMatchObject({ code: 'INVALID_QOS', isPubSubError: true })
    for (const r of [wildcard, qos3, cyclic]) expect((r as { message: string }).message.length).toBeGreaterThan(10)

    // Nothing of it reached the broker, and the hub and the other page carry on.
    expect(broker.subscribeCount('a/#/b')).toBe(0)
    expect(tabmqClients()).toEqual([clientId])
    expect(await bad.evaluate(() => window.tabmq.state().status)).toBe('connected')
    await device.publishAsync('bt/bad/device', 'from device', { qos: 1 })
    expect(await bad.evaluate(() => window.tabmq.publish('bt/bad/page', { fine: true }, { qos: 1 }))).toEqual({ ok: true })
    const got = await waitReceived(good, 'bt/bad/', 2)
    expect(got.map(m => [m.topic, m.data])).toEqual([
      ['bt/bad/device', 'from device'],
      ['bt/bad/page', { fine: true }],
    ])
    expect(await received(good, 'bt/bad/q')).toEqual([])
    expect(await received(good, 'bt/bad/cyclic')).toEqual([])
  })
})
