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
