import { createApp, defineComponent, h, type App } from 'vue'
import { vi } from 'vitest'
import { createPubSub, type PubSub } from '@tabmq/core'
import { createHub } from '@tabmq/core/hub'
import { mqttOverWs } from '@tabmq/core/providers'
import type { TestBroker } from '@tabmq/broker/testing'
import { createTabmq } from '../src/index'

/** A tab's client on an in-process hub of its own: one broker connection per call. */
export function client(broker: TestBroker): PubSub {
  return createPubSub({ provider: mqttOverWs({ url: broker.wsUrl }), hub: createHub({ warn: () => {} }), reconnect: { initialDelayMs: 100, maxDelayMs: 500 } })
}

export interface Mounted<R> {
  /** What the composable returned in the component's setup. */
  result: R
  app: App
  el: HTMLElement
  /** Vue's warnings while mounted (collected rather than printed). */
  warnings: string[]
  unmount(): void
}

const mounted = new Set<() => void>()

/**
 * Mounts a component whose setup calls `composable`, under `app.use(createTabmq(pubsub))`.
 * Errors in setup are rethrown (the app's errorHandler would otherwise swallow them).
 */
export function withSetup<R>(composable: () => R, pubsub?: PubSub): Mounted<R> {
  let result!: R
  let failure: unknown
  const app = createApp(defineComponent({ setup: () => ((result = composable()), () => h('div')) }))
  app.config.errorHandler = error => void (failure ??= error)
  const warnings: string[] = []
  app.config.warnHandler = message => void warnings.push(message)
  if (pubsub) app.use(createTabmq(pubsub))
  const el = document.createElement('div')
  document.body.append(el)
  app.mount(el)
  const unmount = () => {
    if (!mounted.delete(unmount)) return
    app.unmount()
    el.remove()
  }
  mounted.add(unmount)
  if (failure !== undefined) {
    unmount()
    throw failure
  }
  return { result, app, el, warnings, unmount }
}

/** Unmounts whatever the test mounted and left mounted. */
export function cleanup(): void {
  for (const unmount of [...mounted]) unmount()
}

/** Polls an assertion until it passes: real brokers answer in their own time. */
export const eventually = (assertion: () => void | Promise<void>) => vi.waitFor(assertion, { timeout: 5000, interval: 10 })
