import { PubSubError, toPubSubError } from '../errors.js'
import type { DeliveryTarget, HubApi, ProviderFunctions } from '../protocol.js'
import { whenLockFree } from '../transports/locks.js'
import type { DiscoveryMessage, HostMessage, RelayMessage } from './messages.js'
import type { ElectionNames } from './names.js'

/** The host's side of its relays. */
export interface HostLinks {
  /** Says goodbye on every link (their tabs move to the new host) and stops answering. */
  stop(): void
}

/**
 * Serves relays: answers candidates on the discovery channel, opens one BroadcastChannel per relay
 * and runs the relay's calls on `api` as if its tab had called. For the hub, a relayed session is
 * like any other: its delivery target posts on the link, its provider functions call back over it,
 * and its tab's lock ends it.
 *
 * @example
 * const links = serveRelays(names, hostId, serveHub(hub, ready, 'elected'))
 * hostLock.lost.then(() => links.stop())
 */
export function serveRelays(names: ElectionNames, hostId: string, api: HubApi): HostLinks {
  const discovery = new BroadcastChannel(names.discovery)
  const links = new Map<string, () => void>()

  discovery.onmessage = (e: MessageEvent<DiscoveryMessage>) => {
    const m = e.data
    if (m?.t !== 'where' || typeof m.link !== 'string') return
    // The link is open before the answer goes: the relay's first message must find it.
    if (!links.has(m.link)) links.set(m.link, openLink(names, m.link, api, () => links.delete(m.link)))
    discovery.postMessage({ t: 'here', host: hostId, link: m.link } satisfies DiscoveryMessage)
  }
  // Relays of a host this one replaced hear it and move their tabs here.
  discovery.postMessage({ t: 'host', host: hostId } satisfies DiscoveryMessage)

  return {
    stop() {
      discovery.close()
      for (const close of [...links.values()]) close()
    },
  }
}

/** One relay's link; returns its close function (which says goodbye). */
function openLink(names: ElectionNames, link: string, api: HubApi, onClosed: () => void): () => void {
  const channel = new BroadcastChannel(names.link(link))
  const sessions = new Set<string>()
  const calls = new Map<number, { resolve(value: unknown): void; reject(error: unknown): void }>()
  let nextCall = 1
  let open = true
  const post = (m: HostMessage) => {
    if (open) channel.postMessage(m)
  }

  /** The tab's provider functions, called over the link (the relay calls them in its tab). */
  const remoteFunctions = (session: string): ProviderFunctions =>
    new Proxy({} as ProviderFunctions, {
      // Like a Comlink proxy, any name looks present; 'then' must not, or awaiting the object would hang.
      get: (_, name) =>
        typeof name !== 'string' || name === 'then'
          ? undefined
          : (...args: unknown[]) =>
              new Promise((resolve, reject) => {
                const id = nextCall++
                calls.set(id, { resolve, reject })
                post({ t: 'fn', id, session, name, args })
              }),
    })

  const answer = async (id: number, run: () => Promise<unknown>) => {
    try {
      post({ t: 'result', id, value: await run() })
    } catch (error) {
      post({ t: 'result', id, value: undefined, error: toPubSubError(error, 'INTERNAL').toJSON() })
    }
  }

  channel.onmessage = (e: MessageEvent<RelayMessage>) => {
    const m = e.data
    switch (m?.t) {
      case 'ping':
        return post({ t: 'pong' })
      case 'open': {
        const session = m.request.sessionId
        sessions.add(session)
        const target: DeliveryTarget = { postMessage: event => post({ t: 'event', session, event }) }
        return void answer(m.id, () => api.open(m.request, target, m.functions ? remoteFunctions(session) : undefined))
      }
      case 'call': {
        const method = api[m.method] as ((...args: unknown[]) => Promise<unknown>) | undefined
        if (m.method === 'close') sessions.delete(m.args[0] as string)
        return void answer(m.id, () => (method ? method.apply(api, m.args) : Promise.reject(new PubSubError('INTERNAL', `No hub method ${String(m.method)}.`))))
      }
      case 'fn-result': {
        const call = calls.get(m.id)
        calls.delete(m.id)
        if (m.ok) call?.resolve(m.value)
        else call?.reject(PubSubError.from(m.error))
        return
      }
    }
  }

  const close = () => {
    if (!open) return
    post({ t: 'bye' })
    open = false
    channel.close()
    stopWatching()
    onClosed()
    for (const call of calls.values()) call.reject(new PubSubError('PROVIDER_ERROR', 'The tab that provides this function is gone.'))
    calls.clear()
    // Their tabs' locks end these sessions too; this is the fast path.
    for (const session of sessions) void api.close(session)
  }
  // The relay holds this lock for its life: free means its worker is gone (its tab closed or moved).
  const stopWatching = whenLockFree(names.relay(link), close)
  return close
}
