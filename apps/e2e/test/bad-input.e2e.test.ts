/**
 * Bad input from one page: invalid filters and topics, oversized and unserialisable payloads, a
 * burst of 10,000 publishes. The page gets coded errors; the other tab, the shared connection and
 * the hub carry on. Every demo, against aedes (the checks are the hub's and the client's).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { useChromium } from '../src/chromium'
import { type Dashboard, eventually } from '../src/dashboard'
import { selectedDemos } from '../src/demos'
import { explore, explorerRows } from '../src/explorer'
import { connectOutside, type Outside } from '../src/outside'
import { useSuite } from '../src/suite'

/** MQTT's largest packet (the Remaining Length limit, 268,435,455 bytes): no broker takes a payload this big. */
const OVER_MQTT_LIMIT = 268_435_456
const BURST = 10_000

const chromium = useChromium()

describe.each(selectedDemos())('%s: bad input from a page (aedes)', demo => {
  const suite = useSuite(demo, { chromium, broker: 'aedes' })
  let outside: Outside

  beforeAll(async () => {
    outside = await connectOutside(suite.broker, ['e2e/#'])
  })
  afterAll(() => outside?.close())

  /** A tab for the bad input and a good one watching `e2e/good/#` in its explorer. */
  async function twoTabs(): Promise<{ bad: Dashboard; good: Dashboard }> {
    const context = await suite.newContext()
    const bad = await suite.open(context, {}, 'bad tab')
    const good = await suite.open(context, {}, 'good tab')
    await bad.waitText('explorer-status', 'active')
    await explore(good, 'e2e/good/#')
    return { bad, good }
  }

  /** The other tab, the connection and the hub carry on; the bad tab itself still works. */
  async function expectUndisturbed({ bad, good }: { bad: Dashboard; good: Dashboard }, mark: string): Promise<void> {
    await outside.publish('e2e/good/outside', `outside ${mark}`)
    expect(await bad.client.publish('e2e/good/from-bad', `bad tab ${mark}`, { qos: 1 })).toEqual({ ok: true })
    await eventually('both messages in the good tab', async () => {
      const rows = await explorerRows(good)
      return rows.some(r => r.includes(`outside ${mark}`)) && rows.some(r => r.includes(`bad tab ${mark}`))
    })
    for (const tab of [bad, good]) expect(await tab.text('connection-state')).toBe('connected')
    expect(await good.text('explorer-status')).toBe('active')
    const stats = await good.client.stats()
    expect({ tabs: stats.tabs, connections: stats.connections.length }).toEqual({ tabs: 2, connections: 1 })
    expect(suite.tabmqClients()).toHaveLength(1)
  }

  it('invalid filters and topics, oversized and unserialisable payloads: coded errors in the page; the other tab, the connection and the hub carry on', async () => {
    const tabs = await twoTabs()
    const { bad } = tabs

    // Filters: each subscription fails on its own, with its code.
    const filters: Array<[string, number, string]> = [
      ['a/#/b', 0, 'INVALID_FILTER'],
      ['a/b#', 0, 'INVALID_FILTER'],
      ['a/+x/b', 0, 'INVALID_FILTER'],
      ['', 0, 'INVALID_FILTER'],
      ['e2e/qos', 3, 'INVALID_QOS'],
    ]
    const ids = await Promise.all(filters.map(([f, qos]) => bad.client.subscribe(f, qos)))
    for (const [i, [filter, , code]] of filters.entries()) {
      await eventually(`subscribe(${JSON.stringify(filter)}) to fail`, async () => (await bad.client.subscription(ids[i]!))?.status === 'error')
      expect(await bad.client.subscription(ids[i]!), filter).toMatchObject({ status: 'error', code })
    }

    // Topics and QoS: each publish rejects with its code and a message a person can act on.
    const publishes: Array<[string | string[], number, string]> = [
      ['a/+', 1, 'INVALID_TOPIC'],
      ['a/#', 1, 'INVALID_TOPIC'],
      ['', 1, 'INVALID_TOPIC'],
      ['nul\u0000char', 1, 'INVALID_TOPIC'],
      [[], 1, 'INVALID_TOPIC'],
      ['e2e/qos', 3, 'INVALID_QOS'],
    ]
    for (const [topic, qos, code] of publishes) {
      const outcome = await bad.client.publish(topic, 'x', { qos })
      expect(outcome, JSON.stringify(topic)).toMatchObject({ ok: false, name: 'PubSubError', code })
      expect((outcome as { message: string }).message.length).toBeGreaterThan(20)
    }

    // Payloads that cannot be sent: made in the page, where they live.
    const unserialisable = await bad.page.evaluate(() => {
      const cyclic: Record<string, unknown> = {}
      cyclic.self = cyclic
      const payloads: unknown[] = [cyclic, () => 1, BigInt(1), Symbol('s'), { big: BigInt(2) }]
      return Promise.all(payloads.map(p => window.__tabmq.publish('e2e/bad/payload', p as never, { qos: 1 }).then(() => 'resolved', (e: { name: string; code?: string }) => `${e.name} ${e.code}`)))
    })
    expect(unserialisable).toEqual(Array(5).fill('PubSubError INVALID_PAYLOAD'))
    const oversized = await bad.page.evaluate(size => window.__tabmq.publish('e2e/bad/huge', new Uint8Array(size), { qos: 1 }).then(() => 'resolved', (e: { name: string; code?: string }) => `${e.name} ${e.code}`), OVER_MQTT_LIMIT)
    expect(oversized).toBe('PubSubError PAYLOAD_TOO_LARGE')

    // None of it reached the broker.
    for (const [filter] of filters) expect(suite.broker.subscribeCount(filter), filter).toBe(0)
    await expectUndisturbed(tabs, 'after the bad input')
    expect([...outside.counts.keys()].filter(p => !p.includes('after the bad input'))).toEqual([])
  })

  it(`a burst of ${BURST.toLocaleString('en')} QoS 1 publishes from one tab: each resolves (or fails with a coded error), each resolved one arrives; the other tab keeps receiving; the hub answers`, async () => {
    const tabs = await twoTabs()
    const burst = tabs.bad.page.evaluate(n => {
      const outcomes: Record<string, number> = {}
      const all = Array.from({ length: n }, (_, i) =>
        window.__tabmq.publish('e2e/burst', `burst-${i}`, { qos: 1 }).then(
          () => ({ i, outcome: 'resolved' }),
          (e: { name: string; code?: string }) => ({ i, outcome: `${e.name} ${e.code}` }),
        ),
      )
      return Promise.all(all).then(results => {
        for (const r of results) outcomes[r.outcome] = (outcomes[r.outcome] ?? 0) + 1
        return { outcomes, resolved: results.filter(r => r.outcome === 'resolved').map(r => r.i) }
      })
    }, BURST)
    // While the burst is on its way, the other tab still gets what it subscribed to.
    await outside.publish('e2e/good/during', 'during the burst')
    await eventually('the good tab to receive during the burst', async () => (await explorerRows(tabs.good)).some(r => r.includes('during the burst')), 30_000)
    const { outcomes, resolved } = await burst
    console.info(`[${demo.name}] a burst of ${BURST} QoS 1 publishes: ${JSON.stringify(outcomes)}`)
    for (const outcome of Object.keys(outcomes)) expect(outcome).toMatch(/^(resolved|PubSubError (QUEUE_FULL|TIMEOUT))$/)
    await eventually('every resolved publish at the outside subscriber', () => resolved.every(i => outside.counts.has(`burst-${i}`)), 30_000)
    await expectUndisturbed(tabs, 'after the burst')
  }, 120_000)
})
