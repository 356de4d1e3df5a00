import { connect, type IClientOptions, type IClientSubscribeOptions, type IPublishPacket, type MqttClient } from 'mqtt'
import { afterEach } from 'vitest'

const open = new Set<MqttClient>()

afterEach(async () => {
  await Promise.all([...open].map((c) => c.endAsync(true).catch(() => {})))
  open.clear()
})

/** Connects an mqtt.js client (no reconnect) and closes it after the test. */
export function connectClient(url: string, opts: IClientOptions = {}): Promise<MqttClient> {
  const client = connect(url, { reconnectPeriod: 0, connectTimeout: 5000, ...opts })
  open.add(client)
  return new Promise((resolve, reject) => {
    client.once('connect', () => resolve(client))
    client.once('error', reject)
    client.once('close', () => reject(new Error(`connection to ${url} closed before CONNACK`)))
  })
}

/** Connects and expects a refusal: resolves with the CONNACK return/reason code. */
export async function refusedCode(url: string, opts: IClientOptions): Promise<number | undefined> {
  try {
    await connectClient(url, opts)
  } catch (err) {
    return (err as { code?: number }).code
  }
  throw new Error('the broker accepted the connection')
}

/** SUBSCRIBEs and returns the SUBACK codes, also when some filters were refused. */
export async function subackCodes(client: MqttClient, filters: string[], opts: IClientSubscribeOptions = { qos: 0 }): Promise<number[]> {
  try {
    const granted = await client.subscribeAsync(filters, opts)
    return granted.map((g) => g.qos)
  } catch (err) {
    const packet = (err as { packet?: { granted?: number[] } }).packet
    if (!packet?.granted) throw err
    return packet.granted
  }
}

/** A received message, simplified. */
export interface Received {
  topic: string
  text: string
  retain: boolean
  qos: number
  packet: IPublishPacket
}

/** Records every message `client` receives. */
export function record(client: MqttClient): Received[] {
  const messages: Received[] = []
  client.on('message', (topic, payload, packet) => {
    messages.push({ topic, text: payload.toString('utf8'), retain: packet.retain, qos: packet.qos, packet })
  })
  return messages
}

/** Polls until `predicate` holds or rejects after `timeoutMs` naming `what`. */
export async function until(predicate: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`)
    await sleep(10)
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))
