import type { FirstMessage } from './pages/harness.js'
import type { Plan } from './plan.js'
import type { RunResult } from './runner.js'
import type { ControlResult } from './scenarios/control.js'
import type { LargeOverWs } from './scenarios/large-over-ws.js'
import type { MemoryResult } from './scenarios/memory.js'
import type { RetainedVariant } from './scenarios/retained.js'
import type { Series } from './scenarios/series.js'
import type { PageName } from './site.js'
import type { Sizes } from './sizes.js'
import { fmt, fmtRatio, pairedDiff, pairedRatio, spread, type Spread } from './stats.js'

export interface Results {
  meta: ReturnType<typeof import('./machine.js').describeMachine> & {
    date: string
    quick: boolean
    plan: Plan
    loadBefore: string
    loadAfter: string
    durationS: number
    note: string
  }
  sizes?: Sizes
  oneTab?: Series
  fourTabs?: Series
  eightTabs?: Series
  latency?: Series
  retained?: Record<RetainedVariant, FirstMessage[]>
  binary?: Series
  binaryMosquitto?: LargeOverWs
  memory?: MemoryResult
  control?: ControlResult
  aedes?: { one: Series; four: Series }
  hubInternals?: { match: string; subscribeMany: string }
}

export const LABEL: Record<PageName, string> = {
  tabmq: 'tabmq (SharedWorker hub)',
  mqttjs: 'plain MQTT.js in the tab',
  'mqttjs-worker': 'MQTT.js alone in a dedicated worker',
  'raw-ws': 'raw WebSocket frame counter in a worker (ceiling)',
  amplify: 'Amplify PubSub v6 (MqttOverWS)',
  'tabmq-variant': 'tabmq with the BENCH_VARIANT_WORKER hub',
}

interface Row {
  figure: string
  tabmq: string
  reference: string
  measured: string
  target: string
  met: 'yes' | 'no' | 'reported' | 'n/a'
  cause?: string
}

const of = (s: Series | undefined, page: PageName, f: (r: RunResult) => number) => (s?.[page] ?? []).map(f)
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`
const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MB`
const per10k = (ms: number, r: RunResult) => (ms / r.messages) * 10_000
const ms = (s: Spread) => fmt(s, 0, ' ms')

/** Where the CPU went during a run, per 10,000 messages: the measured cause behind a figure. */
function budget(runs: RunResult[] | undefined): string {
  if (!runs?.length) return ''
  const m = (f: (r: RunResult) => number) => Math.round(spread(runs.map(f)).median)
  const r0 = runs[0]!
  const busy = m(r => (r.machineBusyMs / r.wallMs / r.cores) * 100)
  const others = m(r => (r.othersMs / r.wallMs / r.cores) * 100)
  return (
    `per 10k messages${r0.tabs > 1 ? ` (to each of ${r0.tabs} tabs)` : ''}: tab main ${m(r => r.tabMainPer10k)} ms/tab, worker threads ${m(r => per10k(r.cpu.workers, r))} ms, ` +
    `renderer IO and helpers ${m(r => per10k(r.cpu.rendererOther, r))} ms, network service ${m(r => per10k(r.cpu.network, r))} ms, browser process ${m(r => per10k(r.cpu.browser, r))} ms, ` +
    `Chromium in all ${m(r => per10k(r.cpu.total, r))} ms, broker ${m(r => per10k(r.brokerCpuMs, r))} ms; the ${r0.cores} cores ${busy}% busy (${Math.max(0, others)}% of it other processes' load)`
  )
}

