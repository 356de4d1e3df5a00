import mqtt from 'mqtt'
import { binaryFlood, type Publisher } from '../publisher.js'

export interface LargeOverWs {
  size: number
  messages: number
  /** ms per message to a Node MQTT.js subscriber over the broker's WebSocket listener, and over TCP. */
  wsMsPerMessage: number
  tcpMsPerMessage: number
}

async function timed(url: string, publisher: Publisher, size: number, messages: number): Promise<number> {
  const client = mqtt.connect(url, { reconnectPeriod: 0 })
  try {
    await new Promise((resolve, reject) => (client.once('connect', resolve), client.once('error', reject)))
    await new Promise(resolve => client.subscribe('bench/data/#', resolve))
    let n = 0
    const done = new Promise<void>(resolve => client.on('message', () => ++n === messages && resolve()))
    const t0 = performance.now()
    await publisher.write(binaryFlood(messages, size))
    await Promise.race([done, new Promise(r => setTimeout(r, 60_000))])
    return n === messages ? (performance.now() - t0) / messages : NaN
  } finally {
    client.end(true)
  }
}

/**
 * Why the 64 KB stream runs on aedes: Debian's Mosquitto 2.0.11 sends large packets over its
 * WebSocket listener at about one per second, to any client (known upstream: eclipse-mosquitto
 * issues 1390 and 2252). Measured here from Node, no browser: the same messages over WebSocket
 * and over TCP.
 */
export async function largeOverWs(wsUrl: string, tcpPort: number, publisher: Publisher, size: number, messages: number): Promise<LargeOverWs> {
  return {
    size,
    messages,
    wsMsPerMessage: await timed(wsUrl, publisher, size, messages),
    tcpMsPerMessage: await timed(`mqtt://127.0.0.1:${tcpPort}`, publisher, size, messages),
  }
}
