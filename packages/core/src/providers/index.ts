export { mqttOverWs } from './mqtt-over-ws'
export type { MqttOverWsOptions } from './mqtt-over-ws'
export type { ProviderConfig } from '../protocol'
