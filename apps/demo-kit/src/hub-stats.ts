import type { HubStats, PubSub } from '@tabmq/core'

/**
 * Polls the hub's stats (tabs, broker connections) now and every `intervalMs`: the hub pushes no
 * stats events. A failed poll (a closed client, a busy worker) keeps the last numbers. Returns the
 * stop function.
 *
 * @example
 * useEffect(() => pollHubStats(pubsub, 1000, setStats), [pubsub])
 */
export function pollHubStats(pubsub: Pick<PubSub, 'getStats'>, intervalMs: number, onStats: (stats: HubStats) => void): () => void {
  let live = true
  const poll = () =>
    pubsub.getStats().then(
      stats => {
        if (live) onStats(stats)
      },
      () => {},
    )
  void poll()
  const timer = setInterval(poll, intervalMs)
  return () => {
    live = false
    clearInterval(timer)
  }
}
