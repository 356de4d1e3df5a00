import mqtt from 'mqtt'
import type { MqttClient } from 'mqtt'
import { createPubSub, type Message, type PubSub } from '../src/index'
import { createHub } from '../src/hub/index'
import { mqttOverWs } from '../src/providers/index'
import type { TestBroker } from '@tabmq/broker/testing'

/** Collects what an observable delivers, and waits for it. */
export class Collector<T = unknown> {
  readonly messages: Message<T>[] = []
  errors: unknown[] = []
  completed = false
  readonly observer = {
    next: (m: Message<T>) => void this.messages.push(m),
    error: (e: unknown) => void this.errors.push(e),
    complete: () => void (this.completed = true),
  }
  topics(): string[] {
    return this.messages.map(m => m.topic)
  }
  async waitFor(predicate: (c: this) => boolean, what: string, timeoutMs = 5000): Promise<void> {
    const until = Date.now() + timeoutMs
    while (!predicate(this)) {
      if (Date.now() > until) throw new Error(`Timed out waiting for ${what}; got ${JSON.stringify(this.topics())} errors ${String(this.errors)}`)
      await sleep(10)
    }
  }
}

export const sleep = (ms: number) => new Promise(r => setTimeout(r, ms))

/** Several "tabs" (clients) on one in-process hub, as they would share a SharedWorker. */
export function tabs(broker: TestBroker, protocolVersion: 4 | 5, n: number, extra: Partial<Parameters<typeof mqttOverWs>[0]> = {}): { hub: ReturnType<typeof createHub>; clients: PubSub[] } {
  const hub = createHub({ warn: () => {} })
  const clients = Array.from({ length: n }, () =>
    createPubSub({ provider: mqttOverWs({ url: broker.wsUrl, protocolVersion, ...extra }), hub, reconnect: { initialDelayMs: 100, maxDelayMs: 500 } }),
  )
  return { hub, clients }
}

/** An outside client, straight mqtt.js over TCP, as a device would be. */
export async function outsider(broker: TestBroker, protocolVersion: 4 | 5 = 4): Promise<MqttClient> {
  const client = mqtt.connect(broker.tcpUrl, { protocolVersion, clientId: `outsider_${Math.random().toString(16).slice(2)}`, reconnectPeriod: 0 })
  await new Promise<void>((resolve, reject) => {
    client.once('connect', () => resolve())
    client.once('error', reject)
  })
  return client
}

/** Watches the state as a UI would (a listener starts a client that is not started yet). */
export async function waitState(client: PubSub, status: string, timeoutMs = 5000): Promise<void> {
  const stop = client.connectionState.subscribe(() => {})
  try {
    const until = Date.now() + timeoutMs
    while (client.connectionState.get().status !== status) {
      if (Date.now() > until) throw new Error(`Timed out waiting for state ${status}; it is ${JSON.stringify(client.connectionState.get())}`)
      await sleep(10)
    }
  } finally {
    stop()
  }
}

/** Waits until the hub reports the subscription granted (SUBACK). */
export async function waitActive(client: PubSub, filter: string): Promise<void> {
  const until = Date.now() + 5000
  for (;;) {
    const stats = await client.getStats()
    if (stats.connections.some(c => c.brokerFilters.some(b => b.state === 'active') && c.filters.some(f => f.filter === filter))) {
      const c = stats.connections.find(c => c.filters.some(f => f.filter === filter))!
      if (c.brokerFilters.every(b => b.state !== 'pending')) return
    }
    if (Date.now() > until) throw new Error(`subscription ${filter} never became active: ${JSON.stringify(stats)}`)
    await sleep(10)
  }
}
