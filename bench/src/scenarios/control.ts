import { readFileSync } from 'node:fs'
import type { Driver } from '../driver.js'
import { playwrightDriver } from '../playwright-driver.js'
import { jsonFlood } from '../publisher.js'
import { rotate, run, type Bench, type RunResult } from '../runner.js'
import type { PageName } from '../site.js'

export interface ControlResult {
  runs: Record<Driver['name'], Partial<Record<PageName, RunResult[]>>>
  /** Flags Playwright's browser ran with that the bare one did not, and the reverse (profile and port excluded). */
  onlyPlaywright: string[]
  onlyBare: string[]
  /** DevTools methods the bare driver sent during the whole bench (no `*.enable` among them). */
  bareMethods: string[]
}

const PAGES: PageName[] = ['mqttjs', 'tabmq']
const comparable = (args: string[]) => args.slice(1).filter(a => !/^--(user-data-dir|remote-debugging-(port|pipe|address))/.test(a) && a !== 'about:blank')

/**
 * The control: the same two pages (plain MQTT.js, tabmq), the same flood, under the bare driver and
 * under ordinary Playwright, interleaved. A driver that taxes one contender shows as a rate or a
 * browser-process CPU that moves with the driver for that contender only.
 */
export async function control(bench: Bench, bare: Driver & { browser: { cdp: { methodsSent: Map<string, number> } } }, reps: number, messages: number): Promise<ControlResult> {
  const pw = await playwrightDriver([bare.pid])
  const runs: ControlResult['runs'] = { 'bare DevTools': {}, Playwright: {} }
  try {
    for (let rep = 0; rep < reps; rep++) {
      for (const driver of rotate([bare, pw] as Driver[], rep)) {
        for (const page of rotate(PAGES, rep)) {
          const r = await run(bench, driver, { page, tabs: 1, mode: 'flood', messages, send: p => p.write(jsonFlood(messages)) })
          ;(runs[driver.name][page] ??= []).push(r)
          bench.log(`  control #${rep + 1} ${driver.name} ${page}: ${Math.round(r.rate)} msg/s, main ${Math.round(r.tabMainPer10k)} ms/10k, browser process ${r.cpu.browser} ms, network ${r.cpu.network} ms`)
        }
      }
    }
  } finally {
    await pw.close()
  }
  // Both as the kernel saw them (Debian's chromium wrapper adds its own flags to both).
  const ours = comparable(readFileSync(`/proc/${bare.pid}/cmdline`, 'latin1').split('\0').filter(Boolean))
  const theirs = comparable(pw.args)
  const result = {
    runs,
    onlyPlaywright: theirs.filter(a => !ours.includes(a)),
    onlyBare: ours.filter(a => !theirs.includes(a)),
    bareMethods: [...bare.browser.cdp.methodsSent.keys()].sort(),
  }
  bench.log(`  flags only Playwright's browser had: ${result.onlyPlaywright.join(' ') || 'none'}; only the bare one's: ${result.onlyBare.join(' ') || 'none'}`)
  return result
}
