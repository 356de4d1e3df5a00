import { StrictMode } from 'react'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { act, cleanup, render, renderHook, screen, waitFor } from '@testing-library/react'
import { PubSubError, type Message, type PubSub } from '@tabmq/core'
import { brokerHas, brokerLacks, hubFilters, sleep, startTestBroker, type TestBroker, unsubscribeCount } from '@tabmq/broker/testing'
import { PubSubProvider, useTopic } from '../src/index'
import { client, wrapper } from './helpers'

let broker: TestBroker
let outside: PubSub
let pubsub: PubSub

beforeAll(async () => {
  broker = await startTestBroker('aedes')
  outside = client(broker)
})
beforeEach(() => {
  pubsub = client(broker)
})
afterEach(async () => {
  cleanup()
  await pubsub.close()
})
afterAll(async () => {
  await outside.close()
  await broker.close()
})

describe('useTopic', () => {
  it('gives the retained message, then live ones, with the status going pending → active', async () => {
    await outside.publish('status/d1', { online: true }, { qos: 1, retain: true })
    const { result } = renderHook(() => useTopic<{ online: boolean }>('status/d1'), { wrapper: wrapper(pubsub) })
    expect(result.current.status).toBe('pending')
    expect(result.current.data).toBeUndefined()
    await waitFor(() => expect(result.current.data).toEqual({ online: true }))
    expect(result.current.message?.retain).toBe(true)
    expect(result.current.message?.topic).toBe('status/d1')
    await waitFor(() => expect(result.current.status).toBe('active'))
    await outside.publish('status/d1', { online: false }, { qos: 1, retain: true })
    await waitFor(() => expect(result.current.data).toEqual({ online: false }))
    expect(result.current.messages).toEqual([]) // keep defaults to 0
    expect(result.current.error).toBeUndefined()
    await outside.publish('status/d1', '', { qos: 1, retain: true })
  })

  it('keeps the last `keep` messages, oldest first', async () => {
    const { result } = renderHook(() => useTopic<number>('keep/+', { keep: 3, codec: 'json' }), { wrapper: wrapper(pubsub) })
    await waitFor(() => expect(result.current.status).toBe('active'))
    for (let i = 1; i <= 5; i++) await outside.publish(`keep/${i}`, i, { qos: 1 })
    await waitFor(() => expect(result.current.data).toBe(5))
    expect(result.current.messages.map(m => m.data)).toEqual([3, 4, 5])
    expect(result.current.messages.map(m => m.topic)).toEqual(['keep/3', 'keep/4', 'keep/5'])
  })

  it('changing the filter swaps the subscription: the new one first, no gap on a shared filter, the old one released', async () => {
    const { result, rerender } = renderHook(({ filters }) => useTopic(filters), { wrapper: wrapper(pubsub), initialProps: { filters: ['swap/a', 'swap/b'] } })
    await waitFor(() => expect(result.current.status).toBe('active'))
    await brokerHas(broker, 'swap/b')
    rerender({ filters: ['swap/a', 'swap/c'] })
    expect(result.current.status).toBe('pending')
    expect(result.current.data).toBeUndefined()
    await waitFor(() => expect(result.current.status).toBe('active'))
    await brokerHas(broker, 'swap/c')
    await brokerLacks(broker, 'swap/b')
    // swap/a was wanted by both subscriptions: it never left the broker.
    expect(unsubscribeCount(broker, 'swap/a')).toBe(0)
    expect(broker.subscriptions().some(s => s.filter === 'swap/a')).toBe(true)
    expect(await hubFilters(pubsub)).toEqual([
      { filter: 'swap/a', refs: 1 },
      { filter: 'swap/c', refs: 1 },
    ])
    await outside.publish('swap/b', 'old', { qos: 1 })
    await outside.publish('swap/a', 'shared', { qos: 1 })
    await waitFor(() => expect(result.current.data).toBe('shared'))
    await outside.publish('swap/c', 'new', { qos: 1 })
    await waitFor(() => expect(result.current.data).toBe('new'))
  })

  it('an inline array with the same filters does not resubscribe', async () => {
    const { result, rerender } = renderHook(() => useTopic(['same/a', 'same/b']), { wrapper: wrapper(pubsub) })
    await waitFor(() => expect(result.current.status).toBe('active'))
    rerender()
    rerender()
    expect(result.current.status).toBe('active')
    await sleep(50)
    expect(broker.subscribeCount('same/a')).toBe(1)
    expect(await hubFilters(pubsub)).toEqual([
      { filter: 'same/a', refs: 1 },
      { filter: 'same/b', refs: 1 },
    ])
  })

  it('unmounting unsubscribes at the hub and at the broker', async () => {
    const { result, unmount } = renderHook(() => useTopic('unmount/#'), { wrapper: wrapper(pubsub) })
    await waitFor(() => expect(result.current.status).toBe('active'))
    await brokerHas(broker, 'unmount/#')
    unmount()
    await brokerLacks(broker, 'unmount/#')
    expect(await hubFilters(pubsub)).toEqual([])
  })

  it("survives StrictMode's double mount: the broker sees one SUBSCRIBE and the hub one observer", async () => {
    const subscribe = vi.spyOn(pubsub, 'subscribe')
    let renders = 0
    const { result, unmount } = renderHook(() => (renders++, useTopic('strict/x')), { wrapper: wrapper(pubsub, true) })
    await waitFor(() => expect(result.current.status).toBe('active'))
    await sleep(100)
    expect(broker.subscribeCount('strict/x')).toBe(1)
    expect(unsubscribeCount(broker, 'strict/x')).toBe(0)
    expect(await hubFilters(pubsub)).toEqual([{ filter: 'strict/x', refs: 1 }])
    // StrictMode did double-render and re-run the effects, and the hook reused its one subscription.
    expect(renders).toBeGreaterThanOrEqual(2)
    expect(subscribe).toHaveBeenCalledTimes(1)
    await outside.publish('strict/x', 'hello', { qos: 1 })
    await waitFor(() => expect(result.current.data).toBe('hello'))
    unmount()
    await brokerLacks(broker, 'strict/x')
  })

  it('a bad filter fails that hook alone with a PubSubError', async () => {
    const { result } = renderHook(() => ({ good: useTopic('good/x'), bad: useTopic('bad/#/x') }), { wrapper: wrapper(pubsub) })
    await waitFor(() => expect(result.current.bad.status).toBe('error'))
    expect(result.current.bad.error).toBeInstanceOf(PubSubError)
    expect(result.current.bad.error?.code).toBe('INVALID_FILTER')
    expect(result.current.bad.error?.message).toMatch(/#/)
    await waitFor(() => expect(result.current.good.status).toBe('active'))
    await outside.publish('good/x', 1, { qos: 1 })
    await waitFor(() => expect(result.current.good.data).toBe(1))
    expect(result.current.good.error).toBeUndefined()
  })

  it('a subscription the broker refuses reports it', async () => {
    const guarded = await startTestBroker('aedes', { denySubscribe: ['secret/#'] })
    const guardedClient = client(guarded)
    try {
      const { result } = renderHook(() => useTopic('secret/plans'), { wrapper: wrapper(guardedClient) })
      await waitFor(() => expect(result.current.status).toBe('error'))
      expect(result.current.error?.code).toMatch(/SUBSCRIBE_REFUSED|NOT_AUTHORIZED/)
      expect(result.current.error?.message).toContain('secret/plans')
    } finally {
      cleanup()
      await guardedClient.close()
      await guarded.close()
    }
  })

  it('enabled: false holds the subscription back until it turns true', async () => {
    const { result, rerender } = renderHook(({ enabled }) => useTopic('later/x', { enabled }), { wrapper: wrapper(pubsub), initialProps: { enabled: false } })
    expect(result.current.status).toBe('idle')
    await sleep(100)
    expect(broker.subscribeCount('later/x')).toBe(0)
    rerender({ enabled: true })
    await waitFor(() => expect(result.current.status).toBe('active'))
    rerender({ enabled: false })
    expect(result.current.status).toBe('idle')
    await brokerLacks(broker, 'later/x')
  })

  it('a fast topic re-renders once a frame, not once a message; onMessage sees every message', async () => {
    const N = 300
    const renders = { state: 0, callback: 0 }
    const seen: Message[] = []
    function Latest() {
      renders.state++
      const { data, messages, status } = useTopic<number>('burst/x', { keep: 5 })
      return <p data-testid="latest" data-status={status} data-kept={messages.map(m => m.data).join(',')}>{data ?? '-'}</p>
    }
    function Every() {
      renders.callback++
      const { status } = useTopic<number>('burst/x', { onMessage: m => void seen.push(m) })
      return <p data-testid="every">{status}</p>
    }
    render(
      <PubSubProvider client={pubsub}>
        <Latest />
        <Every />
      </PubSubProvider>,
    )
    await waitFor(() => expect(screen.getByTestId('every').textContent).toBe('active'))
    await waitFor(() => expect(screen.getByTestId('latest').dataset.status).toBe('active'))
    const before = { ...renders }
    await Promise.all(Array.from({ length: N }, (_, i) => outside.publish('burst/x', i, { qos: 1 })))
    await waitFor(() => expect(screen.getByTestId('latest').textContent).toBe(String(N - 1)))
    await waitFor(() => expect(seen).toHaveLength(N))
    expect(seen.map(m => m.data)).toEqual(Array.from({ length: N }, (_, i) => i))
    expect(screen.getByTestId('latest').dataset.kept).toBe([N - 5, N - 4, N - 3, N - 2, N - 1].join(','))
    expect(renders.state - before.state).toBeLessThan(N / 10)
    expect(renders.callback - before.callback).toBe(0)
  })

  it('the hook reads the latest onMessage without resubscribing', async () => {
    const got: string[] = []
    const { rerender, result } = renderHook(({ tag }) => useTopic('cb/x', { onMessage: m => void got.push(`${tag}:${String(m.data)}`) }), {
      wrapper: wrapper(pubsub),
      initialProps: { tag: 'first' },
    })
    await waitFor(() => expect(result.current.status).toBe('active'))
    rerender({ tag: 'second' })
    await outside.publish('cb/x', 'm', { qos: 1 })
    await waitFor(() => expect(got).toEqual(['second:m']))
    expect(broker.subscribeCount('cb/x')).toBe(1)
  })

  it("closing the client ends the hook's subscription with status closed", async () => {
    const { result } = renderHook(() => useTopic('closing/x'), { wrapper: wrapper(pubsub) })
    await waitFor(() => expect(result.current.status).toBe('active'))
    await act(() => pubsub.close())
    expect(result.current.status).toBe('closed')
  })

  it('renders under StrictMode without double-counting messages or double-subscribing', async () => {
    let count = 0
    function Counter() {
      useTopic<number>('strict/count', { onMessage: () => void count++ })
      return null
    }
    render(
      <StrictMode>
        <PubSubProvider client={pubsub}>
          <Counter />
        </PubSubProvider>
      </StrictMode>,
    )
    await brokerHas(broker, 'strict/count')
    await sleep(50)
    await outside.publish('strict/count', 1, { qos: 1 })
    await outside.publish('strict/count', 2, { qos: 1 })
    await waitFor(() => expect(count).toBe(2))
    await sleep(100)
    expect(count).toBe(2)
    // StrictMode's mount, unmount, mount cost the broker one SUBSCRIBE and no UNSUBSCRIBE.
    expect(broker.subscribeCount('strict/count')).toBe(1)
    expect(unsubscribeCount(broker, 'strict/count')).toBe(0)
  })
})
