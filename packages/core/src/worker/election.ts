import type { ElectionNames } from './names.js'
import type { DiscoveryMessage } from './messages.js'
import { type HeldLock, takeLock } from './take-lock.js'

/** How long elected workers wait for each other, in ms. */
export interface ElectionTiming {
  /** A candidate waits this long for a host to answer before it steals the host lock. */
  answerMs: number
  /** A relay pings its host this often... */
  pingMs: number
  /** ...and gives the host up after this long without a word from it (frozen, or stuck). */
  silentMs: number
  /** A candidate waits this long for an election in progress before it steals that lock too. */
  electWaitMs: number
}

export const ELECTION_TIMING: ElectionTiming = { answerMs: 1000, pingMs: 1000, silentMs: 3000, electWaitMs: 5000 }

/** What a worker became. */
export type Elected =
  /** It holds the host lock; `stolen` means it answered too slowly and another worker took over. */
  | { role: 'host'; lock: HeldLock }
  /** Another worker hosts: relay to it over link `link`. */
  | { role: 'relay'; host: string }

/**
 * Elects one host among the dedicated workers of a script, with Web Locks: the first to find the
 * host lock free takes it; the others ask on the discovery channel who holds it and relay to it;
 * when nobody answers in time (the holder is frozen), the asker steals the lock. Elections run one
 * at a time (the `elect` lock), so workers started together find the host the first one became.
 * `serve` runs inside the election when this worker wins: it must be answering before the next
 * candidate asks.
 *
 * @example
 * const elected = await elect(navigator.locks, names, linkId, ELECTION_TIMING, async lock => startHost(lock))
 */
export async function elect(locks: LockManager, names: ElectionNames, link: string, timing: ElectionTiming, serve: (lock: HeldLock) => Promise<void>): Promise<Elected> {
  // A worker frozen in the middle of an election would hold everyone up: take the lock from it.
  const election =
    (await takeLock(locks, names.elect, { signal: AbortSignal.timeout(timing.electWaitMs) }).catch(() => null)) ??
    (await takeLock(locks, names.elect, { steal: true }))
  try {
    let lock = await takeLock(locks, names.host, { ifAvailable: true })
    if (!lock) {
      const host = await askForHost(names, link, timing.answerMs)
      if (host) return { role: 'relay', host }
      // The holder does not answer: frozen (a background tab) or stuck. Take over; it stops
      // serving when it runs again and learns that its lock was stolen.
      lock = await takeLock(locks, names.host, { steal: true })
    }
    await serve(lock!)
    return { role: 'host', lock: lock! }
  } finally {
    election?.release()
  }
}

/** Asks who hosts; resolves with the host's id, or undefined when nobody answers within `timeoutMs`. */
function askForHost(names: ElectionNames, link: string, timeoutMs: number): Promise<string | undefined> {
  const channel = new BroadcastChannel(names.discovery)
  return new Promise<string | undefined>(resolve => {
    const timer = setTimeout(() => resolve(undefined), timeoutMs)
    channel.onmessage = (e: MessageEvent<DiscoveryMessage>) => {
      if (e.data?.t === 'here' && e.data.link === link) {
        clearTimeout(timer)
        resolve(e.data.host)
      }
    }
    channel.postMessage({ t: 'where', link } satisfies DiscoveryMessage)
  }).finally(() => channel.close())
}
