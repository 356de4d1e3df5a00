import type { ProviderConfig } from '../../protocol.js'
import { providerConfig } from '../shared/provider-config.js'
import type { AZURE_DPS_KIND } from './kind.js'
import type { AzureDpsOptions } from './options.js'

/**
 * Azure IoT Device Provisioning Service, then the assigned IoT Hub: the worker registers the device
 * over MQTT on WebSocket (once, then cached), and connects to the hub DPS assigned, shared by every
 * tab. Keys stay in the worker, where the SAS tokens are signed.
 *
 * @example
 * const provider = azureDps({ idScope: '0ne00000A0A', registrationId: 'sensor-42', groupKey })
 * pubsub.subscribe(iotHubTopics('sensor-42').cloudToDevice)
 */
export function azureDps(options: AzureDpsOptions): ProviderConfig {
  return providerConfig('azureDps', 'azure-dps' satisfies typeof AZURE_DPS_KIND, options, {
    idScope: 'copy the ID Scope ("0ne…") from the DPS overview page.',
    registrationId: "give the device's registration id.",
  })
}
