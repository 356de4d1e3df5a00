import type { IotHubConnectionOptions } from '../azure-iot-hub/options.js'

/** Options of {@link azureDps}: the registration with DPS, and the connection to the hub it assigns. */
export interface AzureDpsOptions extends IotHubConnectionOptions {
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
  /** Custom data for the enrollment's allocation policy. */
  payload?: unknown
}
