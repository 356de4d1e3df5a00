import { PubSubError, toPubSubError } from '../errors.js'
import type { DeliveryTarget, HubApi, OpenResult, ProviderFunctions, Result, TabEvent } from '../protocol.js'
import { whenLockFree } from '../transports/locks.js'
import type { ElectionTiming } from './election.js'
import type { DiscoveryMessage, ForwardedMethod, HostMessage, RelayMessage } from './messages.js'
import type { ElectionNames } from './names.js'

export interface RelayOptions {
  names: ElectionNames
  /** The host this relay serves its tab through. */
  host: string
  /** This relay's link id (the host opened the link channel for it). */
  link: string
  /** The lock this worker holds for its tab to watch: the open result names it instead of the host's. */
  hubLock: string
  timing: ElectionTiming
  /** Called once when the host is gone (closed, crashed, replaced, or silent): the tab must move. */
  onGone(): void
}

/** The answer to an open once the host is gone: the tab watches `hubLock`, free by now, and moves at once. */
const moved = (hubLock: string): Result<OpenResult> => ({ ok: true, value: { state: { status: 'reconnecting', attempt: 0 }, clientId: '', hubLock } })

/**
 * What a worker answers once its host is gone (or, for a host, once it was replaced), so that the
 * tab's restart does the hand-over.
 */
export function goneApi(hubLock: string): HubApi {
  const never = () => new Promise<never>(() => {})
  return {
    open: async () => moved(hubLock),
    // Never answered: the tab sends them again to the new hub (an answer now would end them here).
    subscribe: never,
    publish: never,
    unsubscribe: async () => {},
    close: async () => {},
    stats: async () => {
      throw new PubSubError('WORKER_FAILED', 'The tabmq hub is moving to another tab: ask again.')
    },
  }
}

/**
 * A relay: the hub API for this worker's tab, carried to the host over their link channel. It
 * re-creates what cannot cross a BroadcastChannel: the tab's delivery port (events come back as
 * messages and go on to the port) and its provider functions (the host calls them by message).
 * It watches the host (its alive lock, its pings, announcements of a new host, a goodbye) and
 * calls `onGone` once it is gone; from then on it answers like {@link goneApi}.
 *
 * @example
 * const api = relayHub({ names, host, link, hubLock, timing, onGone: () => release() })
 */
export function relayHub(options: RelayOptions): HubApi {
  const { names, timing, hubLock } = options
  const channel = new BroadcastChannel(names.link(options.link))
  const discovery = new BroadcastChannel(names.discovery)
  const sessions = new Map<string, { target: DeliveryTarget; functions: ProviderFunctions | undefined }>()
  const pending = new Map<number, { method: ForwardedMethod | 'open'; resolve(value: unknown): void; reject(error: unknown): void }>()
  const gone = goneApi(hubLock)
  let nextId = 1
  let live = true
  let heard = Date.now()
  let ticked = Date.now()

  const post = (m: RelayMessage) => channel.postMessage(m)

  /** Sends a call to the host; once the host is gone, answers as {@link goneApi} does. */
  const call = <T>(method: ForwardedMethod | 'open', message: (id: number) => RelayMessage, fallback: () => Promise<unknown>): Promise<T> => {
    if (!live) return fallback() as Promise<T>
    const id = nextId++
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { method, resolve: resolve as (v: unknown) => void, reject })
      post(message(id))
    })
  }

  const giveUp = () => {
    if (!live) return
    live = false
    clearInterval(ticker)
    stopWatching()
    channel.close()
    discovery.close()
    // Calls in flight end as they would have on the new hub's behalf: opens say "moved", the rest wait
    // for the tab to send them again.
    for (const p of pending.values()) {
      if (p.method === 'open') p.resolve(moved(hubLock))
      else if (p.method === 'stats') void gone.stats().catch(p.reject)
      else if (p.method === 'close' || p.method === 'unsubscribe') p.resolve(undefined)
    }
    pending.clear()
    options.onGone()
  }

  channel.onmessage = (e: MessageEvent<HostMessage>) => {
    heard = Date.now()
    const m = e.data
    switch (m?.t) {
      case 'result': {
        const p = pending.get(m.id)
        pending.delete(m.id)
        if (m.error) p?.reject(PubSubError.from(m.error))
        else p?.resolve(m.value)
        return
      }
      case 'event':
        return deliver(m.session, m.event)
      case 'fn':
        return void runFunction(m.id, m.session, m.name, m.args)
      case 'bye':
        return giveUp()
    }
  }

  const deliver = (session: string, event: TabEvent) => {
    const target = sessions.get(session)?.target as (DeliveryTarget & { postMessage(event: TabEvent, transfer: Transferable[]): void }) | undefined
    if (!target) return
    // The payloads arrived as copies made for this worker: move them on rather than copy them again.
    const transfer = new Set<ArrayBuffer>()
    if (event.t === 'batch') for (const m of event.messages) if (m.payload?.buffer instanceof ArrayBuffer) transfer.add(m.payload.buffer)
    try {
      target.postMessage(event, [...transfer])
    } catch {
      // The tab is gone; its lock tells the host.
    }
  }

  const runFunction = async (id: number, session: string, name: string, args: unknown[]) => {
    try {
      const fn = sessions.get(session)?.functions?.[name] as ((...a: unknown[]) => unknown) | undefined
      if (!fn) throw new PubSubError('PROVIDER_ERROR', `This tab provides no function "${name}".`)
      post({ t: 'fn-result', id, ok: true, value: await fn(...args) })
    } catch (error) {
      if (live) post({ t: 'fn-result', id, ok: false, error: toPubSubError(error, 'PROVIDER_ERROR').toJSON() })
    }
  }

  // The host's alive lock comes free when its worker dies (tab closed or crashed) or stops serving.
  const stopWatching = whenLockFree(names.alive(options.host), giveUp)
  // A new host means ours was replaced (it stopped answering and lost its lock).
  discovery.onmessage = (e: MessageEvent<DiscoveryMessage>) => {
    if (e.data?.t === 'host' && e.data.host !== options.host) giveUp()
  }
  // A frozen host holds its locks and answers nothing: only silence gives it away.
  const ticker = setInterval(() => {
    const now = Date.now()
    // Late ourselves (this tab was frozen or throttled): the host's answers may be queued behind us.
    if (now - ticked > 2 * timing.pingMs) heard = now
    ticked = now
    if (now - heard > timing.silentMs) return giveUp()
    post({ t: 'ping' })
  }, timing.pingMs)

  const forward =
    (method: ForwardedMethod) =>
    (...args: unknown[]) =>
      call(method, id => ({ t: 'call', id, method, args }), () => (gone[method] as (...a: unknown[]) => Promise<unknown>)(...args))

  return {
    async open(request, target, functions) {
      sessions.set(request.sessionId, { target, functions })
      const result = await call<Result<OpenResult>>('open', id => ({ t: 'open', id, request, functions: functions !== undefined }), () => gone.open(request, target, functions))
      if (!result.ok) {
        sessions.delete(request.sessionId)
        return result
      }
      // The tab watches this worker's lock, not the host's: this worker frees it when the host is gone.
      return { ok: true, value: { ...result.value, hubLock } }
    },
    subscribe: forward('subscribe') as HubApi['subscribe'],
    unsubscribe: forward('unsubscribe') as HubApi['unsubscribe'],
    publish: forward('publish') as HubApi['publish'],
    close: (async (sessionId: string) => {
      await forward('close')(sessionId)
      sessions.delete(sessionId)
    }) as HubApi['close'],
    stats: forward('stats') as HubApi['stats'],
  }
}
