import { useEffect, useState } from 'react'
import type { HubStats } from '@tabmq/core'
import { usePubSub } from '@tabmq/react'
import { pollHubStats } from '@tabmq/demo-kit'

/** The hub's stats (tabs, broker connections), polled while mounted. */
export function useHubStats(intervalMs = 1000): HubStats | undefined {
  const pubsub = usePubSub()
  const [stats, setStats] = useState<HubStats>()
  useEffect(() => pollHubStats(pubsub, intervalMs, setStats), [pubsub, intervalMs])
  return stats
}
