import { execFileSync, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { chmodSync, chownSync, existsSync, readdirSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { createInterface } from 'node:readline'
import { freePort, waitForPort } from '../ports'
import { advancedConfig, definitions, enabledPlugins, needsDefinitions, rabbitmqConf } from './rabbitmq-config'
import { type RabbitNode, rabbitHeld, rabbitmqctl } from './rabbitmq-ctl'
import { RabbitLogParser } from './rabbitmq-log'
import { forgetReaped, killReaped, reapWithProcess } from './reaper'
import type { TestBroker, TestBrokerOptions } from './types'
import { BrokerView } from './view'

const HOST = '127.0.0.1'
/** Folders holding `rabbitmq-server` and `rabbitmqctl` themselves (Debian's /usr/sbin ones are wrappers that su and cd). */
const HOMES = ['/usr/lib/rabbitmq/bin', '/usr/local/opt/rabbitmq/sbin', '/opt/homebrew/opt/rabbitmq/sbin']
const NOT_INSTALLED =
  'RabbitMQ is not installed: run `apt-get install -y rabbitmq-server` (Debian; it needs not run as a service) or install it from https://www.rabbitmq.com/download.html'
/** Starting takes 5 to 15 s (the MQTT plugin alone waits 3 to 6 s for cluster peers); a loaded CI machine takes longer. */
const START_TIMEOUT_MS = 90_000
const STOP_TIMEOUT_MS = 15_000

/** The folder with RabbitMQ's `rabbitmq-server` and `rabbitmqctl` (TABMQ_RABBITMQ_BIN overrides), or undefined. */
export function findRabbitMQ(): string | undefined {
  const custom = process.env.TABMQ_RABBITMQ_BIN
  const candidates = custom ? [custom] : HOMES
  return candidates.find((dir) => existsSync(path.join(dir, 'rabbitmq-server')) && existsSync(path.join(dir, 'rabbitmqctl')))
}

/** Whether RabbitMQ is installed. */
export function isRabbitMQInstalled(): boolean {
  return findRabbitMQ() !== undefined
}

/** Root runs the broker as Debian's `rabbitmq` user, as its service would; anyone else as themselves. */
function brokerUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined
  try {
    const uid = Number(execFileSync('id', ['-u', 'rabbitmq'], { encoding: 'utf8' }).trim())
    const gid = Number(execFileSync('id', ['-g', 'rabbitmq'], { encoding: 'utf8' }).trim())
    return Number.isInteger(uid) && Number.isInteger(gid) ? { uid, gid } : undefined
  } catch {
    return undefined
  }
}

/** Hands the fixture's folder to the broker's user, so it can write its database and read its cookie. */
function chownTree(dir: string, user: { uid: number; gid: number }): void {
  chownSync(dir, user.uid, user.gid)
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name)
    if (entry.isDirectory()) chownTree(p, user)
    else chownSync(p, user.uid, user.gid)
  }
}

/**
 * Starts a RabbitMQ 3.10 node of its own with the MQTT and Web MQTT plugins (`ws://…/ws`, MQTT
 * 3.1.1) on free loopback ports, and tracks its clients and subscriptions from its log. Everything
 * it writes (database, config, cookie) lives in a temporary folder, under a unique node name with
 * an epmd of its own on a free loopback port, so it never meets a system RabbitMQ. The node, its
 * epmd and the folder go on close(), with this process (exit, signals), and through a watchdog
 * even when this process is SIGKILLed. Starting takes about 10 s: start one per test file.
 * Throws a one-line Error when RabbitMQ is missing.
 */
export async function startRabbitMQ(opts: TestBrokerOptions = {}): Promise<TestBroker> {
  const bin = findRabbitMQ()
  if (!bin) throw new Error(NOT_INSTALLED)
  const dir = await mkdtemp(path.join(os.tmpdir(), 'tabmq-rabbitmq-'))
  chmodSync(dir, 0o755)
  try {
    for (let attempt = 1; ; attempt++) {
      try {
        return await launch(bin, dir, opts)
      } catch (err) {
        // Someone took a port between freePort() and the broker binding it: try others.
        if (!(err instanceof PortRace) || attempt >= 3) throw err
      }
    }
  } catch (err) {
    await rm(dir, { recursive: true, force: true })
    throw err
  }
}

class PortRace extends Error {}

/** Distinct free loopback ports. */
async function freePorts(n: number): Promise<number[]> {
  const ports = new Set<number>()
  while (ports.size < n) ports.add(await freePort(HOST))
  return [...ports]
}

