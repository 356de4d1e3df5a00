import type { WireOptions } from '../shared/wire-options.js'

/** The IoT Hub connection settings of `azureIotHub` and of the hub `azureDps` assigns. */
export interface IotHubConnectionOptions {
  /** `ws` for a local emulator only (with `azureDps`: DPS and the assigned hub). Default `wss`. */
  protocol?: 'wss' | 'ws'
  /** Seconds each SAS token made from a key lives; a new one is made for every connect. Default 3600. */
  tokenTtlSeconds?: number
  /** IoT Plug and Play model id, like "dtmi:com:example:Thermostat;1". */
  modelId?: string
  /** Seconds, at most 1177 (IoT Hub's limit). Default 60. */
  keepalive?: number
  /** Clean session. Default true. */
  clean?: boolean
  /** Milliseconds to wait for CONNACK. Default 10000. */
  connectTimeout?: number
}

/** Options of {@link azureIotHub}: a connection string, or a host name and device id with a key or a token function. */
export interface AzureIotHubOptions extends IotHubConnectionOptions {
  /** `HostName=…;DeviceId=…;SharedAccessKey=…`, as the portal shows it. */
  connectionString?: string
  /** Like "my-hub.azure-devices.net"; `host:port` of an emulator. */
  hostName?: string
  deviceId?: string
  /** The device's symmetric key: SAS tokens are signed in the worker. */
  symmetricKey?: string
  /** Or: gets a SAS token from your server (keeps the key off the browser), called through a live tab. */
  sasToken?: () => Promise<string> | string
}

/** What the factory sends the hub: a `sasToken` function stays in the tab. */
export type AzureIotHubWireOptions = WireOptions<AzureIotHubOptions, 'sasToken'>
