import { createPubSub, type PubSub } from '@tabmq/core'
import { createHub } from '@tabmq/core/hub'
import { mqttOverWs } from '@tabmq/core/providers'
import type { TestBroker } from '@tabmq/broker/testing'

/** A tab's client on an in-process hub of its own: one broker connection per call. */
export function client(broker: TestBroker): PubSub {
  return createPubSub({ provider: mqttOverWs({ url: broker.wsUrl }), hub: createHub({ warn: () => {} }), reconnect: { initialDelayMs: 100, maxDelayMs: 500 } })
}

/** Resolves once `check` holds, polling: waits are event-driven, never a fixed sleep that load could outlast. */
export async function until(what: string, check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`)
    await sleep(10)
  }
}

/** Resolves once the broker holds `filter` for some client. */
export function brokerHas(broker: TestBroker, filter: string): Promise<void> {
  return broker.waitFor(() => broker.subscriptions().some(s => s.filter === filter), 5000, `${filter} at the broker`)
}

/** Resolves once no client holds `filter` at the broker. */
export function brokerLacks(broker: TestBroker, filter: string): Promise<void> {
  return broker.waitFor(() => !broker.subscriptions().some(s => s.filter === filter), 5000, `${filter} released at the broker`)
}

/** How many UNSUBSCRIBEs of `filter` the broker saw. */
export function unsubscribeCount(broker: TestBroker, filter: string): number {
  return broker.log().filter(line => line.endsWith(` unsubscribe ${filter}`)).length
}

/** The hub's filters and their reference counts. */
export async function hubFilters(pubsub: PubSub): Promise<Array<{ filter: string; refs: number }>> {
  const stats = await pubsub.getStats()
  return (stats.connections[0]?.filters ?? []).map(({ filter, refs }) => ({ filter, refs }))
}

export const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))
