import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { createInterface } from 'node:readline'
import { freePort, waitForPort } from '../ports'
import { dynsecConfig, mosquittoConf, needsDynsec } from './mosquitto-config'
import { MosquittoLogParser } from './mosquitto-log'
import { reapWithProcess } from './reaper'
import type { TestBroker, TestBrokerOptions } from './types'
import { BrokerView } from './view'

const HOST = '127.0.0.1'
const BINARIES = ['/usr/sbin/mosquitto', '/usr/local/sbin/mosquitto', '/opt/homebrew/sbin/mosquitto', '/usr/bin/mosquitto']
const PLUGINS = [
  '/usr/lib/x86_64-linux-gnu/mosquitto_dynamic_security.so',
  '/usr/lib/aarch64-linux-gnu/mosquitto_dynamic_security.so',
  '/usr/lib/mosquitto_dynamic_security.so',
  '/usr/local/lib/mosquitto_dynamic_security.so',
  '/opt/homebrew/lib/mosquitto_dynamic_security.so',
]
const NOT_INSTALLED =
  'Mosquitto is not installed: run `apt-get install -y mosquitto` (Debian) or install it from https://mosquitto.org/download'

/** The mosquitto binary (TABMQ_MOSQUITTO overrides), or undefined when it is not installed. */
export function findMosquitto(): string | undefined {
  const custom = process.env.TABMQ_MOSQUITTO
  if (custom) return existsSync(custom) ? custom : undefined
  return BINARIES.find((p) => existsSync(p))
}

/** Whether Mosquitto is installed, to skip its tests where it is not. */
export function isMosquittoInstalled(): boolean {
  return findMosquitto() !== undefined
}

/**
 * Starts a real Mosquitto 2.x on free ports (TCP and WebSocket) as a child
 * process and tracks its clients and subscriptions from its log. Resolves
 * once both listeners accept connections. The child dies with this process
 * (exit, signals, and a watchdog for SIGKILL). Access rules use the
 * dynamic-security plugin. Throws a one-line Error when Mosquitto is missing.
 */
export async function startMosquitto(opts: TestBrokerOptions = {}): Promise<TestBroker> {
  const bin = findMosquitto()
  if (!bin) throw new Error(NOT_INSTALLED)
  const dir = await mkdtemp(path.join(os.tmpdir(), 'tabmq-mosquitto-'))
  try {
    for (let attempt = 1; ; attempt++) {
      try {
        return await launch(bin, dir, opts)
      } catch (err) {
        // Someone took a port between freePort() and mosquitto binding it: try others.
        if (!(err instanceof PortRace) || attempt >= 5) throw err
      }
    }
  } catch (err) {
    await rm(dir, { recursive: true, force: true })
    throw err
  }
}

class PortRace extends Error {}

async function launch(bin: string, dir: string, opts: TestBrokerOptions): Promise<TestBroker> {
  const tcpPort = await freePort(HOST)
  let wsPort = await freePort(HOST)
  while (wsPort === tcpPort) wsPort = await freePort(HOST)
  const setup = {
    host: HOST,
    tcpPort,
    wsPort,
    dynsecPath: path.join(dir, 'dynamic-security.json'),
    dynsecPlugin: PLUGINS.find((p) => existsSync(p)),
    persistenceDir: dir,
  }
  const confPath = path.join(dir, 'mosquitto.conf')
  await writeFile(confPath, mosquittoConf(setup, opts))
  if (needsDynsec(opts)) await writeFile(setup.dynsecPath, JSON.stringify(dynsecConfig(opts), null, 1))

  const view = new BrokerView()
  const parser = new MosquittoLogParser(view)
  let child!: ChildProcess
  let exited!: Promise<number | null>
  /** Runs mosquitto with the config and waits until it accepts connections. */
  const run = async () => {
    const runningBefore = view.lines.filter((l) => / running$/.test(l)).length
    const spawned = spawn(bin, ['-c', confPath], { stdio: ['ignore', 'pipe', 'pipe'] })
    child = spawned
    reapWithProcess(spawned, dir)
    createInterface({ input: spawned.stderr }).on('line', (line) => parser.line(line))
    createInterface({ input: spawned.stdout }).on('line', (line) => parser.line(line))
    exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
    child.on('error', () => {})
    const running = view.waitFor(() => view.lines.filter((l) => / running$/.test(l)).length > runningBefore, 10_000, 'Mosquitto to start')
    const outcome = await Promise.race([running.then(() => 'running' as const), exited.then(() => 'exited' as const)])
    if (outcome === 'exited') {
      await new Promise((r) => setTimeout(r, 20)) // let the last log lines arrive
      const log = view.lines.join('\n')
      if (/Address already in use/i.test(log)) throw new PortRace(log)
      throw new Error(`Mosquitto exited while starting:\n${log}`)
    }
    await Promise.all([waitForPort(HOST, tcpPort), waitForPort(HOST, wsPort)])
  }
  /** Stops mosquitto; SIGKILL after `graceMs` (SIGTERM sometimes takes seconds). */
  const stop = async (graceMs: number) => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs)
      await exited
      clearTimeout(timer)
    }
  }
  await run()

  let closing: Promise<void> | undefined
  const close = async () => {
    await stop(500)
    await rm(dir, { recursive: true, force: true })
  }
  const restart = async () => {
    await stop(5000) // time to save its persistence file
    for (const id of view.connectedClients()) view.disconnected(id)
    await run()
  }
  return {
    kind: 'mosquitto',
    wsUrl: `ws://${HOST}:${wsPort}/mqtt`,
    tcpUrl: `mqtt://${HOST}:${tcpPort}`,
    protocolVersions: [3, 4, 5],
    get pid() {
      return child.pid
    },
    connectedClients: () => view.connectedClients(),
    subscriptions: () => view.subscriptions(),
    subscribeCount: (filter) => view.subscribeCount(filter),
    waitFor: (predicate, timeoutMs, what) => view.waitFor(predicate, timeoutMs, what),
    log: () => [...view.lines],
    restart,
    close: () => (closing ??= close()),
  }
}
