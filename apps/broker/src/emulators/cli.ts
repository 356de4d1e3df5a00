/**
 * `TABMQ_EMULATE=aws|watson|azure pnpm dev`: one cloud platform's emulator instead of the plain
 * broker, on TABMQ_HOST and TABMQ_WS_PORT (Azure: DPS there, IoT Hub on TABMQ_TCP_PORT), with a
 * development account whose settings are printed. Secrets here are fixed test values.
 */
import type { CliSettings } from '../env'
import { startAwsIotEmulator } from './aws-iot-gateway'
import { startAzureEmulator } from './azure'
import { startWatsonEmulator } from './watson'

export const EMULATED = ['aws', 'watson', 'azure'] as const
export type Emulated = (typeof EMULATED)[number]

/** Reads TABMQ_EMULATE; undefined when unset. Throws a one-line error for an unknown value. */
export function emulationFromEnv(env: NodeJS.ProcessEnv = process.env): Emulated | undefined {
  const raw = env.TABMQ_EMULATE?.trim().toLowerCase()
  if (!raw) return undefined
  if (!(EMULATED as readonly string[]).includes(raw)) throw new Error(`TABMQ_EMULATE=${raw} is not valid: expected one of ${EMULATED.join(', ')}`)
  return raw as Emulated
}

/** Development credentials of the emulated accounts (not secrets: they exist only here). */
export const DEV_ACCOUNTS = {
  aws: { region: 'us-east-1', accessKeyId: 'AKIAEMULATOR00000001', secretAccessKey: 'emulator/secret/key/not-a-real-one000' },
  watson: { org: 'a1b2c3', device: { typeId: 'demo', deviceId: 'demo-1', token: 'demo-device-token' }, gateway: { typeId: 'gw', deviceId: 'gw-1', token: 'demo-gateway-token', gateway: true }, apiKey: { apiKey: 'a-a1b2c3-demokey001', token: 'demo-app-token' } },
  azure: { idScope: '0ne00000A0A', groupKey: Buffer.from('tabmq emulator enrollment group!').toString('base64') },
} as const

/** Starts the emulator; resolves with a stop function and what to print. */
export async function startEmulation(kind: Emulated, settings: Pick<CliSettings, 'host' | 'wsPort' | 'tcpPort'>): Promise<{ stop(): Promise<void>; describe: string }> {
  const { host, wsPort, tcpPort } = settings
  if (kind === 'aws') {
    const a = DEV_ACCOUNTS.aws
    const aws = await startAwsIotEmulator({ host, port: wsPort, region: a.region, credentials: [{ accessKeyId: a.accessKeyId, secretAccessKey: a.secretAccessKey }] })
    return { stop: () => aws.close(), describe: `AWS IoT emulator: awsIot({ region: '${a.region}', endpoint: '${aws.endpoint}', protocol: 'ws', credentials: { accessKeyId: '${a.accessKeyId}', secretAccessKey: '${a.secretAccessKey}' } })` }
  }
  if (kind === 'watson') {
    const w = DEV_ACCOUNTS.watson
    const watson = await startWatsonEmulator({ host, port: wsPort, org: w.org, devices: [w.device, w.gateway], apiKeys: [w.apiKey] })
    return {
      stop: () => watson.close(),
      describe: `Watson IoT emulator: watsonIot({ org: '${w.org}', host: '${watson.host}', protocol: 'ws', kind: 'device', typeId: '${w.device.typeId}', deviceId: '${w.device.deviceId}', token: '${w.device.token}' }) (also gateway ${w.gateway.typeId}/${w.gateway.deviceId}, API key ${w.apiKey.apiKey})`,
    }
  }
  const z = DEV_ACCOUNTS.azure
  const azure = await startAzureEmulator({ host, dpsPort: wsPort, hubPort: tcpPort, idScope: z.idScope, groupKeys: [z.groupKey] })
  return {
    stop: () => azure.close(),
    describe: `Azure emulator (DPS ${azure.globalEndpoint}, IoT Hub ${azure.hubHostName}): azureDps({ idScope: '${z.idScope}', registrationId: 'any-id', groupKey: '${z.groupKey}', globalEndpoint: '${azure.globalEndpoint}', protocol: 'ws' })`,
  }
}

/** The CLI's emulation mode: start, print the settings, stop on SIGINT/SIGTERM. */
export async function runEmulation(kind: Emulated, settings: Pick<CliSettings, 'host' | 'wsPort' | 'tcpPort'>): Promise<void> {
  const emulation = await startEmulation(kind, settings)
  // The emulators' servers do not hold the process open (test fixtures): the CLI does.
  const keepAlive = setInterval(() => {}, 1 << 30)
  const stop = async (signal: string) => {
    clearInterval(keepAlive)
    console.log(`\ntabmq ${kind} emulator: ${signal}, stopping`)
    await emulation.stop()
    process.exit(0)
  }
  process.once('SIGINT', () => void stop('SIGINT'))
  process.once('SIGTERM', () => void stop('SIGTERM'))
  console.log(`${emulation.describe}. Ctrl+C to stop.`)
}
