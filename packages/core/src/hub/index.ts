import { builtInResolvers } from '../providers/resolvers.js'
import { registerProvider } from './provider-registry.js'

for (const [kind, resolver] of builtInResolvers) registerProvider(kind, resolver)

export { Hub, createHub } from './hub.js'
export type { HubOptions } from './hub.js'
export { registerProvider } from './provider-registry.js'
export type { ProviderContext, ProviderResolver, ResolvedProvider, ConnectTarget } from './provider.js'
export { backoffDelay } from './backoff.js'
export { registerWithDps } from '../providers/azure-dps/register.js'
export type { DpsRegisterOptions, DpsAssignment } from '../providers/azure-dps/register.js'
