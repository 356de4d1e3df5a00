import { registerProvider } from './provider-registry.js'
import { resolveMqttOverWs } from './resolvers/mqtt-over-ws.js'

registerProvider('mqtt', resolveMqttOverWs)

export { Hub, createHub } from './hub.js'
export type { HubOptions } from './hub.js'
export { registerProvider } from './provider-registry.js'
export type { ProviderContext, ProviderResolver, ResolvedProvider, ConnectTarget } from './provider.js'
export { backoffDelay } from './backoff.js'