function rows(r: Results): Row[] {
  const out: Row[] = []
  const one = r.oneTab
  const ran = ([[1, one], [4, r.fourTabs], [8, r.eightTabs]] as const).filter(([, s]) => s)
  if (ran.length) {
    const conns = (page: PageName) => ran.map(([, s]) => s?.[page]?.[0]?.connections ?? NaN).join(' / ')
    const t = ran.map(([, s]) => s?.tabmq?.[0]?.connections ?? NaN)
    out.push({
      figure: `broker connections for ${ran.map(([n]) => n).join(' / ')} tabs (counted at the broker)`,
      tabmq: t.join(' / '),
      reference: `MQTT.js ${conns('mqttjs')}; Amplify ${conns('amplify')}`,
      measured: t.join(' / '),
      target: '1 (the others: N)',
      met: t.every(x => x === 1) ? 'yes' : 'no',
    })
  }
  if (r.sizes) {
    const [core, ...rest] = r.sizes.rows
    const bindings = rest.filter(x => x.name.startsWith('@tabmq/core + '))
    const others = rest.filter(x => !x.name.startsWith('@tabmq/core + '))
    const coreOk = core!.split.gzipBytes <= 5 * 1024 && core!.single.gzipBytes <= 5 * 1024
    out.push({
      figure: 'JS a tab loads, gzipped: @tabmq/core (split / single file)',
      tabmq: `${kb(core!.split.gzipBytes)} / ${kb(core!.single.gzipBytes)}`,
      reference: others.map(o => `${o.name} ${kb(o.split.gzipBytes)}`).join('; '),
      measured: `${kb(core!.split.gzipBytes)} / ${kb(core!.single.gzipBytes)}${core!.single.containsMqtt ? ' (mqtt.js inlined!)' : ''}`,
      target: '<= 5 KB in both modes',
      met: coreOk ? 'yes' : 'no',
      cause: coreOk ? undefined : `largest parts (minified bytes): ${core!.split.biggest.map(b => `${b.input} ${b.bytes}`).join(', ')}`,
    })
    for (const b of bindings) {
      const split = b.split.gzipBytes - core!.split.gzipBytes
      const single = b.single.gzipBytes - core!.single.gzipBytes
      out.push({
        figure: `JS a tab loads, gzipped: ${b.name.replace('@tabmq/core + ', '')} on top of core (split / single file)`,
        tabmq: `+${kb(split)} / +${kb(single)} (total ${kb(b.split.gzipBytes)})`,
        reference: '',
        measured: `+${kb(split)} / +${kb(single)}`,
        target: '<= 2 KB more in both modes',
        met: split <= 2048 && single <= 2048 ? 'yes' : 'no',
        cause: split <= 2048 && single <= 2048 ? undefined : `largest parts (minified bytes): ${b.split.biggest.map(x => `${x.input} ${x.bytes}`).join(', ')}`,
      })
    }
  }
  if (one?.tabmq && one.mqttjs) {
    const cpu = pairedRatio(of(one, 'tabmq', x => x.tabMainPer10k), of(one, 'mqttjs', x => x.tabMainPer10k))
    out.push({
      figure: "the tab's main-thread CPU per 10,000 messages (1 tab, /proc thread time)",
      tabmq: ms(spread(of(one, 'tabmq', x => x.tabMainPer10k))),
      reference: `MQTT.js ${ms(spread(of(one, 'mqttjs', x => x.tabMainPer10k)))}`,
      measured: fmtRatio(cpu),
      target: '<= 0.25x MQTT.js in the tab',
      met: cpu.median <= 0.25 ? 'yes' : 'no',
      cause: cpu.median <= 0.25 ? undefined : `tabmq ${budget(one.tabmq)}`,
    })
    const gap = pairedRatio(of(one, 'tabmq', x => x.maxFrameGap), of(one, 'mqttjs', x => x.maxFrameGap))
    out.push({
      figure: 'longest frame gap under a flood (requestAnimationFrame)',
      tabmq: ms(spread(of(one, 'tabmq', x => x.maxFrameGap))),
      reference: `MQTT.js ${ms(spread(of(one, 'mqttjs', x => x.maxFrameGap)))}; the worker-only pages ${ms(spread(of(one, 'raw-ws', x => x.maxFrameGap)))}`,
      measured: fmtRatio(gap),
      target: '<= 0.5x MQTT.js',
      met: gap.median <= 0.5 ? 'yes' : 'no',
      cause: gap.median <= 0.5 ? undefined : `even a page whose main thread does nothing per message (raw WebSocket in a worker) sees ${ms(spread(of(one, 'raw-ws', x => x.maxFrameGap)))}: on 2 saturated cores the compositor and main thread wait for CPU; tabmq ${budget(one.tabmq)}`,
    })
    const rate = pairedRatio(of(one, 'tabmq', x => x.rate), of(one, 'mqttjs', x => x.rate))
    out.push({
      figure: 'throughput to 1 tab, QoS 0, 200-byte JSON (msg/s, first to last at the callback)',
      tabmq: fmt(spread(of(one, 'tabmq', x => x.rate))),
      reference: `MQTT.js ${fmt(spread(of(one, 'mqttjs', x => x.rate)))}; raw WebSocket ceiling ${fmt(spread(of(one, 'raw-ws', x => x.rate)))}; Amplify ${fmt(spread(of(one, 'amplify', x => x.rate)))}`,
      measured: fmtRatio(rate),
      target: 'never below MQTT.js in the tab (>= 1x)',
      met: rate.median >= 1 ? 'yes' : 'no',
      cause: rate.median >= 1 ? undefined : `tabmq ${budget(one.tabmq)}; MQTT.js ${budget(one.mqttjs)}`,
    })
    if (one['mqttjs-worker']) {
      const hub = pairedRatio(of(one, 'tabmq', x => x.rate), of(one, 'mqttjs-worker', x => x.rate))
      out.push({
        figure: "the hub's own cost: the stream through the hub to a tab, against MQTT.js alone in a worker",
        tabmq: fmt(spread(of(one, 'tabmq', x => x.rate)), 0, ' msg/s'),
        reference: `MQTT.js in a worker ${fmt(spread(of(one, 'mqttjs-worker', x => x.rate)), 0, ' msg/s')}`,
        measured: fmtRatio(hub),
        target: '>= 0.95x',
        met: hub.median >= 0.95 ? 'yes' : 'no',
        cause: hub.median >= 0.95 ? undefined : `tabmq ${budget(one.tabmq)}; MQTT.js in a worker ${budget(one['mqttjs-worker'])}`,
      })
    }
  }
  for (const [s, n, target] of [[r.fourTabs, 4, 2], [r.eightTabs, 8, 4]] as const) {
    if (!s?.tabmq || !s.mqttjs) continue
    const ratio = pairedRatio(of(s, 'tabmq', x => x.rate), of(s, 'mqttjs', x => x.rate))
    out.push({
      figure: `throughput with ${n} tabs (the slowest tab's msg/s)`,
      tabmq: fmt(spread(of(s, 'tabmq', x => x.rate))),
      reference: `MQTT.js in each tab ${fmt(spread(of(s, 'mqttjs', x => x.rate)))}; Amplify ${fmt(spread(of(s, 'amplify', x => x.rate)))}`,
      measured: fmtRatio(ratio),
      target: `>= ${target}x`,
      met: ratio.median >= target ? 'yes' : 'no',
      cause: ratio.median >= target ? undefined : `tabmq ${budget(s.tabmq)}; MQTT.js ${budget(s.mqttjs)}`,
    })
  }
  if (r.latency?.tabmq && r.latency.mqttjs) {
    const lat = (page: PageName, k: 'p50' | 'p99') => of(r.latency, page, x => x.perTab[0]!.latency![k])
    const d50 = pairedDiff(lat('tabmq', 'p50'), lat('mqttjs', 'p50'))
    const d99 = pairedDiff(lat('tabmq', 'p99'), lat('mqttjs', 'p99'))
    const ok = d50.median <= 0.5 && d99.median <= 2
    out.push({
      figure: 'latency at 1,000 msg/s, publish to callback, p50 / p99',
      tabmq: `${fmt(spread(lat('tabmq', 'p50')), 2, ' ms')} / ${fmt(spread(lat('tabmq', 'p99')), 2, ' ms')}`,
      reference: `MQTT.js ${fmt(spread(lat('mqttjs', 'p50')), 2, ' ms')} / ${fmt(spread(lat('mqttjs', 'p99')), 2, ' ms')}; Amplify ${fmt(spread(lat('amplify', 'p50')), 2, ' ms')} / ${fmt(spread(lat('amplify', 'p99')), 2, ' ms')}`,
      measured: `${fmt(d50, 2, ' ms')} / ${fmt(d99, 2, ' ms')} more`,
      target: 'p50 within 0.5 ms, p99 within 2 ms of MQTT.js',
      met: ok ? 'yes' : 'no',
      cause: ok ? undefined : `tabmq ${budget(r.latency.tabmq)}; one extra hop (worker to tab postMessage, batched per tick)`,
    })
  }
  if (r.retained) {
    const at = (v: RetainedVariant) => r.retained![v].map(x => x.atMs)
    const warm = at('tabmq (worker warm)')
    const fresh = at('MQTT.js (fresh connection)')
    const ratio = pairedRatio(warm, fresh)
    const client = (v: RetainedVariant) => ms(spread(r.retained![v].map(x => x.atMs - x.scriptMs)))
    out.push({
      figure: 'new tab to first retained message',
      tabmq: `${ms(spread(warm))} (worker warm)`,
      reference: `MQTT.js ${ms(spread(fresh))} (fresh connection); Amplify ${ms(spread(at('Amplify (fresh connection)')))}; tabmq first tab ${ms(spread(at('tabmq (first tab, fresh worker)')))}`,
      measured: fmtRatio(ratio),
      target: '<= 0.3x',
      met: ratio.median <= 0.3 ? 'yes' : 'no',
      cause: ratio.median <= 0.3 ? undefined : `both include loading the page and its script (from cache), which no client shortens; from the script running to the message: tabmq warm ${client('tabmq (worker warm)')}, MQTT.js ${client('MQTT.js (fresh connection)')}, Amplify ${client('Amplify (fresh connection)')}`,
    })
  }
  if (r.binary?.tabmq && r.binary.mqttjs) {
    const mbPer = (x: RunResult) => (x.perTab[0]!.bytes / 2 ** 20)
    out.push({
      figure: '64 KB binary stream (on aedes: see below): msg/s and tab main-thread ms per MB',
      tabmq: `${fmt(spread(of(r.binary, 'tabmq', x => x.rate)))} msg/s, ${fmt(spread(of(r.binary, 'tabmq', x => x.cpu.rendererMains.slice(0, 1).reduce((a, b) => a + b, 0) / mbPer(x))), 1, ' ms/MB')}`,
      reference: `MQTT.js ${fmt(spread(of(r.binary, 'mqttjs', x => x.rate)))} msg/s, ${fmt(spread(of(r.binary, 'mqttjs', x => x.cpu.rendererMains.slice(0, 1).reduce((a, b) => a + b, 0) / mbPer(x))), 1, ' ms/MB')}`,
      measured: fmtRatio(pairedRatio(of(r.binary, 'tabmq', x => x.rate), of(r.binary, 'mqttjs', x => x.rate))),
      target: 'reported, with the copies it costs',
      met: 'reported',
      cause: `tabmq ${budget(r.binary.tabmq)}`,
    })
  }
  if (r.memory) {
    const m = r.memory
    out.push({
      figure: `hub memory with ${m.tabmq.loaded.tabs} tabs and ${m.tabmq.loaded.filtersPerTab} filters (JS heap after GC)`,
      tabmq: `hub ${mb(m.tabmq.loaded.hubHeapBytes ?? NaN)} (1 tab, 1 filter: ${mb(m.tabmq.baseline.hubHeapBytes ?? NaN)}); tabs ${mb(m.tabmq.loaded.tabsHeapBytes)} in all`,
      reference: `MQTT.js: tabs ${mb(m.mqttjs.loaded.tabsHeapBytes)} in all (1 tab, 1 filter: ${mb(m.mqttjs.baseline.tabsHeapBytes)})`,
      measured: `hub +${mb((m.tabmq.loaded.hubHeapBytes ?? 0) - (m.tabmq.baseline.hubHeapBytes ?? 0))}`,
      target: 'reported',
      met: 'reported',
    })
  }
  return out
}

