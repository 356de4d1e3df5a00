import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll } from 'vitest'

export const CHROMIUM = process.env.TABMQ_CHROMIUM ?? '/usr/bin/chromium'

/** Chromium's flags for this machine: no sandbox as root, and no calls to Google's servers. */
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run']

/** Fails with one clear line when Chromium is missing: this suite never skips. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium is missing at ${CHROMIUM}: install it with \`apt-get install -y chromium\` (the end-to-end suite needs it).`)
  const { chromium } = await import('playwright-core')
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 60_000 })
}

/** A fresh folder for a browser profile or screenshots. */
export const scratchDir = (prefix: string) => mkdtempSync(join(tmpdir(), prefix))

/**
 * One Chromium for a whole test file: call at the top level of the file (its hooks are the file's),
 * and pass the result to the suites of the file. Each case still opens its own contexts.
 *
 * @example
 * const chromium = useChromium()
 * describe.each(selectedDemos())('%s', demo => { const suite = useSuite(demo, { broker: 'aedes', chromium }) })
 */
export function useChromium(): () => Browser {
  let browser: Browser | undefined
  beforeAll(async () => {
    browser = await launchChromium()
  })
  afterAll(async () => {
    await browser?.close().catch(() => {})
  })
  return () => {
    if (!browser) throw new Error('Chromium is not started yet: use it inside a hook or a case.')
    return browser
  }
}
