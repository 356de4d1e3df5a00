import type { ProviderConfig } from '../protocol.js'
import { providerConfig } from './options-check.js'

/** Options of {@link azureIotHub}: a connection string, or a host name and device id with a key or a token function. */
export interface AzureIotHubOptions {
  /** `HostName=…;DeviceId=…;SharedAccessKey=…`, as the portal shows it. */
  connectionString?: string
  /** Like "my-hub.azure-devices.net"; `host:port` of an emulator. */
  hostName?: string
  deviceId?: string
  /** The device's symmetric key: SAS tokens are signed in the worker. */
  symmetricKey?: string
  /** Or: gets a SAS token from your server (keeps the key off the browser), called through a live tab. */
  sasToken?: () => Promise<string> | string
  /** Seconds each token made from symmetricKey lives. Default 3600. */
  tokenTtlSeconds?: number
  /** IoT Plug and Play model id. */
  modelId?: string
  /** `ws` for a local emulator only. Default `wss`. */
  protocol?: 'wss' | 'ws'
  keepalive?: number
  clean?: boolean
  connectTimeout?: number
}

/**
 * Azure IoT Hub, as one device, over MQTT on WebSocket (`wss://<hub>/$iothub/websocket`): a fresh
 * SAS token for every connect, device-to-cloud and cloud-to-device topics and device twins.
 *
 * @example
 * const provider = azureIotHub({ connectionString: 'HostName=my-hub.azure-devices.net;DeviceId=d1;SharedAccessKey=…' })
 * await pubsub.publish(iotHubTopics('d1').events({ type: 'telemetry' }), { temp: 21 }, { qos: 1 })
 */
export function azureIotHub(options: AzureIotHubOptions): ProviderConfig {
  return providerConfig('azureIotHub', 'azure-iot-hub', options, {}, ['sasToken'])
}
