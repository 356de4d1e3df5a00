import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, BrowserContext, Page } from 'playwright-core'
// The dev broker's fixtures, by path: @tabmq/broker is not a dependency of this app (yet).
import { startTestBroker, type TestBroker } from '@tabmq/broker/testing'
import { startDevice, type Device } from '@tabmq/broker'
import { createPubSub, type PubSub } from '@tabmq/core'
import { mqttOverWs } from '@tabmq/core/providers'
import { buildDemo, launchChromium, serveStatic } from './fixtures'

const DEVICE = 'device-1'

describe('the React demo, built, in Chromium', () => {
  let broker: TestBroker
  let device: Device
  let outside: PubSub
  let built: Awaited<ReturnType<typeof buildDemo>>
  let server: Awaited<ReturnType<typeof serveStatic>>
  let browser: Browser
  let context: BrowserContext
  const pages: Page[] = []
  const problems: string[] = []

  const tabmqConnections = () => broker.connectedClients().filter(id => id.startsWith('tabmq_'))
  const text = (page: Page, testId: string) => page.getByTestId(testId).textContent()
  async function eventually(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 10_000): Promise<void> {
    const until = Date.now() + timeoutMs
    while (!(await check())) {
      if (Date.now() > until) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`)
      await new Promise(r => setTimeout(r, 50))
    }
  }

  beforeAll(async () => {
    browser = await launchChromium() // first: a missing Chromium fails fast, with the apt-get line
    broker = await startTestBroker('aedes')
    outside = createPubSub({ provider: mqttOverWs({ url: broker.wsUrl, clientId: 'outside-publisher' }), transport: 'inline' })
    built = await buildDemo(broker.wsUrl)
    server = await serveStatic(built.outDir)
    context = await browser.newContext()
    for (let i = 0; i < 3; i++) {
      const page = await context.newPage()
      page.on('console', m => void (m.type() === 'error' && problems.push(`tab ${i + 1} console: ${m.text()}`)))
      page.on('pageerror', e => void problems.push(`tab ${i + 1} error: ${e.message}`))
      await page.goto(server.origin)
      pages.push(page)
    }
  })

  afterAll(async () => {
    await context?.close()
    await browser?.close()
    await outside?.close()
    await device?.stop()
    await server?.close()
    built?.dispose()
    await broker?.close()
  })

  it('three tabs share one broker connection, and a reading published from outside shows in all three', async () => {
    for (const page of pages) await eventually('connected', async () => (await text(page, 'connection-state')) === 'connected')
    await broker.waitFor(() => tabmqConnections().length === 1, 5000, 'one tabmq connection')
    for (const page of pages) {
      await eventually('the hub stats', async () => (await text(page, 'tab-count')) === '3' && (await text(page, 'connection-count')) === '1')
    }
    // Each tab's hooks reached the hub together: the explorer's going active says they all did.
    for (const page of pages) await eventually('the subscriptions', async () => (await text(page, 'explorer-status')) === 'active')
    // Twelve hooks in three tabs, and at the broker one client whose subscriptions cover them:
    // the explorer's devices/# folds in the telemetry, status and reply filters.
    const held = broker.subscriptions()
    expect(new Set(held.map(s => s.clientId))).toEqual(new Set(tabmqConnections()))
    expect(held.map(s => s.filter)).toEqual(['devices/#'])

    // The device comes online now: its retained status and first reading reach every tab live.
    // Telemetry once at start, then rarely, so the reading published from outside stays on screen.
    device = await startDevice({ url: broker.tcpUrl, deviceId: DEVICE, intervalMs: 60_000 })
    for (const page of pages) {
      await eventually("the device's status", async () => (await text(page, 'device-status'))?.includes('online') ?? false)
      await eventually("the device's first reading", async () => /^\d+\.\d$/.test((await text(page, 'latest-temperature')) ?? ''))
    }

    await outside.publish(`devices/${DEVICE}/telemetry`, { temperature: 42.5, humidity: 61, ts: Date.now() }, { qos: 1 })
    for (const page of pages) {
      await eventually('the outside reading', async () => (await text(page, 'latest-temperature')) === '42.5')
      expect(await text(page, 'latest-humidity')).toBe('61')
    }
    expect(tabmqConnections()).toHaveLength(1)
  })

  it('a command from one tab is acknowledged, and the reply shows in every tab', async () => {
    const [first, second] = pages as [Page, Page, Page]
    await first.bringToFront() // Playwright's click on a background tab waits about 2 s
    await first.getByRole('button', { name: 'Fan on' }).click()
    await eventually('the PUBACK', async () => (await first.getByTestId('command-result').getAttribute('data-state')) === 'acknowledged')
    expect(await text(first, 'command-result')).toBe('fan: acknowledged')
    await eventually('the device reply', async () => (await text(first, 'command-reply'))?.startsWith('fan: ok · fan on') ?? false)
    await eventually('the reply in another tab', async () => (await text(second, 'command-reply'))?.startsWith('fan: ok · fan on') ?? false)
    expect(device.state().fan).toBe(true)

    await first.getByTestId('setpoint-input').fill('99')
    await first.getByRole('button', { name: 'Set' }).click()
    await eventually('the refusal', async () => (await text(first, 'command-reply'))?.startsWith('setpoint: refused · setpoint must be between 5 and 35') ?? false)
  })

  it('the explorer lists matching messages, and a bad filter shows its error without disturbing the rest', async () => {
    const [first, second] = pages as [Page, Page, Page]
    await eventually('explorer rows', async () => (await first.getByTestId('explorer-row').count()) > 0)
    await first.getByTestId('explorer-input').fill('devices/#/status')
    await eventually('the inline error', async () => (await first.getByTestId('explorer-error').count()) === 1)
    expect(await first.getByTestId('explorer-error').getAttribute('data-code')).toBe('INVALID_FILTER')
    expect(await text(first, 'explorer-error')).toMatch(/#/)
    expect(await text(first, 'connection-state')).toBe('connected')

    await outside.publish(`devices/${DEVICE}/telemetry`, { temperature: 17.25, humidity: 40, ts: Date.now() }, { qos: 1 })
    for (const page of [first, second]) await eventually('telemetry still flowing', async () => (await text(page, 'latest-temperature')) === '17.3')

    await first.getByTestId('explorer-input').fill(`devices/${DEVICE}/status`)
    await eventually('the error cleared', async () => (await first.getByTestId('explorer-error').count()) === 0)
    await eventually('the retained status row', async () => (await first.getByTestId('explorer-row').first().textContent())?.includes('"online":true') ?? false)
    expect(problems).toEqual([])
  })
})
