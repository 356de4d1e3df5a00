import { readdirSync, readFileSync } from 'node:fs'
import { chromium } from 'playwright-core'
import { CHROMIUM, PROJECT_FLAGS } from './chromium.js'
import type { Driver } from './driver.js'

/** The browser process Playwright started: our child, a chromium without --type. */
function findBrowserPid(exclude: number[]): { pid: number; args: string[] } {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || exclude.includes(Number(entry))) continue
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'latin1')
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
      const args = readFileSync(`/proc/${entry}/cmdline`, 'latin1').split('\0').filter(Boolean)
      if (ppid === process.pid && args[0]?.includes('chromium') && !args.some(a => a.startsWith('--type='))) return { pid: Number(entry), args }
    } catch {
      // gone
    }
  }
  throw new Error('Playwright started no Chromium that can be found')
}

/**
 * Ordinary Playwright, as a test suite uses it: launch, newContext, newPage, goto, evaluate. It
 * enables its instrumentation (Network, Page, Runtime, workers' auto-attach) on every page: the
 * control shows what that costs each contender.
 */
export async function playwrightDriver(exclude: number[]): Promise<Driver & { args: string[] }> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: PROJECT_FLAGS })
  const { pid, args } = findBrowserPid(exclude)
  return {
    name: 'Playwright',
    pid,
    args,
    async newContext() {
      const context = await browser.newContext()
      return {
        async newTab(url: string) {
          const page = await context.newPage()
          await page.goto(url)
          return {
            evaluate: <T>(expression: string) => page.evaluate(expression) as Promise<T>,
            close: () => page.close(),
          }
        },
        close: () => context.close(),
      }
    },
    close: () => browser.close(),
  }
}
