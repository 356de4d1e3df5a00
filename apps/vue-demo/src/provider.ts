import type { ProviderConfig } from '@tabmq/core'
import { awsIot, azureDps, mqttOverWs, watsonIot } from '@tabmq/core/providers'

const env = import.meta.env

/**
 * The page's query overrides the build's settings (`?broker=ws://…&device=…&user=…&password=…&keepalive=…`),
 * so one production build serves any broker: the end-to-end suite builds each demo once.
 */
const query = typeof location === 'undefined' ? new URLSearchParams() : new URLSearchParams(location.search)

/** The dev broker of apps/broker (`pnpm dev` at the root starts it). */
export const BROKER_URL: string = query.get('broker') || env.VITE_BROKER_URL || 'ws://127.0.0.1:8083/mqtt'

/** The simulated device whose telemetry and commands the dashboard shows. */
export const DEVICE_ID: string = query.get('device') || env.VITE_DEVICE_ID || 'device-1'

/** An optional MQTT login, for brokers that want one. */
const login = (): { username?: string; password?: string } => {
  const username = query.get('user')
  const password = query.get('password')
  return { ...(username ? { username } : {}), ...(password ? { password } : {}) }
}

/** An optional keepalive in seconds: a network that drops packets silently is found sooner (the end-to-end suite uses 2). */
const keepalive = (): { keepalive?: number } => {
  const seconds = Number(query.get('keepalive'))
  return Number.isInteger(seconds) && seconds > 0 ? { keepalive: seconds } : {}
}

/**
 * Which platform the dashboard talks to: `mqtt` (default, the dev broker and its simulated
 * device) or one of the emulated clouds of apps/broker (`TABMQ_EMULATE=aws|watson|azure pnpm
 * --filter @tabmq/broker dev` prints matching settings; the defaults below are its development
 * accounts, not secrets). The simulated device runs on the dev broker only: on an emulated cloud
 * the header, commands and topic explorer work, the telemetry panel waits for a device.
 */
export const PROVIDER = (env.VITE_PROVIDER || 'mqtt') as 'mqtt' | 'aws' | 'watson' | 'azure'

/** `host:port` of the emulator, from VITE_BROKER_URL. */
const emulator = (): string => new URL(BROKER_URL.replace(/^ws/, 'http')).host

export function demoProvider(): ProviderConfig {
  switch (PROVIDER) {
    case 'aws':
      return awsIot({
        region: env.VITE_AWS_REGION || 'us-east-1',
        endpoint: env.VITE_AWS_ENDPOINT || emulator(),
        protocol: 'ws',
        credentials: { accessKeyId: env.VITE_AWS_ACCESS_KEY_ID || 'AKIAEMULATOR00000001', secretAccessKey: env.VITE_AWS_SECRET_ACCESS_KEY || 'emulator/secret/key/not-a-real-one000' },
      })
    case 'watson':
      return watsonIot({ org: env.VITE_WATSON_ORG || 'a1b2c3', host: emulator(), protocol: 'ws', kind: 'device', typeId: 'demo', deviceId: 'demo-1', token: env.VITE_WATSON_TOKEN || 'demo-device-token' })
    case 'azure':
      return azureDps({ idScope: env.VITE_AZURE_ID_SCOPE || '0ne00000A0A', registrationId: 'vue-demo', groupKey: env.VITE_AZURE_GROUP_KEY || btoa('tabmq emulator enrollment group!'), globalEndpoint: emulator(), protocol: 'ws' })
    default:
      return mqttOverWs({ url: BROKER_URL, ...login(), ...keepalive() })
  }
}
