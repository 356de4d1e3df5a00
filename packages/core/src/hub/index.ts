import { registerProvider } from './provider-registry'
import { resolveMqttOverWs } from './resolvers/mqtt-over-ws'

registerProvider('mqtt', resolveMqttOverWs)

export { Hub, createHub } from './hub'
export type { HubOptions } from './hub'
export { registerProvider } from './provider-registry'
export type { ProviderContext, ProviderResolver, ResolvedProvider, ConnectTarget } from './provider'
export { backoffDelay } from './backoff'
