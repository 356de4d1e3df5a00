/**
 * The relay and its host, over real BroadcastChannels (Node has them; it has no Web Locks, so
 * the lock watches are off here and the browser tests cover them): what a relayed tab's calls,
 * deliveries and provider functions become, and when a relay gives its host up.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { PubSubError } from '../../../src/errors'
import type { DeliveryTarget, HubApi, OpenRequest, ProviderFunctions, TabEvent } from '../../../src/protocol'
import type { ElectionTiming } from '../../../src/worker/election'
import { serveRelays } from '../../../src/worker/host-links'
import type { DiscoveryMessage } from '../../../src/worker/messages'
import { electionNames, randomId } from '../../../src/worker/names'
import { relayHub } from '../../../src/worker/relay'
import { sleep } from '../../helpers'

const timing: ElectionTiming = { answerMs: 200, pingMs: 20, silentMs: 150, electWaitMs: 1000 }
const request = (sessionId: string): OpenRequest => ({ sessionId, provider: { kind: 'mqtt', options: {} } })

/** A hub that records calls; `open` keeps the target and functions it was given. */
function recordingHub() {
  const calls: string[] = []
  const opened: Array<{ target: DeliveryTarget; functions: ProviderFunctions | undefined }> = []
  const hub: HubApi = {
    async open(req, target, functions) {
      calls.push(`open ${req.sessionId}`)
      opened.push({ target, functions })
      return { ok: true, value: { state: { status: 'connected', attempt: 0 }, clientId: 'tabmq_x', hubLock: 'host-lock' } }
    },
    async subscribe(...args) {
      calls.push(`subscribe ${JSON.stringify(args)}`)
      return { ok: true, value: null }
    },
    async unsubscribe(sessionId, subId) {
      calls.push(`unsubscribe ${sessionId} ${subId}`)
    },
    async publish(sessionId, topics, payload, options, ref) {
      calls.push(`publish ${sessionId} ${topics} ${String(payload)} ${options.qos} ${ref}`)
      return { ok: true, value: null }
    },
    async close(sessionId) {
      calls.push(`close ${sessionId}`)
    },
    async stats() {
      throw new PubSubError('INTERNAL', 'stats broke')
    },
  }
  return { hub, calls, opened }
}

const closers: Array<() => void> = []
afterEach(() => {
  for (const close of closers.splice(0)) close()
})

/** A host serving `hub`, and a relay linked to it as the election would link it. */
async function linked(hub: HubApi) {
  const names = electionNames('/tabmq.worker.js', `test-${randomId()}`)
  const hostId = randomId()
  const host = serveRelays(names, hostId, hub)
  closers.push(() => host.stop())
  const link = randomId()
  // The candidate's question: the host opens the link before it answers.
  const discovery = new BroadcastChannel(names.discovery)
  closers.push(() => discovery.close())
  const answered = new Promise<void>(resolve => {
    discovery.onmessage = (e: MessageEvent<DiscoveryMessage>) => void (e.data.t === 'here' && e.data.link === link && resolve())
  })
  discovery.postMessage({ t: 'where', link } satisfies DiscoveryMessage)
  await answered
  const gone: string[] = []
  const relay = relayHub({ names, host: hostId, link, hubLock: 'relay-lock', timing, onGone: () => void gone.push('gone') })
  return { names, host, relay, gone, discovery }
}

