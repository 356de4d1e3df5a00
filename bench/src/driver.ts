import { BareBrowser } from './chromium.js'

/** What a scenario needs of a driver: the bare one here, Playwright for the control. */
export interface DriverTab {
  evaluate<T>(expression: string, awaitPromise?: boolean): Promise<T>
  close(): Promise<unknown>
}

export interface DriverContext {
  newTab(url: string): Promise<DriverTab>
  close(): Promise<unknown>
}

export interface Driver {
  readonly name: 'bare DevTools' | 'Playwright'
  /** The browser process, root of the tree whose CPU is read from /proc. */
  readonly pid: number
  newContext(): Promise<DriverContext>
  close(): Promise<void>
}

export async function bareDriver(): Promise<Driver & { browser: BareBrowser }> {
  const browser = await BareBrowser.launch()
  return {
    name: 'bare DevTools',
    browser,
    pid: browser.pid,
    newContext: () => browser.newContext(),
    close: () => browser.close(),
  }
}
