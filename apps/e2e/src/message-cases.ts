/**
 * The happy path of a demo, as a user meets it: three tabs, readings from a device, a command and
 * its reply, the topic explorer with a bad filter. With `transport: 'dedicated'` the same cases run
 * with `window.SharedWorker` deleted before the page loads: each tab falls back to a dedicated
 * worker, the workers elect one host, and the tabs share its connection all the same.
 */
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, BrowserContext } from 'playwright-core'
import { serveStatic, startTestBroker, type BrokerKind, type StaticServer, type TestBroker } from '@tabmq/broker/testing'
import { startDevice, type Device } from '@tabmq/broker'
import { Dashboard, dashboardUrl, eventually } from './dashboard'
import { assertBuilt, type Demo } from './demos'
import { connectOutside, type Outside } from './outside'
import { probePage } from './page-probe'
import { workerOverride } from './worker-override'

const DEVICE = 'device-1'
/** Screenshots of each demo at the end of the happy path, for a person to look at. */
const SHOTS = fileURLToPath(new URL('../test-results/screenshots', import.meta.url))

export function describeMessageCases(chromium: () => Browser, demo: Demo, kind: BrokerKind, transport: 'shared' | 'dedicated'): void {
  const shared = transport === 'shared'
  describe(`${demo.name} against ${kind}${shared ? '' : ', without SharedWorker'}`, () => {
    let broker: TestBroker
    let device: Device
    let outside: Outside
    let server: StaticServer
    let context: BrowserContext
    const tabs: Dashboard[] = []
    const problems: string[] = []
    const tabmqConnections = () => broker.connectedClients().filter(id => id.startsWith('tabmq_'))

    beforeAll(async () => {
      assertBuilt(demo)
      broker = await startTestBroker(kind)
      outside = await connectOutside(broker)
      server = await serveStatic(demo.dist, { override: await workerOverride(demo) })
      context = await chromium().newContext()
      if (!shared) await context.addInitScript(() => void delete (window as { SharedWorker?: unknown }).SharedWorker)
      await context.addInitScript(probePage)
      for (let i = 1; i <= 3; i++) {
        const url = dashboardUrl(server.origin, { broker: broker.wsUrl, device: DEVICE })
        tabs.push(
          await Dashboard.open(context, url, page => {
            page.on('console', m => void (m.type() === 'error' && problems.push(`tab ${i} console: ${m.text()}`)))
            page.on('pageerror', e => void problems.push(`tab ${i} error: ${e.message}`))
          }),
        )
      }
    })

    afterAll(async () => {
      await context?.close()
      await outside?.close()
      await device?.stop()
      await server?.close()
      await broker?.close()
    })

    it(shared ? 'three tabs share one broker connection, and a reading published from outside shows in all three' : 'three tabs fall back to dedicated workers that elect one host: one broker connection, and a reading published from outside shows in all three', async () => {
      for (const tab of tabs) await tab.waitText('connection-state', 'connected')
      await broker.waitFor(() => tabmqConnections().length === 1, 5000, 'one tabmq connection')
      for (const tab of tabs) {
        expect(await tab.page.evaluate(() => window.__tabmq.transport)).toBe(transport)
        expect((await tab.client.stats()).transport).toBe(shared ? 'shared' : 'elected')
        await eventually('the hub stats', async () => (await tab.text('tab-count')) === '3' && (await tab.text('connection-count')) === '1')
        await tab.waitText('explorer-status', 'active')
      }
      // Every subscription of three tabs, and at the broker one client whose subscriptions cover
      // them: the explorer's devices/# folds in the telemetry, status and reply filters.
      await broker.waitFor(() => broker.subscriptions().map(s => s.filter).join() === 'devices/#', 5000, 'devices/# alone at the broker')
      expect(new Set(broker.subscriptions().map(s => s.clientId))).toEqual(new Set(tabmqConnections()))

      // The device comes online now: its retained status and first reading reach every tab live.
      // Telemetry once at start, then rarely, so the reading published from outside stays on screen.
      device = await startDevice({ url: broker.tcpUrl, deviceId: DEVICE, intervalMs: 60_000 })
      for (const tab of tabs) {
        await tab.waitText('device-status', t => t.includes('online'))
        await tab.waitText('latest-temperature', /^\d+\.\d$/)
      }
      await outside.publish(`devices/${DEVICE}/telemetry`, { temperature: 42.5, humidity: 61, ts: Date.now() })
      for (const tab of tabs) {
        await tab.waitText('latest-temperature', '42.5')
        expect(await tab.text('latest-humidity')).toBe('61')
      }
      expect(tabmqConnections()).toHaveLength(1)
    })

    it('a command from one tab is acknowledged, and the reply shows in every tab', async () => {
      const [first, second] = tabs as [Dashboard, Dashboard, Dashboard]
      await first.page.bringToFront() // Playwright's click on a background tab waits about 2 s
      await first.page.getByRole('button', { name: 'Fan on' }).click()
      await eventually('the PUBACK', async () => (await first.attr('command-result', 'data-state')) === 'acknowledged')
      expect(await first.text('command-result')).toBe('fan: acknowledged')
      await first.waitText('command-reply', t => t.startsWith('fan: ok · fan on'))
      await second.waitText('command-reply', t => t.startsWith('fan: ok · fan on'))
      expect(device.state().fan).toBe(true)

      await first.page.getByTestId('setpoint-input').fill('99')
      await first.page.getByRole('button', { name: 'Set' }).click()
      await first.waitText('command-reply', t => t.startsWith('setpoint: refused · setpoint must be between 5 and 35'))
    })

    it('the explorer lists matching messages, and a bad filter shows its error without disturbing the rest', async () => {
      const [first, second] = tabs as [Dashboard, Dashboard, Dashboard]
      await eventually('explorer rows', async () => (await first.count('explorer-row')) > 0)
      await first.page.getByTestId('explorer-input').fill('devices/#/status')
      await eventually('the inline error', async () => (await first.count('explorer-error')) === 1)
      expect(await first.attr('explorer-error', 'data-code')).toBe('INVALID_FILTER')
      expect(await first.text('explorer-error')).toMatch(/#/)
      expect(await first.text('connection-state')).toBe('connected')

      await outside.publish(`devices/${DEVICE}/telemetry`, { temperature: 17.25, humidity: 40, ts: Date.now() })
      for (const tab of [first, second]) await tab.waitText('latest-temperature', '17.3')

      await first.page.getByTestId('explorer-input').fill(`devices/${DEVICE}/status`)
      await eventually('the error cleared', async () => (await first.count('explorer-error')) === 0)
      await eventually('the retained status row', async () => (await first.page.getByTestId('explorer-row').first().textContent())?.includes('"online":true') ?? false)
      mkdirSync(SHOTS, { recursive: true })
      await first.page.screenshot({ path: join(SHOTS, `${demo.name}-${kind}${shared ? '' : '-dedicated'}.png`), fullPage: true })
      expect(problems).toEqual([])
    })
  })
}
