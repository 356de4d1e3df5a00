import type { DeliveryTarget, HubApi, ProviderFunctions, TabEvent } from '../protocol.js'

/** How a tab reaches a hub: in a SharedWorker, a dedicated Worker, or in-process. */
export interface Transport {
  readonly kind: 'shared' | 'dedicated' | 'inline'
  readonly api: HubApi
  /** A delivery target for one session, ready to hand to `api.open`; `onEvent` receives what the hub posts. */
  connectDeliveries(onEvent: (event: TabEvent) => void): DeliveryTarget
  /** Wraps provider callbacks for the hub to call back. */
  wrapFunctions(functions: ProviderFunctions | undefined): ProviderFunctions | undefined
  /** Rejects if the worker fails to load (it would never answer). */
  readonly failed: Promise<never>
  dispose(): void
}