async function launch(bin: string, dir: string, opts: TestBrokerOptions): Promise<TestBroker> {
  const [mqttPort, webMqttPort, epmdPort, distPort] = (await freePorts(4)) as [number, number, number, number]
  const node = `tabmq-${randomBytes(6).toString('hex')}@localhost`
  const setup = { host: HOST, mqttPort, webMqttPort, definitionsPath: path.join(dir, 'definitions.json') }
  await writeFile(path.join(dir, 'rabbitmq.conf'), rabbitmqConf(setup, opts))
  await writeFile(path.join(dir, 'advanced.config'), advancedConfig())
  await writeFile(path.join(dir, 'enabled_plugins'), enabledPlugins())
  if (needsDefinitions(opts)) await writeFile(setup.definitionsPath, JSON.stringify(definitions(opts), null, 1))
  // The cookie rabbitmqctl authenticates with; Erlang refuses one that others may read.
  await writeFile(path.join(dir, '.erlang.cookie'), randomBytes(20).toString('hex').toUpperCase(), { mode: 0o400 })
  const user = brokerUser()
  if (user) chownTree(dir, user)

  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    LANG: 'C.UTF-8',
    HOME: dir, // where Erlang looks for the cookie, for the node and its CLI alike
    RABBITMQ_NODENAME: node,
    RABBITMQ_USE_LONGNAME: 'false',
    RABBITMQ_CONF_ENV_FILE: path.join(dir, 'rabbitmq-env.conf'), // none: never /etc/rabbitmq's
    RABBITMQ_CONFIG_FILE: path.join(dir, 'rabbitmq.conf'),
    RABBITMQ_ADVANCED_CONFIG_FILE: path.join(dir, 'advanced.config'),
    RABBITMQ_ENABLED_PLUGINS_FILE: path.join(dir, 'enabled_plugins'),
    RABBITMQ_MNESIA_BASE: path.join(dir, 'mnesia'),
    RABBITMQ_LOG_BASE: path.join(dir, 'log'),
    RABBITMQ_PID_FILE: path.join(dir, 'rabbitmq.pid'),
    RABBITMQ_DIST_PORT: String(distPort),
    ERL_EPMD_PORT: String(epmdPort),
    ERL_EPMD_ADDRESS: HOST,
    // rabbitmqctl is a distributed Erlang node too: keep it on loopback.
    RABBITMQ_CTL_ERL_ARGS: '-kernel inet_dist_use_interface {127,0,0,1}',
  }
  const target: RabbitNode = { bin, node, env }

  const view = new BrokerView()
  const parser = new RabbitLogParser(view)
  const started = Date.now()
  // One process group: a shell that starts a private epmd (a node would otherwise start a shared,
  // daemonised one that outlives it), waits for it, runs rabbitmq-server (its Erlang VM and helpers
  // stay in the group), and once the node has stopped ends epmd and reaps it, so a graceful stop
  // leaves no process, not even a zombie. Killing the group leaves nothing behind either.
  const script = [
    'epmd -port "$ERL_EPMD_PORT" -address 127.0.0.1 &',
    'epmd_pid=$!',
    'i=0',
    'until epmd -port "$ERL_EPMD_PORT" -names >/dev/null 2>&1; do',
    '  i=$((i + 1)); [ "$i" -gt 200 ] && { echo "epmd did not start" >&2; kill "$epmd_pid"; exit 97; }',
    '  sleep 0.05',
    'done',
    '"$1" &',
    'wait $!',
    'status=$?',
    'kill "$epmd_pid" 2>/dev/null',
    'wait "$epmd_pid"',
    'exit "$status"',
  ].join('\n')
  const child = spawn('/bin/sh', ['-c', script, 'tabmq-rabbitmq', path.join(bin, 'rabbitmq-server')], {
    cwd: dir,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(user ?? {}),
  })
  reapWithProcess(child, dir, { group: true })
  createInterface({ input: child.stdout! }).on('line', (line) => parser.line(line))
  createInterface({ input: child.stderr! }).on('line', (line) => parser.line(line))
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  child.on('error', () => {})

  const killGroup = () => {
    killReaped(child, true)
    forgetReaped(child)
  }
  const ready = (l: string) => l.includes('Server startup complete')
  const startedUp = view.waitFor(() => view.lines.some(ready), START_TIMEOUT_MS, 'RabbitMQ to start')
  const outcome = await Promise.race([startedUp.then(() => 'running' as const), exited.then(() => 'exited' as const)]).catch((err: Error) => err)
  if (outcome !== 'running') {
    killGroup()
    await new Promise((r) => setTimeout(r, 50)) // let the last log lines arrive
    const log = view.lines.join('\n')
    if (/eaddrinuse/i.test(log)) throw new PortRace(log)
    throw new Error(`RabbitMQ ${outcome === 'exited' ? 'exited while starting' : 'did not start in time'}:\n${log.slice(-4000)}`)
  }
  await Promise.all([waitForPort(HOST, mqttPort), waitForPort(HOST, webMqttPort)])
  const startMs = Date.now() - started

  let closing: Promise<void> | undefined
  const close = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      // Graceful: the node stops its listeners and halts; the group is killed if it hangs.
      const deadline = setTimeout(killGroup, STOP_TIMEOUT_MS)
      await rabbitmqctl(target, ['stop'], STOP_TIMEOUT_MS).catch(killGroup)
      await exited
      clearTimeout(deadline)
    }
    killGroup() // the private epmd
    await rm(dir, { recursive: true, force: true })
  }
  const restart = async () => {
    // Stops and starts the RabbitMQ application in the running VM: every connection drops and
    // non-durable queues go; retained messages (kept on disk) survive, as in a service restart.
    await rabbitmqctl(target, ['stop_app'])
    for (const id of view.connectedClients()) view.disconnected(id)
    await rabbitmqctl(target, ['start_app'])
    await Promise.all([waitForPort(HOST, mqttPort), waitForPort(HOST, webMqttPort)])
  }
  return {
    kind: 'rabbitmq',
    wsUrl: `ws://${HOST}:${webMqttPort}/ws`,
    tcpUrl: `mqtt://${HOST}:${mqttPort}`,
    protocolVersions: [3, 4],
    pid: child.pid,
    startMs,
    connectedClients: () => view.connectedClients(),
    subscriptions: () => view.subscriptions(),
    subscribeCount: (filter) => view.subscribeCount(filter),
    waitFor: (predicate, timeoutMs, what) => view.waitFor(predicate, timeoutMs, what),
    held: () => rabbitHeld(target),
    log: () => [...view.lines],
    restart,
    close: () => (closing ??= close()),
  }
}
