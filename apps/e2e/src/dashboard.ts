import type { BrowserContext, Page } from 'playwright-core'
import { TabClient } from './tab-client'

/** Polls `check` until true; the message names what was awaited. Never a fixed sleep. */
export async function eventually(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise(r => setTimeout(r, 50))
  }
}

/** What the demo's URL query can set (the same in the three demos). */
export interface DashboardQuery {
  broker: string
  device?: string
  user?: string
  password?: string
  /** Seconds; the demos' default is mqttOverWs's (60). */
  keepalive?: number
}

export const dashboardUrl = (origin: string, query: DashboardQuery): string =>
  `${origin}/?${new URLSearchParams(Object.entries(query).flatMap(([k, v]) => (v === undefined ? [] : [[k, String(v)]])))}`

/**
 * One tab of a demo, read through the `data-testid`s the three demos share, and its client
 * (`client`, driven in the page).
 */
export class Dashboard {
  readonly client: TabClient

  constructor(readonly page: Page) {
    this.client = new TabClient(page)
  }

  static async open(context: BrowserContext, url: string, onPage: (page: Page) => void = () => {}): Promise<Dashboard> {
    const page = await context.newPage()
    onPage(page)
    await page.goto(url)
    return new Dashboard(page)
  }

  text(testId: string): Promise<string | null> {
    return this.page.getByTestId(testId).first().textContent()
  }

  attr(testId: string, name: string): Promise<string | null> {
    return this.page.getByTestId(testId).first().getAttribute(name)
  }

  count(testId: string): Promise<number> {
    return this.page.getByTestId(testId).count()
  }

  async waitText(testId: string, expected: string | RegExp | ((text: string) => boolean), timeoutMs?: number): Promise<void> {
    const ok = (t: string) => (typeof expected === 'string' ? t === expected : expected instanceof RegExp ? expected.test(t) : expected(t))
    await eventually(`${testId} to read ${String(expected)}`, async () => ok((await this.text(testId).catch(() => null)) ?? ''), timeoutMs)
  }
}
