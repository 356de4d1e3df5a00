import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { act, cleanup, renderHook, waitFor } from '@testing-library/react'
import { PubSubError, type PubSub } from '@tabmq/core'
import { startTestBroker, type TestBroker } from '@tabmq/broker/testing'
import { useConnectionState, usePublish, usePubSub, useTopic } from '../src/index'
import { client, wrapper } from './helpers'

let broker: TestBroker
let pubsub: PubSub

beforeAll(async () => {
  broker = await startTestBroker('aedes')
})
beforeEach(() => {
  pubsub = client(broker)
})
afterEach(async () => {
  cleanup()
  await pubsub.close()
})
afterAll(() => broker.close())

describe('usePubSub', () => {
  it('returns the provided client', () => {
    const { result } = renderHook(() => usePubSub(), { wrapper: wrapper(pubsub) })
    expect(result.current).toBe(pubsub)
  })

  it.each([
    ['usePubSub', (): unknown => usePubSub()],
    ['useTopic', (): unknown => useTopic('a')],
    ['usePublish', (): unknown => usePublish()],
    ['useConnectionState', (): unknown => useConnectionState()],
  ])('%s without a provider says how to fix it', (_name, hook) => {
    let thrown: unknown
    try {
      renderHook(hook)
    } catch (error) {
      thrown = error
    }
    expect(thrown).toBeInstanceOf(PubSubError)
    expect((thrown as PubSubError).code).toBe('INVALID_OPTIONS')
    expect((thrown as PubSubError).message).toBe('No tabmq client: wrap the app in <PubSubProvider client={pubsub}> from @tabmq/react.')
  })
})

describe('useConnectionState', () => {
  it('follows the connection: connecting, connected, closed', async () => {
    const { result } = renderHook(() => useConnectionState(), { wrapper: wrapper(pubsub) })
    expect(['idle', 'connecting']).toContain(result.current.status)
    await waitFor(() => expect(result.current.status).toBe('connected'))
    expect(result.current.error).toBeUndefined()
    await act(() => pubsub.close())
    expect(result.current.status).toBe('closed')
  })

  it('shows why a broker cannot be reached', async () => {
    const nowhere = await startTestBroker('aedes')
    const url = nowhere.wsUrl
    await nowhere.close()
    const { createPubSub } = await import('@tabmq/core')
    const { mqttOverWs } = await import('@tabmq/core/providers')
    const { createHub } = await import('@tabmq/core/hub')
    const lost = createPubSub({ provider: mqttOverWs({ url }), hub: createHub({ warn: () => {} }), reconnect: { initialDelayMs: 5000 } })
    try {
      const { result } = renderHook(() => useConnectionState(), { wrapper: wrapper(lost) })
      await waitFor(() => expect(result.current.status).toBe('reconnecting'))
      expect(result.current.error).toBeInstanceOf(PubSubError)
      expect(result.current.error?.code).toBe('UNREACHABLE')
    } finally {
      cleanup()
      await lost.close()
    }
  })
})

describe('usePublish', () => {
  it('publishes with a pending state until the broker acknowledges', async () => {
    const { result: seen } = renderHook(() => useTopic('pub/fan', { codec: 'json' }), { wrapper: wrapper(pubsub) })
    await waitFor(() => expect(seen.current.status).toBe('active'))
    const { result } = renderHook(() => usePublish(), { wrapper: wrapper(pubsub) })
    expect(result.current.pending).toBe(false)
    let done!: Promise<void>
    act(() => {
      done = result.current.publish('pub/fan', { on: true }, { qos: 1 })
    })
    expect(result.current.pending).toBe(true)
    await act(() => done)
    expect(result.current.pending).toBe(false)
    expect(result.current.error).toBeUndefined()
    await waitFor(() => expect(seen.current.data).toEqual({ on: true }))
  })

  it('keeps the last error, rejects the promise, and clears the error on the next success', async () => {
    const { result } = renderHook(() => usePublish(), { wrapper: wrapper(pubsub) })
    let rejection: unknown
    await act(() => result.current.publish('bad/+', 'x', { qos: 1 }).catch(e => void (rejection = e)))
    expect(rejection).toBeInstanceOf(PubSubError)
    await waitFor(() => expect(result.current.error?.code).toBe('INVALID_TOPIC'))
    expect(result.current.pending).toBe(false)
    await act(() => result.current.publish('good/topic', 'x', { qos: 1 }))
    expect(result.current.error).toBeUndefined()
  })

  it('a fire-and-forget publish that fails lands in `error`, with no unhandled rejection', async () => {
    const unhandled: unknown[] = []
    const onUnhandled = (reason: unknown) => void unhandled.push(reason)
    process.on('unhandledRejection', onUnhandled)
    try {
      const { result } = renderHook(() => usePublish(), { wrapper: wrapper(pubsub) })
      act(() => {
        void result.current.publish('bad/#', 'x')
      })
      await waitFor(() => expect(result.current.error?.code).toBe('INVALID_TOPIC'))
      await new Promise(r => setTimeout(r, 50))
      expect(unhandled).toEqual([])
      act(() => result.current.reset())
      expect(result.current.error).toBeUndefined()
    } finally {
      process.off('unhandledRejection', onUnhandled)
    }
  })

  it('keeps a stable publish function across renders', () => {
    const { result, rerender } = renderHook(() => usePublish(), { wrapper: wrapper(pubsub) })
    const first = result.current.publish
    rerender()
    expect(result.current.publish).toBe(first)
  })
})