const esc = (s: string) => s.replace(/\|/g, '\\|')

/** The summary against the issue's targets, as a markdown table. */
export function summaryTable(r: Results): string {
  const lines = ['| figure | tabmq | compared with | tabmq against it (median, min–max) | target | met |', '| --- | --- | --- | --- | --- | --- |']
  for (const row of rows(r)) lines.push(`| ${[row.figure, row.tabmq, row.reference, row.measured, row.target, row.met].map(esc).join(' | ')} |`)
  return lines.join('\n')
}

function causes(r: Results): string {
  const missed = rows(r).filter(x => x.cause)
  if (!missed.length) return ''
  return ['### Where the CPU went (measured, for the figures missed or reported)', '', ...missed.map(x => `- **${x.figure}** (${x.met}): ${x.cause}`), ''].join('\n')
}

function table(head: string[], body: string[][]): string {
  return [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`, ...body.map(b => `| ${b.map(esc).join(' | ')} |`)].join('\n')
}

function floodTable(s: Series | undefined, ref: PageName = 'mqttjs'): string {
  if (!s) return '(not run)'
  const body: string[][] = []
  for (const [page, runs] of Object.entries(s) as [PageName, RunResult[]][]) {
    const m = (f: (x: RunResult) => number, d = 0) => fmt(spread(runs.map(f)), d)
    body.push([
      LABEL[page],
      m(x => x.rate),
      s[ref] && page !== ref ? fmtRatio(pairedRatio(runs.map(x => x.rate), s[ref]!.map(x => x.rate))) : '',
      m(x => x.tabMainPer10k),
      m(x => per10k(x.cpu.workers, x)),
      m(x => per10k(x.cpu.rendererOther, x)),
      m(x => per10k(x.cpu.network, x)),
      m(x => per10k(x.cpu.browser, x)),
      m(x => per10k(x.cpu.total, x)),
      m(x => per10k(x.brokerCpuMs, x)),
      m(x => x.maxFrameGap),
      m(x => x.connections),
      m(x => (x.machineBusyMs / x.wallMs / x.cores) * 100),
      m(x => (x.othersMs / x.wallMs / x.cores) * 100),
    ])
  }
  return table(
    ['contender', 'msg/s (slowest tab)', `vs ${ref === 'mqttjs' ? 'MQTT.js' : ref}`, 'tab main ms/10k (per tab)', 'worker threads ms/10k', 'renderer IO+helpers ms/10k', 'network service ms/10k', 'browser process ms/10k', 'Chromium total ms/10k', 'broker ms/10k', 'longest frame gap ms', 'broker connections', 'machine busy %', 'of it other processes %'],
    body,
  )
}

function sizesSection(s: Sizes | undefined): string {
  if (!s) return '(not run)'
  const body = s.rows.map(r => [r.name, kb(r.split.gzipBytes), kb(r.single.gzipBytes), `${(r.split.minifiedBytes / 1024).toFixed(1)} / ${(r.single.minifiedBytes / 1024).toFixed(1)} KB`, r.single.containsMqtt ? 'yes' : 'no', r.single.biggest.slice(0, 3).map(b => `${b.input} ${(b.bytes / 1024).toFixed(1)} KB`).join(', ')])
  return (
    table(['what the tab bundles', 'gzip, code splitting', 'gzip, single file', 'minified (split / single)', 'mqtt.js inside', 'largest parts of the single file (minified)'], body) +
    `\n\nBindings found in packages/: ${s.bindings.join(', ')} (their framework left out as the app's own). The hub's worker file (dist/tabmq.worker.js: hub, mqtt.js, Comlink), loaded once per origin by the SharedWorker, not by the tab: ${kb(s.workerGzipBytes)} gzipped.`
  )
}

function latencySection(s: Series | undefined): string {
  if (!s) return '(not run)'
  const body = (Object.entries(s) as [PageName, RunResult[]][]).map(([page, runs]) => {
    const l = (k: 'p50' | 'p99' | 'max') => fmt(spread(runs.map(x => x.perTab[0]!.latency![k])), 2)
    return [LABEL[page], l('p50'), l('p99'), l('max'), fmt(spread(runs.map(x => x.tabMainPer10k)))]
  })
  return table(['contender', 'p50 ms', 'p99 ms', 'max ms', 'tab main ms/10k'], body)
}

function retainedSection(r: Results['retained']): string {
  if (!r) return '(not run)'
  const ref = r['MQTT.js (fresh connection)'].map(x => x.atMs)
  return table(
    ['variant', 'navigation start to the retained message, ms', 'vs MQTT.js', 'of which the page loading until its script ran, ms', 'script running to the message, ms'],
    (Object.entries(r) as [RetainedVariant, FirstMessage[]][]).map(([name, xs]) => [
      name,
      fmt(spread(xs.map(x => x.atMs)), 1),
      name.startsWith('MQTT.js') ? '' : fmtRatio(pairedRatio(xs.map(x => x.atMs), ref)),
      fmt(spread(xs.map(x => x.scriptMs)), 1),
      fmt(spread(xs.map(x => x.atMs - x.scriptMs)), 1),
    ]),
  )
}

function binarySection(s: Series | undefined): string {
  if (!s) return '(not run)'
  const body = (Object.entries(s) as [PageName, RunResult[]][]).map(([page, runs]) => {
    const perMb = (f: (x: RunResult) => number) => fmt(spread(runs.map(x => f(x) / (x.perTab[0]!.bytes / 2 ** 20))), 1)
    return [LABEL[page], fmt(spread(runs.map(x => x.rate))), fmt(spread(runs.map(x => (x.rate * x.perTab[0]!.bytes) / x.messages / 2 ** 20)), 1), perMb(x => x.cpu.rendererMains[0] ?? 0), perMb(x => x.cpu.workers), perMb(x => x.cpu.rendererOther), perMb(x => x.cpu.total), fmt(spread(runs.map(x => x.maxFrameGap)))]
  })
  return table(['contender', 'msg/s', 'MB/s', 'tab main ms/MB', 'worker threads ms/MB', 'renderer IO+helpers ms/MB', 'Chromium total ms/MB', 'longest frame gap ms'], body)
}

function binaryMosquittoNote(m: LargeOverWs | undefined): string {
  if (!m) return ''
  return `Debian's Mosquitto sends large packets over its WebSocket listener slowly to any client (upstream: eclipse-mosquitto issues 1390, 2252): measured here from Node, ${m.messages} x ${m.size / 1024} KB took ${m.wsMsPerMessage.toFixed(0)} ms per message over WebSocket and ${m.tcpMsPerMessage.toFixed(1)} ms over TCP. That would time every contender by the broker, so this stream runs on aedes.`
}

function memorySection(m: MemoryResult | undefined): string {
  if (!m) return '(not run)'
  const row = (name: string, x: MemoryResult['tabmq']['loaded']) => [name, `${x.tabs} x ${x.filtersPerTab}`, x.hubHeapBytes !== undefined ? mb(x.hubHeapBytes) : '', mb(x.tabsHeapBytes), mb(x.tabsHeapBytes / x.tabs), String(x.connections), x.hubStats ? `${x.hubStats.connections} connection, ${x.hubStats.brokerFilters} broker filters, ${x.hubStats.filterRefs} filter references, ${x.hubStats.tabs} tabs` : '']
  return table(['contender', 'tabs x filters', 'hub heap', 'tabs heap (all)', 'per tab', 'broker connections', 'hub stats'], [row('tabmq', m.tabmq.baseline), row('tabmq', m.tabmq.loaded), row('plain MQTT.js', m.mqttjs.baseline), row('plain MQTT.js', m.mqttjs.loaded)])
}

function controlSection(c: ControlResult | undefined): string {
  if (!c) return '(not run)'
  const body: string[][] = []
  for (const [driver, series] of Object.entries(c.runs)) {
    for (const [page, runs] of Object.entries(series) as [PageName, RunResult[]][]) {
      const m = (f: (x: RunResult) => number) => fmt(spread(runs.map(f)))
      body.push([driver, LABEL[page], m(x => x.rate), page === 'tabmq' && series.mqttjs ? fmtRatio(pairedRatio(runs.map(x => x.rate), series.mqttjs.map(x => x.rate))) : '', m(x => x.tabMainPer10k), m(x => per10k(x.cpu.browser, x)), m(x => per10k(x.cpu.network, x)), m(x => per10k(x.cpu.rendererOther, x)), m(x => per10k(x.cpu.total, x))])
    }
  }
  return (
    table(['driver', 'page', 'msg/s', 'tabmq / MQTT.js', 'tab main ms/10k', 'browser process ms/10k', 'network service ms/10k', 'renderer IO+helpers ms/10k', 'Chromium total ms/10k'], body) +
    `\n\nDevTools methods the bare driver sent in this whole run: ${c.bareMethods.join(', ')} (no domain enabled; HeapProfiler.collectGarbage and Runtime.getHeapUsage only for the memory readings, after measuring). ` +
    `Launch flags: Playwright passed ${c.onlyPlaywright.length ? c.onlyPlaywright.map(a => `\`${a}\``).join(', ') : 'nothing'} beyond the bare launch's; the bare launch passed ${c.onlyBare.length ? c.onlyBare.map(a => `\`${a}\``).join(', ') : 'nothing'} beyond Playwright's.`
  )
}

function aedesSection(a: Results['aedes']): string {
  if (!a) return '(not run)'
  return `One tab:\n\n${floodTable(a.one)}\n\nFour tabs:\n\n${floodTable(a.four)}`
}

/** bench/RESULTS.md */
export function render(r: Results): string {
  const m = r.meta
  const p = m.plan
  return `# tabmq benchmark results

${m.note ? `> **${m.note}**\n\n` : ''}${m.quick ? '> **Quick mode (BENCH_QUICK=1): small samples, for checking the harness only.**\n\n' : ''}Written by \`pnpm bench\` on ${m.date.slice(0, 16).replace('T', ' ')} UTC in ${m.durationS} s. How it measures: [README.md](README.md).

- **Driver**: headless Chromium launched by the bench with a fresh profile, driven over a bare DevTools websocket: Target and Runtime.evaluate only, no domain enabled on any page (see the control below). CPU from /proc per thread (kernel accounting, nothing asked of the browser).
- **Broker**: Mosquitto ${m.mosquitto} (Debian), \`max_queued_messages 10000000\`, \`max_inflight_messages 0\`; every run checked: each tab got every message exactly once and the broker logged no drop.
- **Machine**: ${m.cpu}, ${m.memoryGiB} GiB, ${m.kernel}; Node ${m.node}; ${m.chromium}.
- **Versions**: tabmq at ${m.commit}; ${Object.entries(m.packages).map(([k, v]) => `${k} ${v}`).join(', ')}.
- **Load**: before \`${m.loadBefore}\`; after \`${m.loadAfter}\`. Each run's "machine busy %" below includes other processes' load.
- **Runs**: interleaved (each repetition starts with another contender); median with min–max. One tab ${p.oneTab.messages.toLocaleString('en-US')} messages x ${p.oneTab.reps}; 4 tabs ${p.fourTabs.messages.toLocaleString('en-US')} x ${p.fourTabs.reps}; 8 tabs ${p.eightTabs.messages.toLocaleString('en-US')} x ${p.eightTabs.reps}; QoS 0, 200-byte JSON readings, decoded as JSON by every contender.

## Against the targets

${summaryTable(r)}

${causes(r)}
## Details

### One tab

${floodTable(r.oneTab)}

### Four tabs

${floodTable(r.fourTabs)}

### Eight tabs

${floodTable(r.eightTabs)}

### Latency at ${p.latency.perSecond} msg/s (${p.latency.messages.toLocaleString('en-US')} messages, the first 200 left out as warm-up)

${latencySection(r.latency)}

### New tab to first retained message (${p.retained.reps} tabs each)

${retainedSection(r.retained)}

### ${p.binary.size / 1024} KB binary payloads (${p.binary.messages} x ${p.binary.reps}), on aedes

${binaryMosquittoNote(r.binaryMosquitto)}

${binarySection(r.binary)}

### Memory

${memorySection(r.memory)}

### What a tab loads

${sizesSection(r.sizes)}

### Control: the same pages under the bare driver and under Playwright (${p.control.messages.toLocaleString('en-US')} messages x ${p.control.reps})

${controlSection(r.control)}

### aedes (the project's development broker, in the bench process)

${aedesSection(r.aedes)}

### Hub internals (Node, packages/core/bench)

${r.hubInternals ? `\`\`\`\n${r.hubInternals.match}\n\n${r.hubInternals.subscribeMany}\n\`\`\`` : '(not run)'}
`
}
