/**
 * Sharing: tabs of one browser context share one broker connection, however many there are and
 * however they leave (closed, crashed, the one hosting the worker crashed). Every demo, against
 * aedes: what is checked here is the hub (one per origin) and the broker's view of it, the same
 * for both brokers; the happy path covers each demo against Mosquitto.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { crash } from '../src/crash'
import { type Dashboard, eventually } from '../src/dashboard'
import { useChromium } from '../src/chromium'
import { selectedDemos } from '../src/demos'
import { explore, explorerRows, refsTo } from '../src/explorer'
import { connectOutside, type Outside } from '../src/outside'
import { DEVICE, useSuite } from '../src/suite'

const TELEMETRY = `devices/${DEVICE}/telemetry`
const STATUS = `devices/${DEVICE}/status`

/** The hub's view from a tab: tabs, broker connections, and the reference count of `filter`. */
async function hubView(tab: Dashboard, filter: string) {
  const stats = await tab.client.stats()
  return { tabs: stats.tabs, connections: stats.connections.length, refs: await refsTo(tab, filter) }
}

const chromium = useChromium()

describe.each(selectedDemos())('%s: tabs share one connection (aedes)', demo => {
  const suite = useSuite(demo, { chromium, broker: 'aedes' })
  let outside: Outside
  const held = (filter: string) => suite.broker.subscriptions().filter(s => s.filter === filter)

  beforeAll(async () => {
    outside = await connectOutside(suite.broker)
  })
  afterAll(() => outside?.close())

  it('1, 3 and 8 tabs: exactly one broker connection, and every tab shows a reading published from outside', async () => {
    const context = await suite.newContext()
    const tabs: Dashboard[] = []
    for (const n of [1, 3, 8]) {
      while (tabs.length < n) tabs.push(await suite.open(context))
      for (const tab of tabs) {
        await tab.waitText('connection-state', 'connected')
        await tab.waitText('explorer-status', 'active')
        await eventually(`${n} tabs on one connection in the header`, async () => (await tab.text('tab-count')) === String(n) && (await tab.text('connection-count')) === '1')
      }
      await suite.broker.waitFor(() => suite.tabmqClients().length === 1 && held('devices/#').length === 1, 5000, 'one tabmq connection holding devices/#')
      const temperature = 20 + n
      await outside.publish(TELEMETRY, { temperature, humidity: 50 + n, ts: Date.now() })
      for (const tab of tabs) await tab.waitText('latest-temperature', `${temperature}.0`)
      expect(suite.tabmqClients()).toHaveLength(1)
      expect(held('devices/#')).toHaveLength(1)
    }
  })

  it('a tab opened later shows the retained status and the latest reading at once', async () => {
    const context = await suite.newContext()
    const first = await suite.open(context)
    await first.waitText('explorer-status', 'active')
    // A device that retains its status and its last reading, as dashboards want, then falls silent.
    await outside.publish(STATUS, { online: true, ts: Date.now() }, { retain: true })
    await outside.publish(TELEMETRY, { temperature: 31.5, humidity: 44, ts: Date.now() }, { retain: true })
    try {
      await first.waitText('latest-temperature', '31.5')
      await first.waitText('device-status', t => t.includes('online'))
      const late = await suite.open(context)
      // Nothing is published any more: what the late tab shows can only come from the retained messages.
      await late.waitText('device-status', t => t.includes('online'))
      await late.waitText('latest-temperature', '31.5')
      expect(await late.text('latest-humidity')).toBe('44')
      expect(suite.tabmqClients()).toHaveLength(1)
      expect(await hubView(late, 'devices/#')).toMatchObject({ tabs: 2, connections: 1, refs: 2 })
    } finally {
      await outside.publish(STATUS, '', { retain: true })
      await outside.publish(TELEMETRY, '', { retain: true })
    }
  })

  it('tabs closed one by one: the broker keeps a filter while a tab wants it and drops it after the last; with no tab left, the connection closes after a grace period', async () => {
    const context = await suite.newContext()
    const [first, second, third] = [await suite.open(context), await suite.open(context), await suite.open(context)] as const
    await first.waitText('explorer-status', 'active')
    await explore(second, 'alerts/#', 1)
    await explore(third, 'alerts/#', 2)
    await suite.broker.waitFor(() => held('alerts/#').length === 1 && held('devices/#').length === 1, 5000, 'alerts/# and devices/# at the broker')
    expect(await hubView(first, 'alerts/#')).toMatchObject({ tabs: 3, refs: 2 })

    await third.page.close()
    await eventually('the hub to let the third tab go', async () => (await hubView(first, 'alerts/#')).refs === 1)
    // Still wanted by the second tab: still subscribed, and still delivered.
    await outside.publish('alerts/fire', 'still here')
    await eventually('the alert in the second tab', async () => (await explorerRows(second)).some(t => t.includes('still here')))
    expect(held('alerts/#')).toHaveLength(1)

    await second.page.close()
    await suite.broker.waitFor(() => held('alerts/#').length === 0, 5000, 'alerts/# dropped after its last tab left')
    expect(held('devices/#')).toHaveLength(1)
    expect(await hubView(first, 'alerts/#')).toMatchObject({ tabs: 1, refs: 0 })

    // The last tab's client leaves; its page (and so the SharedWorker) stays. The broker first sees
    // the subscriptions go while the connection lingers, then the connection close.
    const [clientId] = suite.tabmqClients()
    await first.client.close()
    await suite.broker.waitFor(() => suite.broker.subscriptions().length === 0, 5000, 'every subscription dropped once no tab is left')
    expect(suite.tabmqClients(), 'the connection lingers for its grace period').toEqual([clientId])
    await suite.broker.waitFor(() => suite.tabmqClients().length === 0, 15_000, 'the connection to close after the grace period')
  })

  it('a crashed tab (renderer killed, no pagehide) is evicted and its subscriptions released', async () => {
    const context = await suite.newContext()
    const [first, doomed] = [await suite.open(context), await suite.open(context)] as const
    await first.waitText('explorer-status', 'active')
    await explore(doomed, 'alerts/#', 1)
    await suite.broker.waitFor(() => held('alerts/#').length === 1, 5000, 'alerts/# at the broker')
    await first.waitText('tab-count', '2') // the header polls the hub's stats: not stale when it drops
    await crash(doomed.page)
    await eventually('the hub to evict the crashed tab', async () => (await first.client.stats()).tabs === 1)
    await first.waitText('tab-count', '1')
    await suite.broker.waitFor(() => held('alerts/#').length === 0, 5000, "the crashed tab's alerts/# released")
    expect(await hubView(first, 'alerts/#')).toMatchObject({ tabs: 1, connections: 1, refs: 0 })
    await outside.publish(TELEMETRY, { temperature: 12, humidity: 30, ts: Date.now() })
    await first.waitText('latest-temperature', '12.0')
    expect(suite.tabmqClients()).toHaveLength(1)
  })

  it('the tab hosting the SharedWorker crashes: the others receive again after a brief gap, on a new connection', async () => {
    const context = await suite.newContext()
    const tabs = [await suite.open(context), await suite.open(context), await suite.open(context)] as const
    const [host, ...others] = tabs // the first tab started the worker: it runs in that tab's renderer
    for (const tab of tabs) await tab.waitText('explorer-status', 'active')
    const [before] = suite.tabmqClients()

    // A reading every 50 ms, its sequence number as the temperature: each tab shows the latest.
    let seq = 0
    let streaming = true
    const stream = (async () => {
      while (streaming) {
        await outside.publish(TELEMETRY, { temperature: ++seq, humidity: 50, ts: Date.now() }, { qos: 0 })
        await new Promise(r => setTimeout(r, 50))
      }
    })()
    try {
      for (const tab of others) await tab.waitText('latest-temperature', t => Number(t) > 0)
      const crashedAt = Date.now()
      await crash(host.page)
      const lastBefore = seq
      for (const tab of others) await tab.waitText('latest-temperature', t => Number(t) > lastBefore, 10_000)
      console.info(`[${demo.name}] the worker's host tab crashed: the other tabs showed readings again after ${Date.now() - crashedAt} ms`)
    } finally {
      streaming = false
      await stream
    }
    await suite.broker.waitFor(() => suite.tabmqClients().length === 1 && suite.tabmqClients()[0] !== before, 5000, 'one new tabmq connection')
    await suite.broker.waitFor(() => held('devices/#').length === 1, 5000, 'devices/# restored on the new connection')
    for (const tab of others) {
      expect(await tab.text('connection-state')).toBe('connected')
      await eventually('the new hub to count two tabs', async () => (await tab.text('tab-count')) === '2' && (await tab.text('connection-count')) === '1')
    }
  })
})
