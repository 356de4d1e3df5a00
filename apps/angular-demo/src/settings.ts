import type { ProviderConfig } from '@tabmq/core'
import { awsIot, azureDps, mqttOverWs, watsonIot } from '@tabmq/core/providers'

// Build-time settings: angular.json's `define`, or `ng build --define "TABMQ_BROKER_URL='wss://…'"`
// (`typeof` guards: a command line that defines one of them does not leave the others undeclared).
declare const TABMQ_BROKER_URL: string | undefined
declare const TABMQ_DEVICE_ID: string | undefined
declare const TABMQ_PROVIDER: string | undefined
const BUILD = {
  brokerUrl: typeof TABMQ_BROKER_URL === 'string' ? TABMQ_BROKER_URL : undefined,
  deviceId: typeof TABMQ_DEVICE_ID === 'string' ? TABMQ_DEVICE_ID : undefined,
  provider: typeof TABMQ_PROVIDER === 'string' ? TABMQ_PROVIDER : undefined,
}

/**
 * The page's query overrides the build's settings (`?broker=ws://…&device=…&user=…&password=…&keepalive=…`),
 * so one production build serves any broker: the end-to-end suite builds each demo once.
 */
const query = typeof location === 'undefined' ? new URLSearchParams() : new URLSearchParams(location.search)

/** The dev broker of apps/broker (`pnpm dev` at the root starts it). */
export const BROKER_URL: string = query.get('broker') || BUILD.brokerUrl || 'ws://127.0.0.1:8083/mqtt'

/** The simulated device whose telemetry and commands the dashboard shows. */
export const DEVICE_ID: string = query.get('device') || BUILD.deviceId || 'device-1'

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
 * --filter @tabmq/broker dev` prints matching settings; the accounts below are its development
 * accounts, not secrets). The simulated device runs on the dev broker only: on an emulated cloud
 * the header, commands and topic explorer work, the telemetry panel waits for a device.
 */
export const PROVIDER = (BUILD.provider || 'mqtt') as 'mqtt' | 'aws' | 'watson' | 'azure'

/** `host:port` of the emulator, from the broker URL. */
const emulator = (): string => new URL(BROKER_URL.replace(/^ws/, 'http')).host

export function demoProvider(): ProviderConfig {
  switch (PROVIDER) {
    case 'aws':
      return awsIot({
        region: 'us-east-1',
        endpoint: emulator(),
        protocol: 'ws',
        credentials: { accessKeyId: 'AKIAEMULATOR00000001', secretAccessKey: 'emulator/secret/key/not-a-real-one000' },
      })
    case 'watson':
      return watsonIot({ org: 'a1b2c3', host: emulator(), protocol: 'ws', kind: 'device', typeId: 'demo', deviceId: 'demo-1', token: 'demo-device-token' })
    case 'azure':
      return azureDps({ idScope: '0ne00000A0A', registrationId: 'angular-demo', groupKey: btoa('tabmq emulator enrollment group!'), globalEndpoint: emulator(), protocol: 'ws' })
    default:
      return mqttOverWs({ url: BROKER_URL, ...login(), ...keepalive() })
  }
}
