import type { ProviderConfig } from '@tabmq/core'
import { awsIot, azureDps, mqttOverWs, watsonIot } from '@tabmq/core/providers'

/**
 * The build-time settings a demo reads: `VITE_<name>` in the Vite demos, the `define`d
 * `TABMQ_<name>` in the Angular demo (which defines the first three only).
 */
export type SettingName =
  | 'BROKER_URL'
  | 'DEVICE_ID'
  | 'PROVIDER'
  | 'AWS_REGION'
  | 'AWS_ENDPOINT'
  | 'AWS_ACCESS_KEY_ID'
  | 'AWS_SECRET_ACCESS_KEY'
  | 'WATSON_ORG'
  | 'WATSON_TOKEN'
  | 'AZURE_ID_SCOPE'
  | 'AZURE_GROUP_KEY'

/**
 * Which platform the dashboard talks to: `mqtt` (the dev broker and its simulated device) or one
 * of the emulated clouds of apps/broker (`TABMQ_EMULATE=aws|watson|azure pnpm --filter
 * @tabmq/broker dev` prints matching settings). The simulated device runs on the dev broker only:
 * on an emulated cloud the header, commands and topic explorer work, the telemetry panel waits.
 */
export type Platform = 'mqtt' | 'aws' | 'watson' | 'azure'

export interface DemoSettingsSource {
  /** The demo's name (`react-demo`): its Azure DPS registration id. */
  app: string
  /** Reads a build-time setting; undefined (or '') when the build leaves it unset. */
  env: (name: SettingName) => string | undefined
  /** The page's query string; defaults to `location.search` (none outside a browser). */
  search?: string
}

export interface DemoSettings {
  /** The broker's WebSocket URL; the dev broker of apps/broker by default. */
  brokerUrl: string
  /** The simulated device whose telemetry and commands the dashboard shows. */
  deviceId: string
  platform: Platform
  /** The provider config for `createPubSub`. */
  provider(): ProviderConfig
}

/**
 * The dashboard's settings: the page's query (`?broker=ws://…&device=…&user=…&password=…&keepalive=…`)
 * over the build's settings over working defaults, so one production build serves any broker (the
 * end-to-end suite builds each demo once). The cloud defaults are the emulators' development
 * accounts, not secrets.
 *
 * @example
 * const settings = demoSettings({ app: 'react-demo', env: name => import.meta.env[`VITE_${name}`] })
 * const pubsub = createPubSub({ provider: settings.provider(), worker })
 */
export function demoSettings({ app, env, search = typeof location === 'undefined' ? '' : location.search }: DemoSettingsSource): DemoSettings {
  const query = new URLSearchParams(search)
  const brokerUrl = query.get('broker') || env('BROKER_URL') || 'ws://127.0.0.1:8083/mqtt'
  const deviceId = query.get('device') || env('DEVICE_ID') || 'device-1'
  const platform = (env('PROVIDER') || 'mqtt') as Platform
  // `host:port` of the emulator, from the broker URL.
  const emulator = () => new URL(brokerUrl.replace(/^ws/, 'http')).host

  const provider = (): ProviderConfig => {
    switch (platform) {
      case 'aws':
        return awsIot({
          region: env('AWS_REGION') || 'us-east-1',
          endpoint: env('AWS_ENDPOINT') || emulator(),
          protocol: 'ws',
          credentials: {
            accessKeyId: env('AWS_ACCESS_KEY_ID') || 'AKIAEMULATOR00000001',
            secretAccessKey: env('AWS_SECRET_ACCESS_KEY') || 'emulator/secret/key/not-a-real-one000',
          },
        })
      case 'watson':
        return watsonIot({ org: env('WATSON_ORG') || 'a1b2c3', host: emulator(), protocol: 'ws', kind: 'device', typeId: 'demo', deviceId: 'demo-1', token: env('WATSON_TOKEN') || 'demo-device-token' })
      case 'azure':
        return azureDps({ idScope: env('AZURE_ID_SCOPE') || '0ne00000A0A', registrationId: app, groupKey: env('AZURE_GROUP_KEY') || btoa('tabmq emulator enrollment group!'), globalEndpoint: emulator(), protocol: 'ws' })
      default:
        return mqttOverWs({ url: brokerUrl, ...login(query), ...keepalive(query) })
    }
  }
  return { brokerUrl, deviceId, platform, provider }
}

/** An optional MQTT login, for brokers that want one. */
function login(query: URLSearchParams): { username?: string; password?: string } {
  const username = query.get('user')
  const password = query.get('password')
  return { ...(username ? { username } : {}), ...(password ? { password } : {}) }
}

/** An optional keepalive in seconds: a network that drops packets silently is found sooner (the end-to-end suite uses 2). */
function keepalive(query: URLSearchParams): { keepalive?: number } {
  const seconds = Number(query.get('keepalive'))
  return Number.isInteger(seconds) && seconds > 0 ? { keepalive: seconds } : {}
}
