/**
 * The network between the browser and the broker, cut by a proxy the test controls: a clean close,
 * a blackhole that drops packets and closes nothing, and a broker unreachable at start. Every demo,
 * against aedes: the proxy works at the TCP level, below any broker, and the counter outside the
 * browser connects to the broker directly.
 */
import net from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFaultProxy, type FaultProxy } from '@tabmq/broker/testing'
import { useChromium } from '../src/chromium'
import { type Dashboard, eventually } from '../src/dashboard'
import { selectedDemos } from '../src/demos'
import { connectOutside, type Outside } from '../src/outside'
import { readRecord, steps } from '../src/page-probe'
import type { StreamResult } from '../src/tab-client'
import { DEVICE, useSuite } from '../src/suite'

/** Seconds: a blackhole is found by keepalive, so the tabs use a short one (`?keepalive=`). */
const KEEPALIVE = 2

/** A ws:// URL on a port nothing listens on. */
async function deadUrl(): Promise<string> {
  const server = net.createServer()
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r))
  const { port } = server.address() as net.AddressInfo
  await new Promise<void>(r => server.close(() => r()))
  return `ws://127.0.0.1:${port}/mqtt`
}

/** How many times the tab's client has been connected. */
const timesConnected = async (tab: Dashboard) => steps((await readRecord(tab.page)).states.map(s => s.status)).filter(s => s === 'connected').length

const chromium = useChromium()

describe.each(selectedDemos())('%s: the network fails (aedes, through a fault proxy)', demo => {
  const suite = useSuite(demo, { chromium, broker: 'aedes' })
  let proxy: FaultProxy
  let counter: Outside

  beforeAll(async () => {
    proxy = await startFaultProxy(suite.broker.wsUrl)
    counter = await connectOutside(suite.broker, ['e2e/net/#'])
  })
  afterAll(async () => {
    await counter?.close()
    await proxy?.close()
  })

  /** Two tabs through the proxy, streaming QoS 1 publishes, connected once. */
  async function streamingTabs(name: string): Promise<readonly [Dashboard, Dashboard]> {
    const context = await suite.newContext()
    const tabs = [await suite.open(context, { broker: proxy.url, keepalive: KEEPALIVE }), await suite.open(context, { broker: proxy.url, keepalive: KEEPALIVE })] as const
    for (const tab of tabs) await tab.waitText('explorer-status', 'active')
    for (const [i, tab] of tabs.entries()) await tab.client.startStream(`e2e/net/${name}/${i}`, `${name}${i}`, 20)
    const arrived = counter.counts.size
    await eventually('the stream to flow', () => counter.counts.size >= arrived + 10)
    return tabs
  }

  /** Stops the streams: every publish resolved once and arrived; the tabs receive again. */
  async function expectNothingLost(tabs: readonly Dashboard[], temperature: number): Promise<void> {
    const results: StreamResult[] = await Promise.all(tabs.map(t => t.client.stopStream()))
    for (const result of results) {
      expect(result.rejected).toEqual([])
      expect(result.sent.filter(p => result.resolved[p] !== 1)).toEqual([])
    }
    const sent = results.flatMap(r => r.sent)
    await eventually('every publish at the outside subscriber', () => sent.every(p => counter.counts.has(p)), 15_000)
    // Subscriptions came back: a reading published now shows in both tabs.
    await suite.broker.waitFor(() => suite.broker.subscriptions().some(s => s.filter === 'devices/#'), 5000, 'devices/# held again')
    await counter.publish(`devices/${DEVICE}/telemetry`, { temperature, humidity: 50, ts: Date.now() })
    for (const tab of tabs) await tab.waitText('latest-temperature', `${temperature}.0`)
  }

  it('a clean cut (both ends closed): the tabs reconnect, the QoS 1 publishes made meanwhile are delivered, nothing is lost, subscriptions come back', async () => {
    const tabs = await streamingTabs('cut')
    proxy.cut()
    for (const tab of tabs) await eventually('the tab to connect again', async () => (await timesConnected(tab)) === 2, 15_000)
    const arrived = counter.counts.size
    await eventually('the stream to flow again', () => counter.counts.size >= arrived + 10)
    await expectNothingLost(tabs, 61)
    for (const tab of tabs) expect(steps((await readRecord(tab.page)).shown)).toContain('reconnecting')
  })

  it(`a blackhole (packets dropped, nothing closed) is found by keepalive (${KEEPALIVE} s); the publishes made meanwhile are delivered after, nothing is lost, subscriptions come back`, async () => {
    const tabs = await streamingTabs('hole')
    proxy.blackhole()
    try {
      // Nothing fails while the connection looks alive: the publishes wait for their PUBACKs.
      for (const tab of tabs) await tab.waitText('connection-state', 'reconnecting', 15_000)
      for (const tab of tabs) expect((await tab.page.evaluate(() => window.__stream!.result.rejected)).length).toBe(0)
    } finally {
      proxy.restore()
    }
    for (const tab of tabs) await eventually('the tab to connect again', async () => (await timesConnected(tab)) === 2, 20_000)
    const arrived = counter.counts.size
    await eventually('the stream to flow again', () => counter.counts.size >= arrived + 10)
    await expectNothingLost(tabs, 62)
  })

  it('the broker unreachable at start, then up: the app connects without a reload', async () => {
    const late = await startFaultProxy(await deadUrl())
    try {
      const context = await suite.newContext()
      const tab = await suite.open(context, { broker: late.url })
      await eventually('a failed attempt and a retry', async () => (await readRecord(tab.page)).states.some(s => s.status === 'reconnecting' && s.attempt >= 2), 15_000)
      expect(await tab.text('connection-state')).toBe('reconnecting')
      expect(await tab.count('connection-error')).toBe(1)
      const { startedAt } = await readRecord(tab.page)
      late.retarget(suite.broker.wsUrl) // the broker is up
      await tab.waitText('connection-state', 'connected', 40_000)
      await tab.waitText('explorer-status', 'active')
      expect((await readRecord(tab.page)).startedAt).toBe(startedAt) // the same document: no reload
      await counter.publish(`devices/${DEVICE}/telemetry`, { temperature: 63, humidity: 50, ts: Date.now() })
      await tab.waitText('latest-temperature', '63.0')
    } finally {
      await late.close()
    }
  })
})
