export { mqttOverWs } from './mqtt-over-ws.js'
export type { MqttOverWsOptions } from './mqtt-over-ws.js'
export type { ProviderConfig } from '../protocol.js'
