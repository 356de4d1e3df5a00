import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs'
import { createServer, connect } from 'node:net'
import { tmpdir, userInfo } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { reap, stop } from './reap.js'

const BINARIES = ['/usr/sbin/mosquitto', '/usr/local/sbin/mosquitto', '/usr/bin/mosquitto']
const HOST = '127.0.0.1'

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, HOST, () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

/**
 * The broker config for a flood. Mosquitto's defaults (1000 queued messages per client) drop part
 * of a burst to any subscriber slower than the publisher, and say so only in its log: queue without
 * limit, no in-flight cap. Logs connections, drops and subscriptions, never a line per message
 * (`log_type all` would write one per delivery: more broker work for more subscribers).
 */
export function benchConf(tcpPort: number, wsPort: number): string {
  return [
    'per_listener_settings false',
    `user ${userInfo().username}`,
    'allow_anonymous true',
    'persistence false',
    'max_queued_messages 10000000',
    'max_queued_bytes 0',
    'max_inflight_messages 0',
    'max_inflight_bytes 0',
    'queue_qos0_messages false',
    'sys_interval 0',
    `listener ${tcpPort} ${HOST}`,
    'set_tcp_nodelay true',
    `listener ${wsPort} ${HOST}`,
    'protocol websockets',
    'set_tcp_nodelay true',
    'log_dest stderr',
    'log_type error',
    'log_type warning',
    'log_type notice',
    'log_type information',
    'connection_messages true',
    'log_timestamp false',
  ].join('\n') + '\n'
}

const CONNECTED = /^New client connected from \S+ as (.+) \(p\d+, c\d, k\d+.*\)\.$/
const GONE = [/^Client (.+?) (?:closed its connection\.|disconnected[.,:]|disconnected due to |has exceeded timeout)/, /^Socket error on client (.+), disconnecting\.$/, /^Bad socket read\/write on client (.+?): /]
const DROPPING = /^Outgoing messages are being dropped for client (.+)\.$/

/** A Mosquitto from the system on free ports, with what its log says: who is connected, what it dropped. */
export class Mosquitto {
  readonly connected = new Set<string>()
  /** Every "Outgoing messages are being dropped" line: a run with one has lost messages. */
  readonly drops: string[] = []
  readonly log: string[] = []
  version = ''

  private constructor(
    private readonly child: ChildProcess,
    readonly tcpPort: number,
    readonly wsUrl: string,
  ) {}

  get pid(): number {
    return this.child.pid!
  }

  static async start(): Promise<Mosquitto> {
    const bin = process.env.TABMQ_MOSQUITTO ?? BINARIES.find(p => existsSync(p))
    if (!bin) throw new Error('Mosquitto is not installed: apt-get install -y mosquitto')
    const dir = mkdtempSync(join(tmpdir(), 'tabmq-bench-mosquitto-'))
    const tcpPort = await freePort()
    let wsPort = await freePort()
    while (wsPort === tcpPort) wsPort = await freePort()
    writeFileSync(join(dir, 'mosquitto.conf'), benchConf(tcpPort, wsPort))
    const child = spawn(bin, ['-c', join(dir, 'mosquitto.conf')], { stdio: ['ignore', 'pipe', 'pipe'] })
    reap(child, { dir })
    const broker = new Mosquitto(child, tcpPort, `ws://${HOST}:${wsPort}/mqtt`)
    const running = new Promise<void>((resolve, reject) => {
      child.once('exit', code => reject(new Error(`Mosquitto exited (${code}):\n${broker.log.join('\n')}`)))
      const onLine = (line: string) => {
        broker.line(line)
        const v = /mosquitto version (\S+) running/.exec(line)
        if (v) {
          broker.version = v[1]!
          resolve()
        }
      }
      createInterface({ input: child.stderr! }).on('line', onLine)
      createInterface({ input: child.stdout! }).on('line', onLine)
    })
    await running
    for (const port of [tcpPort, wsPort]) await waitForPort(port)
    return broker
  }

  private line(text: string): void {
    if (this.log.length < 5000) this.log.push(text)
    let m: RegExpExecArray | null
    if ((m = CONNECTED.exec(text))) this.connected.add(m[1]!)
    else if ((m = DROPPING.exec(text))) this.drops.push(m[1]!)
    else for (const re of GONE) if ((m = re.exec(text))) this.connected.delete(m[1]!)
  }

  /** Clients connected now, the bench's own publisher excluded. */
  subscribers(): number {
    return [...this.connected].filter(id => !id.startsWith('bench-publisher')).length
  }

  close(): Promise<void> {
    return stop(this.child)
  }
}

async function waitForPort(port: number): Promise<void> {
  const deadline = Date.now() + 5000
  for (;;) {
    const ok = await new Promise<boolean>(resolve => {
      const s = connect(port, HOST)
      s.once('connect', () => (s.destroy(), resolve(true)))
      s.once('error', () => (s.destroy(), resolve(false)))
    })
    if (ok) return
    if (Date.now() > deadline) throw new Error(`Mosquitto does not listen on ${port}`)
    await new Promise(r => setTimeout(r, 20))
  }
}
