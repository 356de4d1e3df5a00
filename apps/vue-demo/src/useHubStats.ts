import { onMounted, onScopeDispose, shallowRef, toRef, type Ref } from 'vue'
import type { HubStats } from '@tabmq/core'
import { usePubSub } from '@tabmq/vue'

/** The hub's stats (tabs, broker connections), polled: the hub pushes no stats events. */
export function useHubStats(intervalMs = 1000): Readonly<Ref<HubStats | undefined>> {
  const pubsub = usePubSub()
  const stats = shallowRef<HubStats>()
  let live = true
  let timer: ReturnType<typeof setInterval> | undefined
  const poll = () =>
    pubsub.getStats().then(
      s => void (live && (stats.value = s)),
      () => {}, // a closed client or a busy worker: keep the last numbers
    )
  onMounted(() => {
    void poll()
    timer = setInterval(poll, intervalMs)
  })
  onScopeDispose(() => {
    live = false
    clearInterval(timer)
  })
  return toRef(() => stats.value)
}
