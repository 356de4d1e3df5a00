/**
 * pnpm bench: tabmq against plain MQTT.js (in the tab, and alone in a worker), a raw WebSocket
 * ceiling and Amplify PubSub v6, in real headless Chromium against Mosquitto, driven over a bare
 * DevTools connection (Target and Runtime.evaluate only), with a control under Playwright.
 * Writes bench/RESULTS.md and bench/results.json and prints the summary table.
 *
 *   pnpm bench                 full run (builds the packages first)
 *   BENCH_QUICK=1 pnpm bench   a quick check of the harness
 *   BENCH_ONLY=one-tab,control pnpm --filter @tabmq/bench bench   a subset, written to a temporary folder
 *   BENCH_VARIANT_WORKER=/path/tabmq.worker.js ...   adds tabmq on that hub (a patched core's worker file)
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { bareDriver } from './driver.js'
import { hubInternals } from './hub-internals.js'
import { describeMachine, uptime } from './machine.js'
import { Mosquitto } from './mosquitto.js'
import { plan, selected } from './plan.js'
import { Publisher, binaryFlood, jsonFlood, paced } from './publisher.js'
import { render, summaryTable, type Results } from './report.js'
import type { Bench } from './runner.js'
import { aedes, withAedes } from './scenarios/aedes.js'
import { control } from './scenarios/control.js'
import { largeOverWs } from './scenarios/large-over-ws.js'
import { memory } from './scenarios/memory.js'
import { retained } from './scenarios/retained.js'
import { series } from './scenarios/series.js'
import { buildSite, type PageName, variantWorker } from './site.js'
import { measureSizes } from './sizes.js'

const benchDir = fileURLToPath(new URL('..', import.meta.url))
const quick = process.env.BENCH_QUICK === '1'
const p = plan(quick)
const only = selected(quick)
const log = (line: string) => console.log(line)
const startedAt = new Date()
const t0 = performance.now()
const loadBefore = uptime()

log(`tabmq bench (${quick ? 'quick' : 'full'}), ${loadBefore}`)
const site = await buildSite()
const broker = await Mosquitto.start()
const driver = await bareDriver()
const publisher = await Publisher.connect(broker.tcpPort)
const bench: Bench = {
  quick,
  site,
  log,
  publisher,
  broker: { kind: 'Mosquitto', wsUrl: broker.wsUrl, subscribers: () => broker.subscribers(), drops: broker.drops, pid: broker.pid },
}
const results: Results = { meta: { ...describeMachine(driver.browser.version, broker.version), date: startedAt.toISOString(), quick, plan: p, loadBefore, loadAfter: '', durationS: 0, note: process.env.BENCH_NOTE ?? '' } }
const flood = (messages: number) => (pub: Publisher) => pub.write(jsonFlood(messages))
/** The contenders, with the variant hub beside tabmq when BENCH_VARIANT_WORKER names one. */
const withVariant = (pages: PageName[]): PageName[] => (variantWorker ? [...pages, 'tabmq-variant'] : pages)

