import { connect, type Socket } from 'node:net'

/**
 * The outside publisher: MQTT 3.1.1 over plain TCP, packets encoded here. A flood is one
 * pre-encoded buffer written at once, so the publisher spends next to no CPU while the browser
 * receives (it shares the machine with every contender equally, but the less the better).
 */
function remainingLength(n: number): number[] {
  const out: number[] = []
  do {
    let byte = n % 128
    n = Math.floor(n / 128)
    if (n > 0) byte |= 0x80
    out.push(byte)
  } while (n > 0)
  return out
}

function utf8(text: string): Buffer {
  const b = Buffer.from(text, 'utf8')
  return Buffer.concat([Buffer.from([b.length >> 8, b.length & 0xff]), b])
}

/** A QoS 0 PUBLISH packet. */
export function publishPacket(topic: string, payload: Buffer | string, retain = false): Buffer {
  const body = Buffer.concat([utf8(topic), typeof payload === 'string' ? Buffer.from(payload) : payload])
  return Buffer.concat([Buffer.from([0x30 | (retain ? 1 : 0), ...remainingLength(body.length)]), body])
}

function connectPacket(clientId: string): Buffer {
  const body = Buffer.concat([utf8('MQTT'), Buffer.from([4, 0x02, 0, 60]), utf8(clientId)])
  return Buffer.concat([Buffer.from([0x10, ...remainingLength(body.length)]), body])
}

export class Publisher {
  private constructor(private readonly socket: Socket) {}

  static connect(port: number, clientId = `bench-publisher-${process.pid}`): Promise<Publisher> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1')
      socket.setNoDelay(true)
      socket.once('error', reject)
      socket.once('connect', () => socket.write(connectPacket(clientId)))
      socket.once('data', data => {
        if (data[0] !== 0x20 || data[3] !== 0) return reject(new Error(`the broker refused the publisher: ${data.toString('hex')}`))
        socket.removeListener('error', reject)
        socket.on('data', () => {}) // PINGRESP and nothing else
        socket.on('error', () => {})
        resolve(new Publisher(socket))
      })
    })
  }

  /** Writes packets; resolves once the socket took them (not once delivered). */
  write(packets: Buffer): Promise<void> {
    return new Promise(resolve => (this.socket.write(packets) ? resolve() : this.socket.once('drain', resolve)))
  }

  close(): void {
    this.socket.end(Buffer.from([0xe0, 0]))
  }
}

const PAD = 'x'.repeat(200)

/** The ~200-byte JSON reading every flood carries (`i` numbers it; `t`, when given, is the send time). */
export function reading(i: number, t?: number): string {
  const base = `{"i":${i},"device":"device-${i % 50}","temperature":${(21.5 + (i % 10) / 10).toFixed(1)},"humidity":48.2,"pressure":1013.25,"battery":87,"status":"ok","firmware":"2.4.1","site":"plant-3","line":4${t === undefined ? '' : `,"t":${t.toFixed(3)}`},"pad":"`
  return base + PAD.slice(0, Math.max(0, 198 - base.length)) + '"}'
}

export const dataTopic = (i: number) => `bench/data/device-${i % 50}/telemetry`

/** `count` readings as one buffer of PUBLISH packets. */
export function jsonFlood(count: number): Buffer {
  const packets: Buffer[] = []
  for (let i = 0; i < count; i++) packets.push(publishPacket(dataTopic(i), reading(i)))
  return Buffer.concat(packets)
}

/** `count` binary payloads of `size` bytes, `i` in the first 4 bytes (big-endian). */
export function binaryFlood(count: number, size: number): Buffer {
  const packets: Buffer[] = []
  const payload = Buffer.alloc(size)
  for (let i = 0; i < size; i++) payload[i] = (i * 31) & 0xff
  for (let i = 0; i < count; i++) {
    payload.writeUInt32BE(i, 0)
    packets.push(publishPacket(`bench/data/camera-${i % 4}/frame`, payload))
  }
  return Buffer.concat(packets)
}

/** Sends `count` readings at `perSecond`, each stamped with its send time (epoch ms, µs precision). */
export async function paced(publisher: Publisher, count: number, perSecond: number): Promise<void> {
  const start = performance.now()
  let i = 0
  while (i < count) {
    const due = Math.min(count, Math.floor(((performance.now() - start) * perSecond) / 1000) + 1)
    while (i < due) {
      await publisher.write(publishPacket(dataTopic(i), reading(i, performance.timeOrigin + performance.now())))
      i++
    }
    await new Promise(r => setTimeout(r, 1))
  }
}
