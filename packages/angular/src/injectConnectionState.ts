import { DestroyRef, inject, runInInjectionContext, signal, type Injector, type Signal } from '@angular/core'
import type { ConnectionState } from '@tabmq/core'
import { resolveInjector, tabmqContext } from './tabmqContext.js'

/** What the server renders (and hydration starts from): nothing connects on the server. */
const SERVER_STATE: ConnectionState = Object.freeze({ status: 'idle', attempt: 0 })

/**
 * A signal of the shared connection's state: `status` (`idle`, `connecting`, `connected`,
 * `reconnecting`, `offline`, `closed`), the last `error` (a `PubSubError`) and the reconnect
 * `attempt`. Reading it starts the client; it stops listening with the injection context.
 *
 * @example
 * export class Status {
 *   readonly connection = injectConnectionState()
 *   // template: <span [title]="connection().error?.message ?? ''">{{ connection().status }}</span>
 * }
 */
export function injectConnectionState(options: { injector?: Injector } = {}): Signal<ConnectionState> {
  return runInInjectionContext(resolveInjector(injectConnectionState, options.injector), () => {
    const { client, server, outside } = tabmqContext()
    if (server) return signal(SERVER_STATE).asReadonly()
    const store = client.connectionState
    const state = signal(store.get())
    const off = outside(() => store.subscribe(next => state.set(next)))
    state.set(store.get())
    inject(DestroyRef).onDestroy(off)
    return state.asReadonly()
  })
}
