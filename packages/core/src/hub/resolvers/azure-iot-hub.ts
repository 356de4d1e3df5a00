import { PubSubError } from '../../errors.js'
import type { PublishOptions } from '../../types.js'
import type { ConnectTarget, ProviderResolver, ResolvedProvider } from '../provider.js'
import { fromBase64, sasToken } from './azure-sas.js'
import type { ProviderContext } from '../provider.js'
import { RefreshingCredentials } from './refreshing-credentials.js'

/** IoT Hub's MQTT API version: https://learn.microsoft.com/azure/iot/iot-mqtt-connect-to-iot-hub */
export const IOT_HUB_API_VERSION = '2021-04-12'
/** Device-to-cloud messages: at most 256 KB. */
const MAX_D2C_BYTES = 262_144
const DEFAULT_TOKEN_TTL_S = 3600

function invalid(provider: string, message: string): PubSubError {
  return new PubSubError('INVALID_OPTIONS', `${provider}: ${message}`)
}

/** Device ids: up to 128 characters from this set (IoT Hub identity registry rules). */
const DEVICE_ID = /^[A-Za-z0-9\-.%_*?!(),:=@$']{1,128}$/

/** Connection settings shared by `azureIotHub` and the hub a DPS registration assigns. */
export interface IotHubSettings {
  provider: 'azureIotHub' | 'azureDps'
  protocol: 'wss' | 'ws'
  keepalive: number
  clean: boolean
  connectTimeout: number
  tokenTtlSeconds: number
  modelId?: string | undefined
}

/** Checks the settings common to both Azure providers. */
export function checkHubSettings(provider: IotHubSettings['provider'], raw: Record<string, unknown>): IotHubSettings {
  const s: IotHubSettings = {
    provider,
    protocol: (raw.protocol ?? 'wss') as 'wss' | 'ws',
    // IoT Hub closes connections idle for 1.5 keep-alive periods, and caps keep-alive at 1177 s.
    keepalive: (raw.keepalive ?? 60) as number,
    clean: (raw.clean ?? true) as boolean,
    connectTimeout: (raw.connectTimeout ?? 10_000) as number,
    tokenTtlSeconds: (raw.tokenTtlSeconds ?? DEFAULT_TOKEN_TTL_S) as number,
    modelId: raw.modelId as string | undefined,
  }
  if (s.protocol !== 'wss' && s.protocol !== 'ws') throw invalid(provider, 'protocol must be "wss" (or "ws" for a local emulator).')
  if (!Number.isInteger(s.keepalive) || s.keepalive < 0 || s.keepalive > 1177) throw invalid(provider, 'keepalive is in seconds, 0 to 1177 for IoT Hub.')
  if (typeof s.clean !== 'boolean') throw invalid(provider, 'clean must be true or false.')
  if (typeof s.connectTimeout !== 'number' || !(s.connectTimeout > 0)) throw invalid(provider, 'connectTimeout is a positive number of milliseconds.')
  if (typeof s.tokenTtlSeconds !== 'number' || !(s.tokenTtlSeconds >= 1) || s.tokenTtlSeconds > 365 * 86_400) throw invalid(provider, 'tokenTtlSeconds is how long each SAS token lives, 1 s to a year (default 3600).')
  if (s.modelId !== undefined && (typeof s.modelId !== 'string' || !/^dtmi:[A-Za-z0-9_:;]+$/.test(s.modelId))) throw invalid(provider, 'modelId must be a DTDL model id like "dtmi:com:example:Thermostat;1".')
  return s
}

/** Checks a host name: an Azure host in production, `host:port` of an emulator with protocol "ws". */
export function checkHost(provider: string, what: string, value: unknown, example: string, protocol: 'wss' | 'ws'): string {
  if (typeof value !== 'string' || value === '') throw invalid(provider, `${what} is missing: give it like "${example}".`)
  if (value.includes('://') || value.includes('/')) throw invalid(provider, `${what} is a host name like "${example}", without a scheme or path.`)
  if (/^HostName=|;/i.test(value)) throw invalid(provider, `${what} looks like a connection string: give connectionString instead, or just the host name like "${example}".`)
  const host = value.toLowerCase()
  if (/\.azure-devices(-provisioning)?\.(net|cn|us|de)$/.test(host) && protocol !== 'wss') throw invalid(provider, 'Azure takes only wss://: leave protocol out (ws is for a local emulator).')
  return host
}

export function checkDeviceId(provider: string, value: unknown): string {
  if (typeof value !== 'string' || !DEVICE_ID.test(value)) {
    throw invalid(provider, 'deviceId is missing or malformed: up to 128 letters, digits and - . % _ * ? ! ( ) , : = @ $ \'.')
  }
  return value
}

/** Topic rules IoT Hub enforces by closing the connection: checked first, so other tabs stay connected. */
export function hubRules(deviceId: string): Pick<ResolvedProvider, 'checkPublish' | 'checkSubscribe'> {
  const events = `devices/${deviceId}/messages/events`
  const allowedPublish = (t: string) =>
    t === events || t.startsWith(`${events}/`) || t.startsWith('$iothub/twin/GET/?$rid=') || t.startsWith('$iothub/twin/PATCH/properties/reported/?$rid=') || /^\$iothub\/methods\/res\/\d{3}\/\?\$rid=/.test(t)
  const allowedFilters = [`devices/${deviceId}/messages/devicebound/#`, '$iothub/twin/res/#', '$iothub/twin/PATCH/properties/desired/#', '$iothub/methods/POST/#']
  return {
    checkPublish(topic: string, payload: Uint8Array, options: PublishOptions): PublishOptions {
      if (!allowedPublish(topic)) {
        throw new PubSubError('NOT_AUTHORIZED', `IoT Hub would close the connection for a publish to "${topic}": a device publishes to "${events}/" (plus a property bag), "$iothub/twin/GET|PATCH/..." or "$iothub/methods/res/<status>/?$rid=<id>". Use the builders in iotHubTopics().`, { details: { topic } })
      }
      if (options.qos === 2) throw new PubSubError('INVALID_QOS', `IoT Hub does not support QoS 2 (it closes the connection): publish to "${topic}" with qos 1.`, { details: { topic } })
      if (payload.byteLength > MAX_D2C_BYTES) throw new PubSubError('PAYLOAD_TOO_LARGE', `IoT Hub takes messages of at most 256 KB; this one is ${payload.byteLength} bytes. Upload large data to blob storage instead.`, { details: { topic } })
      return options
    },
    checkSubscribe(filter: string) {
      if (!allowedFilters.includes(filter)) {
        throw new PubSubError('NOT_AUTHORIZED', `IoT Hub accepts only these subscriptions: ${allowedFilters.join(', ')}; not "${filter}". Filter the messages in your app instead.`, { details: { filter } })
      }
    },
  }
}

/** How a device proves itself: its key (a token is made per connect attempt), or the app's token function. */
export type HubAuth = { key: string } | { calls: Pick<ProviderContext, 'call'> }

/** Reads `se` (expiry, seconds) from a SAS token, to know when to ask for the next. */
function tokenExpiry(token: string): Date | undefined {
  const se = /[?&\s]se=(\d+)/.exec(` ${token}`)?.[1]
  return se ? new Date(Number(se) * 1000) : undefined
}

/** The IoT Hub connection of one device: wss URL, user name, SAS password, platform rules. */
export function iotHubTarget(settings: IotHubSettings, auth: HubAuth, warn: (m: string) => void) {
  const refreshing =
    'calls' in auth
      ? new RefreshingCredentials<{ token: string; expiration: Date | undefined }>(
          () => auth.calls.call('sasToken'),
          raw => {
            if (typeof raw !== 'string' || !raw.startsWith('SharedAccessSignature ')) {
              throw new PubSubError('PROVIDER_ERROR', `${settings.provider}: the sasToken function must resolve to a string starting with "SharedAccessSignature ".`)
            }
            return { token: raw, expiration: tokenExpiry(raw) }
          },
          m => warn(`${settings.provider}: ${m}`),
        )
      : undefined
  return {
    refreshing,
    async prepare(hostName: string, deviceId: string): Promise<ConnectTarget> {
      const resource = `${hostName}/devices/${deviceId}`
      const password =
        'key' in auth ? await sasToken({ resource, key: auth.key, expiry: Math.floor(Date.now() / 1000) + settings.tokenTtlSeconds }) : (await refreshing!.get()).token
      const model = settings.modelId ? `&model-id=${encodeURIComponent(settings.modelId)}` : ''
      return {
        url: `${settings.protocol}://${hostName}/$iothub/websocket`,
        options: {
          clientId: deviceId,
          username: `${hostName}/${deviceId}/?api-version=${IOT_HUB_API_VERSION}${model}`,
          password,
          keepalive: settings.keepalive,
          clean: settings.clean,
          connectTimeout: settings.connectTimeout,
        },
      }
    },
  }
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
export const resolveAzureIotHub: ProviderResolver = (options, context) => {
  const settings = checkHubSettings('azureIotHub', options)
  const fromString = options.connectionString !== undefined ? parseConnectionString(options.connectionString) : undefined
  const hostName = checkHost('azureIotHub', 'hostName', fromString?.hostName ?? options.hostName, 'my-hub.azure-devices.net', settings.protocol)
  const deviceId = checkDeviceId('azureIotHub', fromString?.deviceId ?? options.deviceId)
  const key = ['azure-iot-hub', `${settings.protocol}://${hostName}/$iothub/websocket`, deviceId].join('|')
  const symmetricKey = fromString?.symmetricKey ?? options.symmetricKey
  let auth: HubAuth
  if (options.sasToken === 'function') auth = { calls: context }
  else if (typeof symmetricKey === 'string' && symmetricKey !== '') {
    fromBase64(symmetricKey, 'azureIotHub: symmetricKey')
    auth = { key: symmetricKey }
  } else throw invalid('azureIotHub', "symmetricKey is missing: give the device's key, a connectionString, or a sasToken function that gets tokens from your server.")
  const target = iotHubTarget(settings, auth, context.warn)
  return {
    key,
    clientId: deviceId,
    protocolVersion: 4,
    retryAuthFailures: target.refreshing !== undefined,
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
