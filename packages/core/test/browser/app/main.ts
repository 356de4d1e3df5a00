/**
 * The browser test fixture: a tiny app that uses @tabmq/core as any Vite app would, and exposes a
 * test API on `window.tabmq` that the Playwright tests drive with `page.evaluate`.
 *
 * Query string:
 *   broker  ws:// URL of the broker (required)
 *   v       MQTT protocol version, 4 (default) or 5
 *   worker  default (no `worker` option: the package's own worker, bundled by Vite),
 *           owned (the app's one-line worker file), prebuilt (dist/tabmq.worker.js copied as an asset)
 *   clientId  a fixed client id; clean=0 a persistent session
 *   persist   1: offline.persist (the durable outbox); maxSize: offline.maxSize
 */
import { createPubSub, PubSubError, type CreatePubSubOptions, type Message, type QoS } from '@tabmq/core'
import { mqttOverWs } from '@tabmq/core/providers'

export interface Received {
  sub: number
  topic: string
  data: unknown
  retain: boolean
  qos: number
  /** Epoch ms when the page got it. */
  at: number
}

export interface ErrorInfo {
  name: string
  code: string | undefined
  message: string
  isPubSubError: boolean
}

export interface TestApi {
  transport(): string
  state(): { status: string; attempt: number; error?: string | undefined }
  /** Subscribes; messages go to `window.received`, the status to `window.subStatus[id]`. Returns the id. */
  subscribe(filters: string | string[], options?: { qos?: number }): number
  unsubscribe(id: number): void
  publish(topic: string | string[], payload: unknown, options?: { qos?: number; retain?: boolean }): Promise<{ ok: true } | ({ ok: false } & ErrorInfo)>
  stats(): ReturnType<ReturnType<typeof createPubSub>['getStats']>
  close(): Promise<void>
}

declare global {
  interface Window {
    tabmq: TestApi
    received: Received[]
    subStatus: Record<number, { status: string; error?: ErrorInfo }>
    states: Array<{ status: string; at: number }>
    fixtureError?: string
  }
}

function errorInfo(error: unknown): ErrorInfo {
  const e = error as { name?: string; code?: string; message?: string }
  return { name: String(e?.name), code: e?.code, message: String(e?.message ?? error), isPubSubError: error instanceof PubSubError }
}

const params = new URLSearchParams(location.search)
const url = params.get('broker') ?? ''
const protocolVersion = (Number(params.get('v') ?? 4) === 5 ? 5 : 4) as 4 | 5
const workerKind = params.get('worker') ?? 'default'

window.received = []
window.subStatus = {}
window.states = []

try {
  const clientId = params.get('clientId') ?? undefined
  const clean = params.get('clean') !== '0'
  const maxSize = params.has('maxSize') ? Number(params.get('maxSize')) : undefined
  const options: CreatePubSubOptions = {
    provider: mqttOverWs({ url, protocolVersion, clean, ...(clientId ? { clientId } : {}) }),
    reconnect: { initialDelayMs: 100, maxDelayMs: 1000 },
    timeoutMs: 5000,
    offline: { persist: params.get('persist') === '1', ...(maxSize !== undefined ? { maxSize } : {}) },
  }
  if (workerKind === 'owned') {
    // What an app writes to own its worker file (the bundler sees it in the app's code).
    options.worker = () => new SharedWorker(new URL('./tabmq.worker.ts', import.meta.url), { type: 'module' })
  } else if (workerKind === 'prebuilt') {
    // The prebuilt bundle, copied to the app's public folder as it is.
    options.worker = () => new SharedWorker('/tabmq.worker.js', { type: 'module', name: 'tabmq-prebuilt' })
  }
  const pubsub = createPubSub(options)
  pubsub.connectionState.subscribe(s => void window.states.push({ status: s.status, at: Date.now() }))

  let nextId = 1
  const subscriptions = new Map<number, { unsubscribe(): void }>()

  window.tabmq = {
    transport: () => pubsub.transport,
    state() {
      const s = pubsub.connectionState.get()
      return { status: s.status, attempt: s.attempt, error: s.error?.message }
    },
    subscribe(filters, options = {}) {
      const id = nextId++
      window.subStatus[id] = { status: 'pending' }
      const sub = pubsub
        .subscribe(filters, {
          qos: options.qos as QoS,
          onStatus: s => void (window.subStatus[id] = s.status === 'error' ? { status: 'error', error: errorInfo(s.error) } : { status: s.status }),
        })
        .subscribe({
          next: (m: Message) => void window.received.push({ sub: id, topic: m.topic, data: m.data, retain: m.retain, qos: m.qos, at: Date.now() }),
          error: (e: unknown) => void (window.subStatus[id] = { status: 'error', error: errorInfo(e) }),
          complete: () => void (window.subStatus[id] = { status: 'complete' }),
        })
      subscriptions.set(id, sub)
      return id
    },
    unsubscribe(id) {
      subscriptions.get(id)?.unsubscribe()
      subscriptions.delete(id)
    },
    async publish(topic, payload, options = {}) {
      try {
        await pubsub.publish(topic, payload as never, options as never)
        return { ok: true }
      } catch (error) {
        return { ok: false, ...errorInfo(error) }
      }
    },
    stats: () => pubsub.getStats(),
    close: () => pubsub.close(),
  }
} catch (error) {
  window.fixtureError = String((error as Error)?.stack ?? error)
}
