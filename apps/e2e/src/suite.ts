/**
 * One demo against one broker in one Chromium, for the cases of a `describe`: started before the
 * first case, stopped after the last. Each case opens its own browser contexts (their own
 * SharedWorkers and Web Locks); they are closed after it, and the next case starts once the broker
 * has seen their connections go.
 */
import { afterAll, afterEach, beforeAll } from 'vitest'
import type { Browser, BrowserContext } from 'playwright-core'
import { serveStatic, startTestBroker, type BrokerKind, type StaticServer, type TestBroker, type TestBrokerOptions } from '@tabmq/broker/testing'
import { Dashboard, type DashboardQuery, dashboardUrl } from './dashboard'
import { assertBuilt, type Demo } from './demos'
import { probePage } from './page-probe'
import type { Mutant } from './worker-mutants'
import { workerOverride } from './worker-override'

export interface SuiteOptions {
  /** The file's Chromium (`useChromium()` at the top of the file). */
  chromium: () => Browser
  broker: BrokerKind
  brokerOptions?: TestBrokerOptions
  /** Serve this deliberately broken hub in place of the demo's worker (default: TABMQ_E2E_MUTANT, else none). */
  mutant?: Mutant
}

export interface Suite {
  readonly demo: Demo
  readonly broker: TestBroker
  readonly browser: Browser
  readonly server: StaticServer
  /** Uncaught errors in any page of the case (console errors too, under `consoleErrors`). */
  readonly pageErrors: string[]
  readonly consoleErrors: string[]
  /** The demo's URL: the suite's broker and device unless the query says otherwise. */
  url(query?: Partial<DashboardQuery>): string
  /** A fresh browser context with the page probe; `noSharedWorker` deletes `window.SharedWorker` first. */
  newContext(options?: { noSharedWorker?: boolean }): Promise<BrowserContext>
  /** Opens a tab of the demo and waits until its client exists. */
  open(context: BrowserContext, query?: Partial<DashboardQuery>, label?: string): Promise<Dashboard>
  /** Ids of the tabmq connections the broker holds now (random `tabmq_…` client ids). */
  tabmqClients(): string[]
}

export const DEVICE = 'device-1'

/**
 * Registers the hooks of one demo against one broker kind and returns the suite they fill in.
 *
 * @example
 * const chromium = useChromium()
 * describe.each(selectedDemos())('%s', demo => {
 *   const suite = useSuite(demo, { chromium, broker: 'aedes' })
 *   it('...', async () => { const tab = await suite.open(await suite.newContext()) })
 * })
 */
export function useSuite(demo: Demo, options: SuiteOptions): Suite {
  const contexts = new Set<BrowserContext>()
  const pageErrors: string[] = []
  const consoleErrors: string[] = []
  let broker: TestBroker | undefined
  let server: StaticServer | undefined
  let tabs = 0
  const need = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`The suite's ${what} is not started (use it inside a case).`)
    return value
  }

  beforeAll(async () => {
    assertBuilt(demo)
    broker = await startTestBroker(options.broker, options.brokerOptions)
    server = await serveStatic(demo.dist, { override: await workerOverride(demo, options.mutant) })
  })

  afterEach(async () => {
    for (const context of contexts) await context.close().catch(() => {})
    contexts.clear()
    // Closing a context ends its SharedWorker, and with it the worker's connections.
    await broker?.waitFor(() => suite.tabmqClients().length === 0, 10_000, 'the connections of the last case to close')
    const errors = pageErrors.splice(0)
    consoleErrors.splice(0)
    if (errors.length > 0) throw new Error(`Uncaught errors in the pages:\n${errors.join('\n')}`)
  })

  afterAll(async () => {
    await server?.close()
    await broker?.close()
  })

  const suite: Suite = {
    demo,
    get broker() {
      return need(broker, 'broker')
    },
    get browser() {
      return options.chromium()
    },
    get server() {
      return need(server, 'static server')
    },
    pageErrors,
    consoleErrors,
    url: (query = {}) => dashboardUrl(need(server, 'static server').origin, { broker: need(broker, 'broker').wsUrl, device: DEVICE, ...query }),
    async newContext({ noSharedWorker = false } = {}) {
      const context = await options.chromium().newContext()
      contexts.add(context)
      if (noSharedWorker) await context.addInitScript(() => void delete (window as { SharedWorker?: unknown }).SharedWorker)
      await context.addInitScript(probePage)
      return context
    },
    async open(context, query = {}, label = `tab ${++tabs}`) {
      const tab = await Dashboard.open(context, suite.url(query), page => {
        page.on('pageerror', e => void pageErrors.push(`${label}: ${e.message}`))
        page.on('console', m => void (m.type() === 'error' && consoleErrors.push(`${label}: ${m.text()}`)))
      })
      await tab.client.ready()
      return tab
    },
    tabmqClients: () => (broker ? broker.connectedClients().filter(id => id.startsWith('tabmq_')) : []),
  }
  return suite
}
