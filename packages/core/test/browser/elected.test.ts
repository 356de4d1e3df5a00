/**
 * One broker connection without SharedWorker (Android WebView, Chrome on Android before 148): the
 * tabs' dedicated workers elect a host with Web Locks, the others relay to it over a
 * BroadcastChannel. In real Chromium with SharedWorker removed from the page, against aedes and
 * Mosquitto; connections and subscriptions are counted at the broker, publishes at an outside
 * subscriber.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { MqttClient } from 'mqtt'
import type { Page } from 'playwright-core'
import { brokerKinds, startTestBroker, type TestBroker } from '@tabmq/broker/testing'
import { outsider, sleep } from '../helpers'
import { browserSuite, counter, crash, received, startStream, statsWhen, stopStream, subscribeActive, until } from './tabs'

const { contexts, origin } = browserSuite()

describe.each(brokerKinds())('elected host without SharedWorker, against %s', { timeout: 60_000 }, kind => {
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
    await contexts.closeAll()
    await broker.waitFor(() => tabmqClients().length === 0, 10_000, 'the tabmq connections of the last test to close')
  }, 20_000)

  /** Opens `n` tabs one after the other: the first one's worker becomes the host. */
  async function openTabs(n: number): Promise<Page[]> {
    const ctx = await contexts.create({ noSharedWorker: true })
    const pages: Page[] = []
    for (let i = 0; i < n; i++) pages.push(await contexts.page(ctx, origin(), broker))
    return pages
  }

  /** A device stream every 20 ms on `topic`: `{ seq, at }`; returns its stop function. */
  function deviceStream(topic: string): () => Promise<void> {
    let seq = 0
    let on = true
    const running = (async () => {
      while (on) {
        device.publish(topic, JSON.stringify({ seq: ++seq, at: Date.now() }))
        await sleep(20)
      }
    })()
    return async () => {
      on = false
      await running
    }
  }

  /** When every page in `pages` received a device message published after `since` (the device's clock). */
  async function receivingAgain(pages: Page[], topic: string, since: number, timeoutMs = 15_000): Promise<void> {
    const firstAfter = async (page: Page) => (await received(page, topic)).find(m => (m.data as { at: number }).at > since)
    await until(() => Promise.all(pages.map(firstAfter)), r => r.every(m => m !== undefined), `${pages.length} page(s) to receive again`, timeoutMs)
  }

  /**
   * The hand-over as the pages lived it: the longest time a page went without a message of the
   * device's 20 ms stream, from `from` on (the old hub may still deliver for a moment after it was
   * told to go).
   */
  async function longestGap(pages: Page[], topic: string, from: number): Promise<number> {
    let gap = 0
    for (const page of pages) {
      const times = (await received(page, topic)).map(m => m.at).filter(at => at >= from - 100)
      for (let i = 1; i < times.length; i++) gap = Math.max(gap, times[i]! - times[i - 1]!)
    }
    return gap
  }

  it('four tabs share one broker connection and one SUBSCRIBE; deliveries and publishes cross the relays', async () => {
    const pages = await openTabs(4)
    for (const page of pages) {
      expect(await page.evaluate(() => typeof (window as { SharedWorker?: unknown }).SharedWorker)).toBe('undefined')
      // The tab made a dedicated worker; the hub it reaches is the elected one.
      expect(await page.evaluate(() => window.tabmq.transport())).toBe('dedicated')
    }
    await broker.waitFor(() => tabmqClients().length === 1, 5000, 'one tabmq connection')
    const [clientId] = tabmqClients()
    for (const page of pages) {
      const s = await statsWhen(page, s => s.tabs === 4, 'the host to count four tabs')
      expect(s.transport).toBe('elected')
      expect(s.connections.map(c => c.clientId)).toEqual([clientId])
    }
    for (const page of pages) await subscribeActive(page, 'el/share/+', 1)
    await broker.waitFor(() => held('el/share/+').length === 1, 5000, 'el/share/+ at the broker')
    expect(held('el/share/+')[0]!.clientId).toBe(clientId)

    await device.publishAsync('el/share/dev', JSON.stringify({ n: 1 }), { qos: 1 })
    for (const page of pages) expect((await until(() => received(page, 'el/share/dev'), r => r.length === 1, 'the device message')).map(m => m.data)).toEqual([{ n: 1 }])
    // A relayed tab publishes; every tab, the publisher included, gets it once.
    expect(await pages[3]!.evaluate(() => window.tabmq.publish('el/share/tab', { from: 3 }, { qos: 1 }))).toEqual({ ok: true })
    for (const page of pages) expect((await until(() => received(page, 'el/share/tab'), r => r.length === 1, 'the tab message')).map(m => m.data)).toEqual([{ from: 3 }])
    await sleep(200)
    for (const page of pages) expect(await received(page, 'el/share/')).toHaveLength(2)
    expect(tabmqClients()).toEqual([clientId])

    // Bad input through a relay gets its code there and disturbs nobody.
    expect(await pages[2]!.evaluate(() => window.tabmq.publish('el/+', 'x', { qos: 1 }))).toMatchObject({ ok: false, code: 'INVALID_TOPIC', isPubSubError: true })

    // A relayed tab closing releases its subscription's reference, not the broker's subscription.
    await pages[3]!.close()
    const s = await statsWhen(pages[0]!, s => s.tabs === 3, 'the host to drop the closed tab')
    expect(s.connections[0]!.filters).toEqual([{ filter: 'el/share/+', refs: 3, qos: 1 }])
    expect(tabmqClients()).toEqual([clientId])
  })

  for (const how of ['closed', 'crashed'] as const) {
    it(`the host tab ${how}: the others elect a new host, restore their subscriptions, and lose no QoS 1 publish`, async () => {
      const [host, b, c] = (await openTabs(3)) as [Page, Page, Page]
      for (const page of [host, b, c]) await subscribeActive(page, `el/${how}/all`)
      await subscribeActive(b, `el/${how}/b`)
      await broker.waitFor(() => tabmqClients().length === 1, 5000, 'one tabmq connection')
      const [oldId] = tabmqClients()
      const outside = await counter(broker, `el/${how}/out/#`, 1)
      const stopDevice = deviceStream(`el/${how}/all`)
      try {
        // Both relayed tabs publish QoS 1 throughout the hand-over.
        await startStream(b, `el/${how}/out/b`, 'b', 1)
        await startStream(c, `el/${how}/out/c`, 'c', 1)
        await until(() => Promise.all([b, c].map(p => received(p, `el/${how}/all`))), r => r.every(x => x.length > 5), 'the stream before the host goes')
        await until(() => outside.order.length, n => n > 10, 'publishes at the outside subscriber before the host goes')
        const goneAt = Date.now()
        if (how === 'closed') await host.close()
        else await crash(host)
        const newIds = await until(() => tabmqClients(), ids => ids.length === 1 && ids[0] !== oldId, 'one new tabmq connection', 15_000)
        // Messages published once the new connection is up can only come through the new host.
        await receivingAgain([b, c], `el/${how}/all`, Date.now())
        console.info(`[${kind}] host tab ${how}: the other tabs went ${await longestGap([b, c], `el/${how}/all`, goneAt)} ms without a message`)
        await sleep(300) // publishes keep flowing through the new host

        const streams = [await stopStream(b), await stopStream(c)]
        for (const s of streams) {
          expect(s.failed).toEqual([])
          expect(s.ok.length).toBe(s.sent.length)
          // Every QoS 1 publish reached the outside subscriber: at least once (a publish in flight when
          // the host went is sent again by the new one).
          await until(() => s.sent.filter(p => !outside.counts.has(p)), missing => missing.length === 0, 'every publish at the outside subscriber')
        }
        const dupes = [...outside.counts.values()].filter(n => n > 1).length
        console.info(`[${kind}] host tab ${how}: ${streams[0]!.sent.length + streams[1]!.sent.length} QoS 1 publishes, none lost, ${dupes} sent twice`)

        // The new connection holds the survivors' subscriptions; the gone tab's are not restored.
        const newId = newIds[0]!
        await broker.waitFor(() => held(`el/${how}/all`).some(s => s.clientId === newId) && held(`el/${how}/b`).some(s => s.clientId === newId), 5000, 'subscriptions restored on the new connection')
        for (const page of [b, c]) {
          const s = await statsWhen(page, s => s.tabs === 2, 'the new host to count two tabs')
          expect(s.transport).toBe('elected')
          expect(s.connections.map(x => x.clientId)).toEqual([newId])
        }
        for (const page of [b, c]) {
          const seqs = (await received(page, `el/${how}/all`)).map(m => (m.data as { seq: number }).seq)
          expect(new Set(seqs).size).toBe(seqs.length)
        }
      } finally {
        await stopDevice()
        outside.close()
      }
      await device.publishAsync(`el/${how}/b`, 'still b', { qos: 1 })
      expect((await until(() => received(b, `el/${how}/b`), r => r.length === 1, 'b to receive')).map(m => m.data)).toEqual(['still b'])
      expect(await received(c, `el/${how}/b`)).toEqual([])
    })
  }

  it('a host that stops answering (its worker blocked, as a frozen tab) is replaced; when it runs again it stops serving and its tab moves', async () => {
    const [host, b, c] = (await openTabs(3)) as [Page, Page, Page]
    for (const page of [host, b, c]) await subscribeActive(page, 'el/frozen/all')
    await broker.waitFor(() => tabmqClients().length === 1, 5000, 'one tabmq connection')
    const [oldId] = tabmqClients()
    const outside = await counter(broker, 'el/frozen/out/#', 1)
    const stopDevice = deviceStream('el/frozen/all')
    try {
      await startStream(b, 'el/frozen/out/b', 'b', 1)
      await until(() => received(b, 'el/frozen/all'), r => r.length > 5, 'the stream before the freeze')
      // A frozen tab runs nothing in its worker: no message answered, its locks still held. A busy
      // loop does the same from the outside (CDP's lifecycle freeze leaves dedicated workers running).
      const [worker] = host.workers()
      expect(worker).toBeDefined()
      const frozenAt = Date.now()
      const FROZEN_MS = 12_000
      let blocked = true
      const thawed = worker!.evaluate(ms => {
        const end = Date.now() + ms
        while (Date.now() < end) {
          // blocked, as frozen
        }
      }, FROZEN_MS)
      thawed.then(
        () => void (blocked = false),
        () => void (blocked = false),
      )
      // Two connections while the old host is blocked: it cannot close its own.
      await broker.waitFor(() => tabmqClients().length === 2 && tabmqClients().includes(oldId!), FROZEN_MS - 1000, 'the new host connected beside the blocked one')
      await receivingAgain([b, c], 'el/frozen/all', Date.now(), FROZEN_MS - 1000)
      expect(blocked, 'the hand-over happened while the old host was still blocked').toBe(true)
      console.info(`[${kind}] host frozen: the other tabs went ${await longestGap([b, c], 'el/frozen/all', frozenAt)} ms without a message, then a new host served them`)

      // It runs again, learns that its lock was stolen, and ends: its connection closes, its tab moves.
      await thawed.catch(() => {})
      await broker.waitFor(() => !tabmqClients().includes(oldId!), 10_000, 'the replaced host to close its connection')
      const [newId] = tabmqClients()
      expect(tabmqClients()).toHaveLength(1)
      for (const page of [host, b, c]) {
        const s = await statsWhen(page, s => s.tabs === 3, 'three tabs on the new host')
        expect(s.connections.map(x => x.clientId)).toEqual([newId])
      }
      const movedAt = Date.now()
      await receivingAgain([host], 'el/frozen/all', movedAt)

      const s = await stopStream(b)
      expect(s.failed).toEqual([])
      await until(() => s.sent.filter(p => !outside.counts.has(p)), missing => missing.length === 0, 'every publish at the outside subscriber')
    } finally {
      await stopDevice()
      outside.close()
    }
  })
})
