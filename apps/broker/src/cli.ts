/**
 * `pnpm dev`: the development broker (aedes over WebSocket and TCP) plus
 * simulated devices. Configured through the environment, see ./env.ts.
 */
import { startBroker } from './broker'
import { startDevice, type Device } from './device'
import { readSettings } from './env'
import { emulationFromEnv, runEmulation } from './emulators/cli'

async function main(): Promise<void> {
  const settings = readSettings()
  const emulate = emulationFromEnv()
  if (emulate) return runEmulation(emulate, settings)
  const broker = await startBroker(settings)
  const devices: Device[] = []
  let stopping = false
  const stop = async (signal: string) => {
    if (stopping) return
    stopping = true
    console.log(`\ntabmq broker: ${signal}, stopping`)
    await Promise.all(devices.map((d) => d.stop()))
    await broker.close()
    process.exit(0)
  }
  process.on('SIGINT', () => void stop('SIGINT'))
  process.on('SIGTERM', () => void stop('SIGTERM'))

  for (let i = 1; i <= settings.devices; i++) {
    devices.push(await startDevice({ url: broker.tcpUrl, deviceId: `device-${i}`, intervalMs: settings.intervalMs }))
  }
  const names = devices.length > 0 ? devices.map((d) => d.deviceId).join(', ') : 'none'
  console.log(`tabmq broker: ${broker.wsUrl} (WebSocket) and ${broker.tcpUrl} (TCP), devices: ${names}. Ctrl+C to stop.`)
}

main().catch((err: unknown) => {
  console.error(`tabmq broker: ${err instanceof Error ? err.message : String(err)}`)
  process.exit(1)
})
