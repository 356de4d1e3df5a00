/**
 * Delivery throughput to a tab, tabmq against plain MQTT.js in the same run.
 *
 * One aedes broker, one Chromium; a Node publisher floods `bench/#` with small JSON readings.
 * Each page counts what it decodes; the rate is messages / (last - first arrival). Runs each
 * side several times, alternating, and reports medians and the ratio. Also the longest gap
 * between animation frames while receiving: how much the flood blocked the main thread.
 *
 *   pnpm --filter @tabmq/core bench            (MESSAGES=20000 RUNS=3 to change)
 */
import { createServer } from 'node:http'
import { readFile } from 'node:fs/promises'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { extname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'vite'
import mqtt from 'mqtt'
import { chromium } from 'playwright-core'
import { startBroker } from '@tabmq/broker'

const MESSAGES = Number(process.env.MESSAGES ?? 20_000)
const RUNS = Number(process.env.RUNS ?? 3)
const here = fileURLToPath(new URL('.', import.meta.url))

async function buildApp(outDir: string): Promise<void> {
  await build({
    root: join(here, 'app'),
    logLevel: 'warn',
    // The built package, as an app gets it from npm (run `pnpm build` first).
    resolve: { alias: [{ find: /^@tabmq\/core\/providers$/, replacement: join(here, '../dist/providers/index.js') }, { find: /^@tabmq\/core$/, replacement: join(here, '../dist/index.js') }] },
    build: { outDir, emptyOutDir: true, rollupOptions: { input: { tabmq: join(here, 'app/tabmq.html'), mqttjs: join(here, 'app/mqttjs.html') } } },
  })
}

function serve(dir: string): Promise<{ url: string; close(): void }> {
  const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.map': 'application/json' }
  const server = createServer(async (req, res) => {
    try {
      const path = new URL(req.url ?? '/', 'http://x').pathname
      const body = await readFile(join(dir, path))
      res.writeHead(200, { 'content-type': types[extname(path)] ?? 'application/octet-stream' }).end(body)
    } catch {
      res.writeHead(404).end()
    }
  })
  return new Promise(resolve => server.listen(0, '127.0.0.1', () => {
    const { port } = server.address() as { port: number }
    resolve({ url: `http://127.0.0.1:${port}`, close: () => server.close() })
  }))
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

async function main(): Promise<void> {
  const out = mkdtempSync(join(tmpdir(), 'tabmq-bench-'))
  const broker = await startBroker({ wsPort: 0, tcpPort: 0 })
  const site = await (async () => (await buildApp(out), serve(out)))()
  const browser = await chromium.launch({
    executablePath: process.env.TABMQ_CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  })
  const publisher = mqtt.connect(broker.tcpUrl, { reconnectPeriod: 0 })
  await new Promise(r => publisher.once('connect', r))
  const results: Record<string, { rate: number[]; gap: number[] }> = { tabmq: { rate: [], gap: [] }, mqttjs: { rate: [], gap: [] } }
  try {
    for (let run = 0; run < RUNS; run++) {
      for (const side of ['mqttjs', 'tabmq'] as const) {
        const context = await browser.newContext()
        const page = await context.newPage()
        await page.goto(`${site.url}/${side}.html?broker=${encodeURIComponent(broker.wsUrl)}`)
        await page.waitForFunction(() => (window as any).bench?.ready === true, null, { timeout: 15_000 })
        const payload = (i: number) => JSON.stringify({ i, temperature: 21.5 + (i % 10) / 10, humidity: 48, ts: 1764000000000 + i })
        for (let i = 0; i < MESSAGES; i++) publisher.publish(`bench/device-${i % 50}/telemetry`, payload(i), { qos: 0 })
        await page.waitForFunction(n => (window as any).bench.count >= n, MESSAGES, { timeout: 120_000, polling: 50 })
        const b = await page.evaluate(() => ({ ...(window as any).bench }))
        results[side]!.rate.push(Math.round((b.count / (b.last - b.first)) * 1000))
        results[side]!.gap.push(Math.round(b.maxFrameGap))
        await context.close()
      }
    }
  } finally {
    publisher.end(true)
    await browser.close()
    site.close()
    await broker.close()
    rmSync(out, { recursive: true, force: true })
  }
  const t = median(results.tabmq!.rate)
  const m = median(results.mqttjs!.rate)
  console.log(`delivery to one tab, ${MESSAGES} messages x ${RUNS} runs (median):`)
  console.log(`  plain MQTT.js in the tab: ${m} msg/s, longest frame gap ${median(results.mqttjs!.gap)} ms  (runs: ${results.mqttjs!.rate.join(', ')})`)
  console.log(`  tabmq (SharedWorker):     ${t} msg/s, longest frame gap ${median(results.tabmq!.gap)} ms  (runs: ${results.tabmq!.rate.join(', ')})`)
  console.log(`  ratio tabmq / MQTT.js: ${(t / m).toFixed(2)}x`)
}

main().catch(error => {
  console.error(error)
  process.exit(1)
})