describe('relay and host over BroadcastChannel', () => {
  it('a relayed open reaches the hub with a delivery target and provider functions that work across; the tab watches the relay’s lock', async () => {
    const { hub, calls, opened } = recordingHub()
    const { relay } = await linked(hub)
    const { port1, port2 } = new MessageChannel()
    closers.push(() => port1.close())
    const events: TabEvent[] = []
    port1.onmessage = e => void events.push(e.data)
    const functions = { getToken: async (scope: string) => `token for ${scope}` }
    const result = await relay.open(request('s1'), port2 as unknown as DeliveryTarget, functions as unknown as ProviderFunctions)
    expect(result).toEqual({ ok: true, value: { state: { status: 'connected', attempt: 0 }, clientId: 'tabmq_x', hubLock: 'relay-lock' } })
    expect(calls).toEqual(['open s1'])

    // The hub posts to the relayed tab: the event crosses the link and goes on to the tab's port.
    const payload = new TextEncoder().encode('hi')
    opened[0]!.target.postMessage({ t: 'batch', messages: [{ s: [1], topic: 'a/b', payload, qos: 1, retain: false, d: { auto: 'hi' } }] })
    opened[0]!.target.postMessage({ t: 'state', state: { status: 'reconnecting', attempt: 2 } })
    await until(() => events.length === 2)
    expect(events[0]).toMatchObject({ t: 'batch', messages: [{ topic: 'a/b', d: { auto: 'hi' } }] })
    expect(new TextDecoder().decode((events[0] as { messages: Array<{ payload: Uint8Array }> }).messages[0]!.payload)).toBe('hi')
    expect(events[1]).toEqual({ t: 'state', state: { status: 'reconnecting', attempt: 2 } })

    // The hub calls the tab's provider function (credentials) by message.
    const fn = opened[0]!.functions!.getToken as (scope: string) => Promise<string>
    expect(await fn('iot')).toBe('token for iot')
    await expect((opened[0]!.functions!.missing as () => Promise<unknown>)()).rejects.toMatchObject({ code: 'PROVIDER_ERROR' })
    // Like a Comlink proxy, but not a thenable.
    expect((opened[0]!.functions as { then?: unknown }).then).toBeUndefined()
  })

  it('calls are forwarded as they are; an error thrown by the hub comes back as a PubSubError with its code', async () => {
    const { hub, calls } = recordingHub()
    const { relay } = await linked(hub)
    expect(await relay.subscribe('s1', 3, ['a/#'], 1, 'json')).toEqual({ ok: true, value: null })
    expect(await relay.publish('s1', ['a/b'], 'text', { qos: 2 }, 'ref1')).toEqual({ ok: true, value: null })
    await relay.unsubscribe('s1', 3)
    await expect(relay.stats()).rejects.toMatchObject({ name: 'PubSubError', code: 'INTERNAL', message: 'stats broke' })
    await relay.close('s1')
    expect(calls).toEqual(['subscribe ["s1",3,["a/#"],1,"json"]', 'publish s1 a/b text 2 ref1', 'unsubscribe s1 3', 'close s1'])
  })

  it('a host that says goodbye is gone: a call in flight is left for the tab to send again, an open says "moved", stats ask to retry', async () => {
    let release!: () => void
    const { hub } = recordingHub()
    hub.publish = () => new Promise(r => void (release = () => r({ ok: true, value: null })))
    const { relay, host, gone } = await linked(hub)
    let settled = false
    void relay.publish('s1', ['a'], 'x', { qos: 1 }).then(() => void (settled = true))
    await sleep(20)
    host.stop()
    await until(() => gone.length === 1)
    release()
    await sleep(30)
    expect(settled).toBe(false)
    expect(await relay.open(request('s2'), {} as DeliveryTarget)).toEqual({ ok: true, value: { state: { status: 'reconnecting', attempt: 0 }, clientId: '', hubLock: 'relay-lock' } })
    await expect(relay.stats()).rejects.toMatchObject({ code: 'WORKER_FAILED' })
    expect(gone).toEqual(['gone'])
  })

  it('a host that falls silent (frozen) is given up after silentMs; one that answers pings is kept', async () => {
    const { hub } = recordingHub()
    const kept = await linked(hub)
    await sleep(timing.silentMs * 3)
    expect(kept.gone).toEqual([])
    // A host whose link goes quiet: its channel closed without a goodbye, as a frozen worker answers nothing.
    const names = electionNames('/tabmq.worker.js', `test-${randomId()}`)
    const link = randomId()
    const silent = new BroadcastChannel(names.link(link))
    closers.push(() => silent.close())
    const gone: string[] = []
    relayHub({ names, host: 'frozen', link, hubLock: 'l', timing, onGone: () => void gone.push('gone') })
    await until(() => gone.length === 1, timing.silentMs * 10)
  })

  it('a new host announcing itself means this relay’s host was replaced', async () => {
    const { hub } = recordingHub()
    const { gone, discovery } = await linked(hub)
    discovery.postMessage({ t: 'host', host: 'someone-else' } satisfies DiscoveryMessage)
    await until(() => gone.length === 1)
  })
})

async function until(predicate: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('timed out')
    await sleep(5)
  }
}
