import type { ProviderConfig } from '../protocol.js'
import { providerConfig } from './options-check.js'

/** Options of {@link azureDps}. */
export interface AzureDpsOptions {
  /** The DPS instance's ID Scope ("0ne…", on its overview page). */
  idScope: string
  /** The device's registration id; IoT Hub device id too, unless the enrollment sets another. */
  registrationId: string
  /** Individual enrollment: the device's symmetric key. */
  symmetricKey?: string
  /** Enrollment group: the group's key; the device key is derived from it in the worker. */
  groupKey?: string
  /** Default `global.azure-devices-provisioning.net`; `host:port` of an emulator. */
  globalEndpoint?: string
  /** `ws` for a local emulator only (DPS and the assigned hub). Default `wss`. */
  protocol?: 'wss' | 'ws'
  /** Custom data for the enrollment's allocation policy. */
  payload?: unknown
  /** Seconds each IoT Hub SAS token lives; a new one is made for every connect. Default 3600. */
  tokenTtlSeconds?: number
  /** IoT Plug and Play model id, like "dtmi:com:example:Thermostat;1". */
  modelId?: string
  keepalive?: number
  clean?: boolean
  connectTimeout?: number
}

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
  return providerConfig('azureDps', 'azure-dps', options, {
    idScope: 'copy the ID Scope ("0ne…") from the DPS overview page.',
    registrationId: "give the device's registration id.",
  })
}
