import { PubSubError } from '../../errors.js'
import type { ProviderResolver } from '../../hub/provider.js'
import { IN_TAB, type Unchecked } from '../shared/wire-options.js'
import { checkHost, checkHubSettings, invalid, iotHubTarget, type HubAuth } from './iot-hub-target.js'
import type { AzureIotHubWireOptions } from './options.js'
import { fromBase64 } from './sas.js'
import { hubRules } from './topic-rules.js'

/** Device ids: up to 128 characters from this set (IoT Hub identity registry rules). */
const DEVICE_ID = /^[A-Za-z0-9\-.%_*?!(),:=@$']{1,128}$/

function checkDeviceId(provider: string, value: unknown): string {
  if (typeof value !== 'string' || !DEVICE_ID.test(value)) {
    throw invalid(provider, 'deviceId is missing or malformed: up to 128 letters, digits and - . % _ * ? ! ( ) , : = @ $ \'.')
  }
  return value
}

/** Parses a device connection string: `HostName=…;DeviceId=…;SharedAccessKey=…`. */
function parseConnectionString(value: unknown): { hostName: string; deviceId: string; symmetricKey: string } {
  if (typeof value !== 'string') throw invalid('azureIotHub', 'connectionString must be a string like "HostName=…;DeviceId=…;SharedAccessKey=…".')
  const parts = new Map(value.split(';').map(p => [p.slice(0, p.indexOf('=')).toLowerCase(), p.slice(p.indexOf('=') + 1)] as const))
  const hostName = parts.get('hostname')
  const deviceId = parts.get('deviceid')
  const symmetricKey = parts.get('sharedaccesskey')
  if (!hostName || !deviceId || !symmetricKey) {
    throw invalid('azureIotHub', 'connectionString must have HostName, DeviceId and SharedAccessKey: copy the device\'s primary connection string from the portal.')
  }
  return { hostName, deviceId, symmetricKey }
}

/** Resolves `azureIotHub` options: one device's connection, a fresh SAS token per connect attempt. */
export const resolveAzureIotHub: ProviderResolver = (raw, context) => {
  const options: Unchecked<AzureIotHubWireOptions> = raw
  const settings = checkHubSettings('azureIotHub', options)
  const fromString = options.connectionString !== undefined ? parseConnectionString(options.connectionString) : undefined
  const hostName = checkHost('azureIotHub', 'hostName', fromString?.hostName ?? options.hostName, 'my-hub.azure-devices.net', settings.protocol)
  const deviceId = checkDeviceId('azureIotHub', fromString?.deviceId ?? options.deviceId)
  const key = ['azure-iot-hub', `${settings.protocol}://${hostName}/$iothub/websocket`, deviceId].join('|')
  const symmetricKey = fromString?.symmetricKey ?? options.symmetricKey
  let auth: HubAuth
  if (options.sasToken === IN_TAB) auth = { calls: context }
  else if (typeof symmetricKey === 'string' && symmetricKey !== '') {
    fromBase64(symmetricKey, 'azureIotHub: symmetricKey')
    auth = { key: symmetricKey }
  } else throw invalid('azureIotHub', "symmetricKey is missing: give the device's key, a connectionString, or a sasToken function that gets tokens from your server.")
  const target = iotHubTarget(settings, auth, context.warn)
  return {
    key,
    clientId: deviceId,
    protocolVersion: 4,
    prepare() {
      return target.prepare(hostName, deviceId)
    },
    ...hubRules(deviceId),
    explainError(error) {
      if (error.code === 'BAD_CREDENTIALS' || error.code === 'NOT_AUTHORIZED') {
        target.refreshing?.invalidate()
        return new PubSubError(error.code, `IoT Hub refused device "${deviceId}": check that it exists in ${hostName}, is enabled, and that its key (or SAS token) is current.`, { details: error.details ?? {} })
      }
      return error
    },
    dispose() {
      target.refreshing?.dispose()
    },
  }
}
