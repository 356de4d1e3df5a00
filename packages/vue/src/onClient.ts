import { getCurrentInstance, getCurrentScope, onMounted } from 'vue'

/**
 * Runs `start` (which subscribes) only where subscribing is right. In a component: once mounted,
 * which never happens on the server, and which comes after hydration has matched the server's
 * idle HTML (subscribing before would render `pending` over `idle`: a mismatch). Outside a
 * component (a bare effect scope, a store): at once in a browser, never on a server.
 * `start` runs in the caller's effect scope, so the watchers it makes stop with that scope.
 */
export function onClient(start: () => void): void {
  const scope = getCurrentScope()
  if (getCurrentInstance()) {
    onMounted(() => {
      if (!scope) start()
      else if (scope.active) scope.run(start) // a nested scope may have been stopped before the mount
    })
  } else if (typeof window !== 'undefined') {
    start()
  }
}
