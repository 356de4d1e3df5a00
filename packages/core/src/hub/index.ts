import { registerProvider } from './provider-registry.js'
import { resolveMqttOverWs } from './resolvers/mqtt-over-ws.js'
import { resolveAwsIot } from './resolvers/aws-iot.js'
import { resolveWatsonIot } from './resolvers/watson-iot.js'
import { resolveAzureDps } from './resolvers/azure-dps.js'
import { resolveAzureIotHub } from './resolvers/azure-iot-hub.js'

registerProvider('mqtt', resolveMqttOverWs)
registerProvider('aws-iot', resolveAwsIot)
registerProvider('watson-iot', resolveWatsonIot)
registerProvider('azure-dps', resolveAzureDps)
registerProvider('azure-iot-hub', resolveAzureIotHub)

export { Hub, createHub } from './hub.js'
export type { HubOptions } from './hub.js'
export { registerProvider } from './provider-registry.js'
export type { ProviderContext, ProviderResolver, ResolvedProvider, ConnectTarget } from './provider.js'
export { backoffDelay } from './backoff.js'
export { registerWithDps } from './resolvers/azure-dps.js'
export type { DpsRegisterOptions, DpsAssignment } from './resolvers/azure-dps.js'
