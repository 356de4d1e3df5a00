import { PubSubError, toPubSubError } from '../errors.js'
import type { HubApi, OpenRequest, OpenResult, ProviderFunctions, Result, TabEvent } from '../protocol.js'
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

/** What the link tells its owner. `gen` tells events of a dead hub from the current one's. */
export interface HubLinkEvents {
  onEvent(event: TabEvent): void
  /** A session is open on a hub; `restarted` when it replaced a dead one (restore what was sent). */
  onOpen(opened: OpenResult, restarted: boolean): void
  /** The hub could not be started. */
  onFail(error: PubSubError): void
}

function newId(): string {
  const b = new Uint8Array(9)
  crypto.getRandomValues(b)
  return Array.from(b, x => x.toString(16).padStart(2, '0')).join('')
}

export function unwrap<T>(result: Result<T>): T {
  if (result.ok) return result.value
  throw PubSubError.from(result.error)
}

/**
 * The tab's link to the hub: starts it on first use, holds the tab's Web Lock, watches the hub's
 * lock and starts a new hub when it dies, says goodbye on `pagehide` and opens a new session when
 * the page comes back from the back/forward cache. Each hub it starts is a new `generation`.
 */
export class HubLink {
  generation = 0
  sessionId = ''
  private transport: Transport | undefined
  private ready: Promise<void> | undefined
  private closed = false
  private releaseTabLock: () => void = () => {}
  private stopWatchingHub: () => void = () => {}
  private readonly removePageListeners: () => void

  constructor(
    private readonly options: HubLinkOptions,
    private readonly events: HubLinkEvents,
  ) {
    this.removePageListeners = this.listenToPage()
  }

  /** The transport in use, or the one a start would pick. */
  get kind(): TransportKind {
    return this.transport?.kind ?? plannedTransport(this.options)
  }

  get isStarted(): boolean {
    return this.ready !== undefined
  }

  /** Starts on first call; later calls wait for the current start. */
  started(): Promise<void> {
    if (this.closed) return Promise.reject(new PubSubError('CLOSED', 'This tabmq client is closed: create a new one with createPubSub().'))
    if (!this.ready) this.ready = this.start()
    return this.ready
  }

  /** The current hub's API; call after `started()`. */
  api(): HubApi {
    if (!this.transport) throw new PubSubError('WORKER_FAILED', 'The tabmq worker did not start.')
    return this.transport.api
  }

  /** Leaves the hub for good. Best effort: the tab's lock tells the hub anyway. */
  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    this.removePageListeners()
    this.stopWatchingHub()
    try {
      if (this.ready) {
        await this.ready
        await withTimeout(this.api().close(this.sessionId), this.options.timeoutMs, 'close')
      }
    } catch {
      // A hub that is gone or slow does not keep the tab from closing.
    }
    this.releaseTabLock()
    this.transport?.dispose()
  }

  private start(): Promise<void> {
    const started = this.open()
    started.catch(error => this.events.onFail(toPubSubError(error, 'WORKER_FAILED')))
    return started
  }

  /** Opens a session on a (new) hub. */
  private async open(): Promise<void> {
    const gen = ++this.generation
    const transport = (this.transport = selectTransport(this.options))
    this.sessionId = newId()
    // The tab's lock is held before the hub hears of it: the hub waits on it to learn of our death.
    this.releaseTabLock()
    this.releaseTabLock = await holdLock(`tabmq:tab:${this.sessionId}`)
    const deliveries = transport.connectDeliveries(event => {
      if (gen === this.generation && !this.closed) this.events.onEvent(event)
    })
    const request: OpenRequest = { sessionId: this.sessionId, ...this.options.request }
    const opened = unwrap(await withTimeout(transport.api.open(request, deliveries, transport.wrapFunctions(this.options.functions)), this.options.timeoutMs, 'Opening the tabmq worker'))
    if (gen !== this.generation || this.closed) return
    this.stopWatchingHub()
    if (opened.hubLock) this.stopWatchingHub = whenLockFree(opened.hubLock, () => this.restart())
    this.events.onOpen(opened, gen > 1)
  }

  /** The hub died (its host tab crashed) or said goodbye for us (bfcache): start a new one. */
  private restart(): void {
    if (this.closed) return
    this.transport?.dispose()
    this.ready = this.start()
  }

  private listenToPage(): () => void {
    if (typeof addEventListener !== 'function' || typeof window === 'undefined') return () => {}
    // The fast path of tab death: a goodbye; the Web Lock catches crashes.
    const onHide = () => {
      if (this.ready && !this.closed) void this.transport?.api.close(this.sessionId).catch(() => {})
    }
    // Back from the back/forward cache: pagehide said goodbye, so open a new session.
    const onShow = (e: Event) => {
      if ((e as PageTransitionEvent).persisted && this.ready) this.restart()
    }
    addEventListener('pagehide', onHide)
    addEventListener('pageshow', onShow)
    return () => {
      removeEventListener('pagehide', onHide)
      removeEventListener('pageshow', onShow)
    }
  }
}
