import { expect } from 'vitest'
import { createPubSub, type PubSub, type ProviderConfig, PubSubError } from '../../src/index'
import { createHub } from '../../src/hub/index'
import { sleep } from '../helpers'

export { Collector, sleep, waitActive } from '../helpers'

/** Several tabs on one in-process hub, as they would share a SharedWorker; warnings collected. */
export function providerTabs(provider: ProviderConfig | (() => ProviderConfig), n: number) {
  const warnings: string[] = []
  const hub = createHub({ warn: m => void warnings.push(m) })
  const make = (p: ProviderConfig | (() => ProviderConfig) = provider) => {
    const client = createPubSub({ provider: typeof p === 'function' ? p() : p, hub, reconnect: { initialDelayMs: 100, maxDelayMs: 400 }, publishTimeoutMs: 15_000 })
    // A client starts on first use: watch its state, as an app showing it would.
    client.connectionState.subscribe(() => {})
    return client
  }
  const clients: PubSub[] = Array.from({ length: n }, () => make())
  /** Opens one more tab on the same hub, with this provider config (default: the same). */
  const add = (p?: ProviderConfig) => {
    const c = make(p)
    clients.push(c)
    return c
  }
  return { hub, clients, warnings, add }
}

/** Waits until `client`'s connection state is `status`; returns the state. */
export async function waitStatus(client: PubSub, status: string, timeoutMs = 8000) {
  // Watch as a UI would: a state listener starts a client that has not started yet.
  const stop = client.connectionState.subscribe(() => {})
  try {
    const until = Date.now() + timeoutMs
    while (client.connectionState.get().status !== status) {
      if (Date.now() > until) throw new Error(`Timed out waiting for ${status}; state ${JSON.stringify(client.connectionState.get(), errorJson)}`)
      await sleep(10)
    }
    return client.connectionState.get()
  } finally {
    stop()
  }
}

/** Waits until the state carries an error, and returns it. */
export async function waitError(client: PubSub, timeoutMs = 8000): Promise<PubSubError> {
  const stop = client.connectionState.subscribe(() => {})
  try {
    const until = Date.now() + timeoutMs
    for (;;) {
      const e = client.connectionState.get().error
      if (e) return e
      if (Date.now() > until) throw new Error(`Timed out waiting for an error; state ${JSON.stringify(client.connectionState.get(), errorJson)}`)
      await sleep(10)
    }
  } finally {
    stop()
  }
}

function errorJson(_k: string, v: unknown) {
  return v instanceof Error ? { name: v.name, message: v.message, code: (v as PubSubError).code } : v
}

/** Rejection of `promise` as a PubSubError. */
export async function rejection(promise: Promise<unknown>): Promise<PubSubError> {
  try {
    await promise
  } catch (e) {
    expect(e).toBeInstanceOf(PubSubError)
    return e as PubSubError
  }
  throw new Error('expected a rejection')
}

/** The error a factory throws synchronously. */
export function thrown(fn: () => unknown): PubSubError {
  try {
    fn()
  } catch (e) {
    expect(e).toBeInstanceOf(PubSubError)
    return e as PubSubError
  }
  throw new Error('expected a throw')
}

/** Fails if any text holds any secret (whole, or its URL-encoded form). */
export function expectNoSecrets(texts: string[], secrets: string[]): void {
  for (const text of texts) {
    for (const secret of secrets) {
      if (!secret) continue
      expect(text.includes(secret) || text.includes(encodeURIComponent(secret)), `a secret leaked into: ${text.slice(0, 200)}`).toBe(false)
    }
  }
}

/** Polls `predicate` until true. */
export async function until(predicate: () => boolean | Promise<boolean>, what: string, timeoutMs = 8000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`)
    await sleep(20)
  }
}
