import type { Driver, DriverContext } from '../driver.js'
import { brokerIdle, pageUrl, rotate, started, type Bench } from '../runner.js'
import { publishPacket, reading } from '../publisher.js'
import type { FirstMessage } from '../pages/harness.js'
import type { PageName } from '../site.js'

export type RetainedVariant = 'tabmq (worker warm)' | 'MQTT.js (fresh connection)' | 'Amplify (fresh connection)' | 'tabmq (first tab, fresh worker)'

const VARIANTS: { name: RetainedVariant; page: PageName; host: boolean }[] = [
  { name: 'tabmq (worker warm)', page: 'tabmq', host: true },
  { name: 'MQTT.js (fresh connection)', page: 'mqttjs', host: true },
  { name: 'Amplify (fresh connection)', page: 'amplify', host: true },
  { name: 'tabmq (first tab, fresh worker)', page: 'tabmq', host: false },
]

/**
 * New tab to first retained message: ms from the new tab's navigation start to the retained
 * message reaching its callback. Warm variants keep a tab of the same app open in their context
 * (the same cached scripts for all; for tabmq also a running hub that already holds the topic);
 * the last variant opens the first tab of a fresh context each time.
 */
export async function retained(bench: Bench, driver: Driver, reps: number): Promise<Record<RetainedVariant, FirstMessage[]>> {
  await bench.publisher.write(publishPacket('bench/retained/config', reading(1), true))
  const out = Object.fromEntries(VARIANTS.map(v => [v.name, [] as FirstMessage[]])) as Record<RetainedVariant, FirstMessage[]>
  const hosts = new Map<RetainedVariant, DriverContext>()
  await brokerIdle(bench)
  try {
    for (const v of VARIANTS.filter(v => v.host)) {
      const context = await driver.newContext()
      hosts.set(v.name, context)
      const host = await context.newTab(pageUrl(bench, v.page, { mode: 'retained' }))
      await started(host)
      await host.evaluate('bench.retained()', true)
    }
    for (let rep = 0; rep < reps; rep++) {
      for (const v of rotate(VARIANTS, rep)) {
        const context = hosts.get(v.name) ?? (await driver.newContext())
        try {
          const tab = await context.newTab(pageUrl(bench, v.page, { mode: 'retained' }))
          await started(tab)
          const m = await tab.evaluate<FirstMessage>('bench.retained()', true)
          out[v.name].push(m)
          bench.log(`  retained #${rep + 1} ${v.name}: ${m.atMs.toFixed(1)} ms (its script ran at ${m.scriptMs.toFixed(1)} ms)`)
          await tab.close()
        } finally {
          if (!hosts.has(v.name)) await context.close().catch(() => {})
        }
      }
    }
  } finally {
    for (const context of hosts.values()) await context.close().catch(() => {})
  }
  return out
}
