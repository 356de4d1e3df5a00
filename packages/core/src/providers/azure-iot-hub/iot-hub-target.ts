import { PubSubError } from '../../errors.js'
import type { ConnectTarget, ProviderContext } from '../../hub/provider.js'
import { RefreshingCredentials } from '../shared/refreshing-credentials.js'
import type { Unchecked } from '../shared/wire-options.js'
import type { AzureIotHubOptions, IotHubConnectionOptions } from './options.js'
import { sasToken } from './sas.js'

/** IoT Hub's MQTT API version: https://learn.microsoft.com/azure/iot/iot-mqtt-connect-to-iot-hub */
const IOT_HUB_API_VERSION = '2021-04-12'
const DEFAULT_TOKEN_TTL_S = 3600

export function invalid(provider: string, message: string): PubSubError {
  return new PubSubError('INVALID_OPTIONS', `${provider}: ${message}`)
}

/** The connection options checked, with their defaults: `azureIotHub`'s, or those of the hub DPS assigns. */
export interface IotHubSettings extends Required<Omit<IotHubConnectionOptions, 'modelId'>> {
  /** The factory the options came to, for messages. */
  provider: 'azureIotHub' | 'azureDps'
  modelId?: string | undefined
}

/** Checks the settings common to both Azure providers. */
export function checkHubSettings(provider: IotHubSettings['provider'], raw: Unchecked<IotHubConnectionOptions>): IotHubSettings {
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

/** How a device proves itself: its key (a token is made per connect attempt), or the app's token function. */
export type HubAuth = { key: string } | { calls: Pick<ProviderContext, 'call'> }

/** Reads `se` (expiry, seconds) from a SAS token, to know when to ask for the next. */
function tokenExpiry(token: string): Date | undefined {
  const se = /[?&\s]se=(\d+)/.exec(` ${token}`)?.[1]
  return se ? new Date(Number(se) * 1000) : undefined
}

/** The IoT Hub connection of one device: wss URL, user name and a SAS password per connect attempt. */
export function iotHubTarget(settings: IotHubSettings, auth: HubAuth, warn: (m: string) => void) {
  const refreshing =
    'calls' in auth
      ? new RefreshingCredentials<{ token: string; expiration: Date | undefined }>(
          () => auth.calls.call('sasToken' satisfies keyof AzureIotHubOptions),
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
