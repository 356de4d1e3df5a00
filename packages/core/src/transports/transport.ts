import type { DeliveryTarget, HubApi, ProviderFunctions, TabEvent } from '../protocol.js'

/** How a tab reaches a hub: in a SharedWorker, a dedicated Worker, or in-process. */
export interface Transport {
  readonly kind: 'shared' | 'dedicated' | 'inline'
  readonly api: HubApi
  /** A fresh delivery target for one session; `onEvent` receives what the hub posts. */
  connectDeliveries(onEvent: (event: TabEvent) => void): DeliveryTarget
  /** Wraps provider callbacks for the hub to call back. */
  wrapFunctions(functions: ProviderFunctions | undefined): ProviderFunctions | undefined
  dispose(): void
}
