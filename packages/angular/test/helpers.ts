import { createPubSub, type PubSub } from '@tabmq/core'
import { createHub } from '@tabmq/core/hub'
import { mqttOverWs } from '@tabmq/core/providers'
import { sleep, type TestBroker } from '@tabmq/broker/testing'

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
