import { useEffect, useState } from 'react'
import type { HubStats } from '@tabmq/core'
import { usePubSub } from '@tabmq/react'

/** The hub's stats (tabs, broker connections), polled: the hub pushes no stats events. */
export function useHubStats(intervalMs = 1000): HubStats | undefined {
  const pubsub = usePubSub()
  const [stats, setStats] = useState<HubStats>()
  useEffect(() => {
    let live = true
    const poll = () =>
      pubsub.getStats().then(
        s => live && setStats(s),
        () => {}, // a closed client or a busy worker: keep the last numbers
      )
    void poll()
    const timer = setInterval(poll, intervalMs)
    return () => {
      live = false
      clearInterval(timer)
    }
  }, [pubsub, intervalMs])
  return stats
}
