import { onMounted, onScopeDispose, shallowRef, toRef, type Ref } from 'vue'
import type { HubStats } from '@tabmq/core'
import { usePubSub } from '@tabmq/vue'
import { pollHubStats } from '@tabmq/demo-kit'

/** The hub's stats (tabs, broker connections), polled while mounted. */
export function useHubStats(intervalMs = 1000): Readonly<Ref<HubStats | undefined>> {
  const pubsub = usePubSub()
  const stats = shallowRef<HubStats>()
  let stop = () => {}
  onMounted(() => {
    stop = pollHubStats(pubsub, intervalMs, s => (stats.value = s))
  })
  onScopeDispose(() => stop())
  return toRef(() => stats.value)
}
