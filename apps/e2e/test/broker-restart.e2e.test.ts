/**
 * The broker restarted five times while two tabs stream QoS 1 publishes. Every demo, against
 * Mosquitto: a real process that stops and starts on the same ports, with persistence, so the
 * outside subscriber's session (and what the broker accepted for it) survives the restarts.
 */
import { describe, expect, it } from 'vitest'
import { eventually } from '../src/dashboard'
import { useChromium } from '../src/chromium'
import { selectedDemos } from '../src/demos'
import { connectOutside } from '../src/outside'
import { readRecord, steps } from '../src/page-probe'
import { DEVICE, useSuite } from '../src/suite'

const RESTARTS = 5

const chromium = useChromium()

describe.each(selectedDemos())('%s: the broker restarts (Mosquitto)', demo => {
  const suite = useSuite(demo, { chromium, broker: 'mosquitto', brokerOptions: { persistence: true } })

  it(`restarted ${RESTARTS} times during a stream of QoS 1 publishes from two tabs: every publish resolves once, none is lost, the tabs resubscribe, the header shows reconnecting then connected`, async () => {
    const counter = await connectOutside(suite.broker, ['e2e/stream/#'], { persistent: true })
    try {
      const context = await suite.newContext()
      const tabs = [await suite.open(context), await suite.open(context)] as const
      for (const tab of tabs) await tab.waitText('explorer-status', 'active')
      const connections = async () => Promise.all(tabs.map(async t => steps((await readRecord(t.page)).states.map(s => s.status)).filter(s => s === 'connected').length))

      for (const [i, tab] of tabs.entries()) await tab.client.startStream(`e2e/stream/${i}`, `tab${i}`, 20)
      for (let r = 1; r <= RESTARTS; r++) {
        const arrived = counter.counts.size
        await eventually('publishes to arrive between restarts', () => counter.counts.size >= arrived + 10, 15_000)
        await suite.broker.restart!()
        // Back before the next restart: each tab's client has been connected once more.
        await eventually(`both tabs connected again after restart ${r}`, async () => (await connections()).every(n => n === r + 1), 20_000)
      }
      const arrived = counter.counts.size
      await eventually('publishes to arrive after the last restart', () => counter.counts.size >= arrived + 10, 15_000)
      const results = await Promise.all(tabs.map(t => t.client.stopStream()))

      for (const result of results) {
        expect(result.rejected).toEqual([])
        expect(result.sent.length).toBeGreaterThan(RESTARTS * 10)
        expect(result.sent.filter(p => result.resolved[p] !== 1)).toEqual([])
      }
      const sent = results.flatMap(r => r.sent)
      // At least once: a publish the broker took just before it went down may arrive twice, never zero times.
      await eventually('every publish at the outside subscriber', () => sent.every(p => counter.counts.has(p)), 20_000)
      console.info(`[${demo.name}] ${sent.length} QoS 1 publishes through ${RESTARTS} restarts: all resolved, all arrived (${[...counter.counts.values()].filter(n => n > 1).length} twice)`)

      for (const tab of tabs) {
        const record = await readRecord(tab.page)
        const statuses = steps(record.states.map(s => s.status))
        const afterFirst = statuses.slice(statuses.indexOf('connected') + 1)
        expect(afterFirst).toEqual(Array.from({ length: RESTARTS }, () => ['reconnecting', 'connected']).flat())
        // What a person saw in the header: each restart as reconnecting, then connected.
        expect(steps(record.shown).filter(s => s === 'reconnecting')).toHaveLength(RESTARTS)
        expect(steps(record.shown).at(-1)).toBe('connected')
      }
      // The tabs subscribed again: a reading published now shows in both.
      await suite.broker.waitFor(() => suite.broker.subscriptions().some(s => s.filter === 'devices/#'), 5000, 'devices/# held again')
      await counter.publish(`devices/${DEVICE}/telemetry`, { temperature: 55.5, humidity: 55, ts: Date.now() })
      for (const tab of tabs) await tab.waitText('latest-temperature', '55.5')
    } finally {
      await counter.close()
    }
  })
})
