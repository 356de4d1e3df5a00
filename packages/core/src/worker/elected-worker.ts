import { createHub } from '../hub/index.js'
import type { HubApi } from '../protocol.js'
import { webLocks } from '../transports/locks.js'
import { ELECTION_TIMING, type ElectionTiming, elect } from './election.js'
import { serveRelays } from './host-links.js'
import { electionNames, randomId } from './names.js'
import { goneApi, relayHub } from './relay.js'
import { serveHub } from './serve-hub.js'
import { type HeldLock, takeLock } from './take-lock.js'

export interface ElectedWorkerOptions {
  /** The worker script's path and name: workers of the same script and name elect one host, as they would share a SharedWorker. */
  scriptPath: string
  workerName: string
  /** Ends this worker (`self.close`): a replaced host stops serving at once, its broker connections with it. */
  terminate(): void
  timing?: ElectionTiming
}

/**
 * The hub API of a dedicated worker (where SharedWorker is missing). The dedicated workers of an
 * origin elect one host with Web Locks: the host runs the hub, so every tab shares its broker
 * connections; the others relay their tab's calls to it over a BroadcastChannel. A relay answers
 * its tab's open with a lock of its own, which it frees when the host is gone, so the tab's restart
 * (a new worker, subscriptions and unacknowledged publishes sent again) does the hand-over.
 * Without Web Locks or BroadcastChannel the worker runs a hub of its own, as before.
 *
 * @example
 * Comlink.expose(electedWorker({ scriptPath: location.pathname, workerName: self.name, terminate: () => self.close() }), self)
 */
export function electedWorker(options: ElectedWorkerOptions): HubApi {
  const locks = webLocks()
  if (!locks || typeof BroadcastChannel !== 'function') return serveHub(createHub({ hubLock: null, transport: 'dedicated' }), Promise.resolve())
  const timing = options.timing ?? ELECTION_TIMING
  const names = electionNames(options.scriptPath, options.workerName)
  const hubLock = `tabmq:hub:${randomId()}`
  const link = randomId()

  const startHost = async (hostLock: HeldLock, mine: HeldLock): Promise<HubApi> => {
    const hostId = randomId()
    const alive = (await takeLock(locks, names.alive(hostId)))!
    const api = serveHub(createHub({ hubLock, transport: 'elected' }), Promise.resolve())
    const links = serveRelays(names, hostId, api)
    void hostLock.lost.then(() => {
      // Replaced while it did not answer (a frozen tab): stop serving the moment it runs again.
      // Relays hear the goodbye and the alive lock; this worker's own tab sees its lock come free.
      current = goneApi(hubLock)
      links.stop()
      alive.release()
      mine.release()
      options.terminate()
    })
    return api
  }

  const start = async (): Promise<HubApi> => {
    // Held before anyone is served: the tab learns from it that this worker's hub is gone.
    const mine = (await takeLock(locks, hubLock))!
    // Held before asking for a host: the host watches it to drop the link.
    const relayLock = (await takeLock(locks, names.relay(link)))!
    let hosted: HubApi | undefined
    const elected = await elect(locks, names, link, timing, async hostLock => {
      relayLock.release()
      hosted = await startHost(hostLock, mine)
    })
    if (elected.role === 'host') return hosted!
    return relayHub({
      names,
      host: elected.host,
      link,
      hubLock,
      timing,
      onGone: () => {
        current = goneApi(hubLock)
        relayLock.release()
        mine.release()
      },
    })
  }

  let current: HubApi | undefined
  const ready = start()
    .catch(error => {
      // Web Locks or BroadcastChannel failing under us: serve this tab alone rather than not at all.
      console.warn(`[tabmq] The tabs' workers could not elect a host (${(error as Error)?.message}): this tab gets a connection of its own.`)
      return serveHub(createHub({ hubLock: null, transport: 'dedicated' }), Promise.resolve())
    })
    .then(api => (current ??= api))
  const api = async (): Promise<HubApi> => current ?? (await ready)
  return {
    open: async (...a) => (await api()).open(...a),
    subscribe: async (...a) => (await api()).subscribe(...a),
    unsubscribe: async (...a) => (await api()).unsubscribe(...a),
    publish: async (...a) => (await api()).publish(...a),
    close: async (...a) => (await api()).close(...a),
    stats: async () => (await api()).stats(),
  }
}
