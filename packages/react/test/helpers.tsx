import { StrictMode, type ReactNode } from 'react'
import { createPubSub, type PubSub } from '@tabmq/core'
import { createHub } from '@tabmq/core/hub'
import { mqttOverWs } from '@tabmq/core/providers'
import type { TestBroker } from '@tabmq/broker/testing'
import { PubSubProvider } from '../src/index'

/** A tab's client on an in-process hub of its own: one broker connection per call. */
export function client(broker: TestBroker): PubSub {
  return createPubSub({ provider: mqttOverWs({ url: broker.wsUrl }), hub: createHub({ warn: () => {} }), reconnect: { initialDelayMs: 100, maxDelayMs: 500 } })
}

/** A renderHook/render wrapper providing `pubsub`, optionally under StrictMode. */
export function wrapper(pubsub: PubSub, strict = false) {
  return ({ children }: { children?: ReactNode }) => {
    const tree = <PubSubProvider client={pubsub}>{children}</PubSubProvider>
    return strict ? <StrictMode>{tree}</StrictMode> : tree
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

export const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))
