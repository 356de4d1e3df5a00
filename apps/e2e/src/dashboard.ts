import type { BrowserContext, Page } from 'playwright-core'

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
}

export const dashboardUrl = (origin: string, query: DashboardQuery): string => `${origin}/?${new URLSearchParams({ ...query } as Record<string, string>)}`

/**
 * One tab of a demo, read through the `data-testid`s the three demos share. Console errors and
 * page errors are collected: a clean run has none.
 */
export class Dashboard {
  constructor(
    readonly page: Page,
    readonly problems: string[],
  ) {}

  static async open(context: BrowserContext, url: string, label: string, problems: string[]): Promise<Dashboard> {
    const page = await context.newPage()
    page.on('console', m => void (m.type() === 'error' && problems.push(`${label} console: ${m.text()}`)))
    page.on('pageerror', e => void problems.push(`${label} error: ${e.message}`))
    await page.goto(url)
    return new Dashboard(page, problems)
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