try {
  if (only.has('sizes')) {
    log('sizes: what a tab loads')
    results.sizes = await measureSizes()
  }
  if (only.has('one-tab')) {
    log(`one tab: ${p.oneTab.messages} messages x ${p.oneTab.reps}`)
    results.oneTab = await series(bench, driver, '1 tab', withVariant(['tabmq', 'mqttjs', 'mqttjs-worker', 'raw-ws', 'amplify']), p.oneTab.reps, () => ({ tabs: 1, mode: 'flood', messages: p.oneTab.messages, send: flood(p.oneTab.messages) }))
  }
  if (only.has('four-tabs')) {
    log(`four tabs: ${p.fourTabs.messages} messages x ${p.fourTabs.reps}`)
    results.fourTabs = await series(bench, driver, '4 tabs', withVariant(['tabmq', 'mqttjs', 'amplify']), p.fourTabs.reps, () => ({ tabs: 4, mode: 'flood', messages: p.fourTabs.messages, send: flood(p.fourTabs.messages) }))
  }
  if (only.has('eight-tabs')) {
    log(`eight tabs: ${p.eightTabs.messages} messages x ${p.eightTabs.reps}`)
    results.eightTabs = await series(bench, driver, '8 tabs', withVariant(['tabmq', 'mqttjs', 'amplify']), p.eightTabs.reps, () => ({ tabs: 8, mode: 'flood', messages: p.eightTabs.messages, send: flood(p.eightTabs.messages) }))
  }
  if (only.has('latency')) {
    log(`latency: ${p.latency.messages} messages at ${p.latency.perSecond}/s x ${p.latency.reps}`)
    results.latency = await series(bench, driver, 'latency', withVariant(['tabmq', 'mqttjs', 'amplify']), p.latency.reps, () => ({ tabs: 1, mode: 'latency', messages: p.latency.messages, send: pub => paced(pub, p.latency.messages, p.latency.perSecond) }))
  }
  if (only.has('retained')) {
    log(`new tab to first retained message x ${p.retained.reps}`)
    results.retained = await retained(bench, driver, p.retained.reps)
  }
  if (only.has('binary')) {
    log(`binary: ${p.binary.messages} x ${p.binary.size / 1024} KB x ${p.binary.reps}`)
    const frames = binaryFlood(p.binary.messages, p.binary.size)
    results.binaryMosquitto = await largeOverWs(broker.wsUrl, broker.tcpPort, publisher, p.binary.size, 5)
    log(`  Mosquitto, ${p.binary.size / 1024} KB from Node: ${results.binaryMosquitto.wsMsPerMessage.toFixed(0)} ms per message over WebSocket, ${results.binaryMosquitto.tcpMsPerMessage.toFixed(1)} over TCP: the browser runs go to aedes`)
    results.binary = await withAedes(bench, onAedes => series(onAedes, driver, '64 KB (aedes)', withVariant(['tabmq', 'mqttjs', 'mqttjs-worker']), p.binary.reps, () => ({ tabs: 1, mode: 'binary', messages: p.binary.messages, send: pub => pub.write(frames) })))
  }
  if (only.has('memory')) {
    log(`memory: ${p.memory.tabs} tabs x ${p.memory.filters} filters`)
    results.memory = await memory(bench, driver, p.memory.tabs, p.memory.filters)
  }
  if (only.has('control')) {
    log(`control, bare driver against Playwright: ${p.control.messages} messages x ${p.control.reps}`)
    results.control = await control(bench, driver, p.control.reps, p.control.messages)
  }
  if (only.has('aedes')) {
    log(`aedes: ${p.aedes.one} / ${p.aedes.four} messages x ${p.aedes.reps}`)
    results.aedes = await aedes(bench, driver, p.aedes.reps, { one: p.aedes.one, four: p.aedes.four })
  }
  if (only.has('hub-internals')) {
    log('hub internals (Node): matching, many subscriptions')
    results.hubInternals = hubInternals()
  }
} finally {
  publisher.close()
  await driver.close()
  await broker.close()
  site.close()
}

results.meta.loadAfter = uptime()
results.meta.durationS = Math.round((performance.now() - t0) / 1000)
const markdown = render(results)
// A subset (BENCH_ONLY) never replaces the committed results: it goes to a temporary folder.
const outDir = process.env.BENCH_ONLY ? mkdtempSync(join(tmpdir(), 'tabmq-bench-subset-')) : benchDir
writeFileSync(join(outDir, 'results.json'), JSON.stringify(results, null, 1) + '\n')
writeFileSync(join(outDir, 'RESULTS.md'), markdown)
log(`\nwrote ${join(outDir, 'RESULTS.md')} and results.json (${results.meta.durationS} s)\n`)
log(summaryTable(results))
log(`\n${results.meta.loadAfter}`)
process.exit(0)
