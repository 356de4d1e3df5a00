import type { Page } from 'playwright-core'

/**
 * Kills the page's renderer process, as a crash would: no `pagehide`, no goodbye to the hub; only
 * the tab's Web Lock, freed with the process, tells the hub.
 *
 * @example
 * await crash(tab.page)
 */
export async function crash(page: Page): Promise<void> {
  const cdp = await page.context().newCDPSession(page)
  const crashed = page.waitForEvent('crash', { timeout: 10_000 })
  cdp.send('Page.crash').catch(() => {}) // never answers: the renderer is gone
  await crashed
}
