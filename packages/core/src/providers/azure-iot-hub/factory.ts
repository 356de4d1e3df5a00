import type { ProviderConfig } from '../../protocol.js'
import { providerConfig } from '../shared/provider-config.js'
import type { AZURE_IOT_HUB_KIND } from './kind.js'
import type { AzureIotHubOptions } from './options.js'

/**
 * Azure IoT Hub, as one device, over MQTT on WebSocket (`wss://<hub>/$iothub/websocket`): a fresh
 * SAS token for every connect, device-to-cloud and cloud-to-device topics and device twins.
 *
 * @example
 * const provider = azureIotHub({ connectionString: 'HostName=my-hub.azure-devices.net;DeviceId=d1;SharedAccessKey=…' })
 * await pubsub.publish(iotHubTopics('d1').events({ type: 'telemetry' }), { temp: 21 }, { qos: 1 })
 */
export function azureIotHub(options: AzureIotHubOptions): ProviderConfig {
  return providerConfig('azureIotHub', 'azure-iot-hub' satisfies typeof AZURE_IOT_HUB_KIND, options, {}, ['sasToken'])
}
