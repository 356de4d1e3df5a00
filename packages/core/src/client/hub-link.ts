import { PubSubError, toPubSubError } from '../errors.js'
import type { HubApi, OpenRequest, ProviderFunctions, Result, TabEvent } from '../protocol.js'
import { holdLock, whenLockFree } from '../transports/locks.js'
import { plannedTransport, selectTransport, type TransportChoice, type TransportKind } from '../transports/select-transport.js'
import type { Transport } from '../transports/transport.js'
import { withTimeout } from '../with-timeout.js'

export interface HubLinkOptions {
  transport?: TransportChoice | undefined
  worker?: (() => SharedWorker | Worker) | undefined
  hub?: HubApi | undefined
  timeoutMs: number
  request: Omit<OpenRequest, 'sessionId'>
  functions: ProviderFunctions | undefined
}

/** What the link tells its owner. */
export interface HubLinkEvents {
  /** What the current hub posts (events of a dead hub are dropped). */
  onEvent(event: TabEvent): void
  /** A session is open on a hub (its state already given to `onEvent`); `restarted` when it replaced a dead one (send again what was sent). */
  onOpen(restarted: boolean): void
  /** The hub could not be started. */
  onFail(error: PubSubError): void
}

/** The tab's link to the hub, as the client's other units use it. */
export interface HubLink {
  /** Which hub this is: each start after a dead hub is a new generation. */
  readonly generation: number
  readonly sessionId: string
  /** The transport in use, or the one a start would pick. */
  readonly kind: TransportKind
  /** Starts on first call; later calls wait for the current start. Rejects with CLOSED once closed. */
  started(): Promise<void>
  /** The current hub's API; call after `started()`. */
  api(): HubApi
  /**
   * Sends `item` to the current hub, once per hub (whoever asks first), and resolves with its
   * answer; `undefined` when the hub died first (the new hub gets it again on `onOpen`). Rejects
   * when the current hub cannot be reached.
   */
  send<T>(item: { sentIn: number }, call: (api: HubApi, sessionId: string) => Promise<T>): Promise<{ answer: T } | undefined>
  /** Leaves the hub for good. Best effort: the tab's lock tells the hub anyway. */
  close(): Promise<void>
}

export const closedError = () => new PubSubError('CLOSED', 'This tabmq client is closed: create a new one.')

export function unwrap<T>(result: Result<T>): T {
  if (result.ok) return result.value
  throw PubSubError.from(result.error)
}

/** A session id: unique among this origin's tabs (it names the tab's Web Lock), not a secret. */
const newId = (): string => Math.random().toString(36).slice(2) + Date.now().toString(36)

/**
 * The tab's link to the hub: starts it on first use, holds the tab's Web Lock, watches the hub's
 * lock and starts a new hub when it dies, says goodbye on `pagehide` and opens a new session when
 * the page comes back from the back/forward cache. A closure rather than a class: its state
 * minifies to short names, and this is code every tab loads.
 */
export function createHubLink(options: HubLinkOptions, events: HubLinkEvents): HubLink {
  let generation = 0
  let sessionId = ''
  let transport: Transport | undefined
  let ready: Promise<void> | undefined
  let closed = false
  let releaseTabLock = () => {}
  let stopWatchingHub = () => {}

  const started = () => (closed ? Promise.reject(closedError()) : (ready ?? start()))
  // Called once `started()` has resolved, so a transport exists.
  const api = (): HubApi => transport!.api

  /** Opens a session on a (new) hub. */
  async function open(): Promise<void> {
    const gen = ++generation
    const t = (transport = selectTransport(options))
    sessionId = newId()
    // The tab's lock is held before the hub hears of it: the hub waits on it to learn of our death.
    releaseTabLock()
    releaseTabLock = await holdLock(`tabmq:tab:${sessionId}`)
    let stateSeen = false
    const deliveries = t.connectDeliveries(event => {
      if (gen !== generation || closed) return
      stateSeen ||= event.t === 'state'
      events.onEvent(event)
    })
    const opening = t.api.open({ sessionId, ...options.request }, deliveries, t.wrapFunctions(options.functions))
    const opened = unwrap(await withTimeout(Promise.race([t.failed, opening]), options.timeoutMs, 'Opening the tabmq worker'))
    if (gen !== generation || closed) return
    stopWatchingHub()
    if (opened.hubLock) stopWatchingHub = whenLockFree(opened.hubLock, restart)
    // The open result's state is a snapshot; a state event that came first (on the other port) is
    // as new or newer, and must not be overwritten by it.
    if (!stateSeen) events.onEvent({ t: 'state', state: opened.state })
    events.onOpen(gen > 1)
  }

  function start(): Promise<void> {
    const opening = open()
    opening.catch(error => events.onFail(toPubSubError(error, 'WORKER_FAILED')))
    return (ready = opening)
  }

  /** The hub died (its host tab crashed) or said goodbye for us (bfcache): start a new one. */
  function restart(): void {
    if (closed) return
    transport?.dispose()
    void start()
  }

  // The fast path of tab death: a goodbye; the Web Lock catches crashes.
  const onHide = () => void (ready && !closed && transport?.api.close(sessionId).catch(() => {}))
  // Back from the back/forward cache: pagehide said goodbye, so open a new session.
  const onShow = (e: Event) => void ((e as PageTransitionEvent).persisted && ready && restart())
  const inPage = typeof addEventListener === 'function' && typeof window !== 'undefined'
  if (inPage) {
    addEventListener('pagehide', onHide)
    addEventListener('pageshow', onShow)
  }

  return {
    get generation() {
      return generation
    },
    get sessionId() {
      return sessionId
    },
    get kind() {
      return transport?.kind ?? plannedTransport(options)
    },
    started,
    api,
    async send(item, call) {
      let gen = -1
      try {
        await started()
        if (item.sentIn === generation) return
        gen = item.sentIn = generation
        const answer = await call(api(), sessionId)
        return gen === generation ? { answer } : undefined
      } catch (error) {
        if (gen === -1 || gen === generation) throw error
      }
    },
    async close() {
      if (closed) return
      closed = true
      if (inPage) {
        removeEventListener('pagehide', onHide)
        removeEventListener('pageshow', onShow)
      }
      stopWatchingHub()
      try {
        if (ready) {
          await ready
          await withTimeout(api().close(sessionId), options.timeoutMs, 'close')
        }
      } catch {
        // A hub that is gone or slow does not keep the tab from closing.
      }
      releaseTabLock()
      transport?.dispose()
    },
  }
}
