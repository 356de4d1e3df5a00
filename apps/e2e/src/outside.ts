/**
 * Clients outside the browser, plain mqtt.js over TCP, as a device or a backend would be: they
 * publish readings and count what the tabs published, so verdicts never rest on tabmq alone.
 */
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt'
import type { TestBroker } from '@tabmq/broker/testing'

export interface Outside {
  client: MqttClient
  /** Payload → how many times it arrived, on the filters subscribed. */
  counts: Map<string, number>
  publish(topic: string, payload: string | object, options?: { qos?: 0 | 1; retain?: boolean }): Promise<void>
  close(): Promise<void>
}

let next = 0

/**
 * Connects an outside client, subscribed to `filters` at QoS 1. With `persistent`, its session
 * survives its own disconnects (clean: false), so what the broker accepted while it was away (a
 * broker restart, with persistence) still reaches it.
 *
 * @example
 * const outside = await connectOutside(broker, ['e2e/#'], { persistent: true })
 * await outside.publish('devices/device-1/telemetry', { temperature: 21.5, humidity: 40, ts: Date.now() })
 */
export async function connectOutside(broker: TestBroker, filters: string[] = [], { persistent = false, auth }: { persistent?: boolean; auth?: { username: string; password: string } } = {}): Promise<Outside> {
  const counts = new Map<string, number>()
  const options: IClientOptions = { clientId: `outside_${process.pid}_${next++}`, clean: !persistent, reconnectPeriod: 100, ...auth }
  const client = mqtt.connect(broker.tcpUrl, options)
  client.on('message', (_topic, payload) => void counts.set(payload.toString(), (counts.get(payload.toString()) ?? 0) + 1))
  client.on('error', () => {}) // reconnects on its own (a broker restart)
  await new Promise<void>((resolve, reject) => {
    client.once('connect', () => resolve())
    client.once('error', reject)
  })
  if (filters.length > 0) await client.subscribeAsync(filters, { qos: 1 })
  return {
    client,
    counts,
    publish: async (topic, payload, publishOptions = {}) => {
      await client.publishAsync(topic, typeof payload === 'string' ? payload : JSON.stringify(payload), { qos: publishOptions.qos ?? 1, retain: publishOptions.retain ?? false })
    },
    close: () => client.endAsync(true).then(() => {}),
  }
}
