import type { Point } from './chart'

/** What the simulated device of apps/broker publishes every second. */
export interface Reading {
  temperature: number
  humidity: number
  fan?: boolean
  setpoint?: number
  ts: number
}

/** A minute of readings at up to 10 a second: the telemetry subscription's `keep`. */
export const TELEMETRY_KEEP = 600

/** What the device's retained status says. */
export type DeviceStatus = 'online' | 'offline' | 'unknown'

/**
 * The device's status from its retained `{ online }` message (none yet: `unknown`).
 *
 * @example
 * deviceStatus({ online: false }) // 'offline'
 */
export function deviceStatus(status: { online?: boolean } | undefined): DeviceStatus {
  return status?.online === true ? 'online' : status?.online === false ? 'offline' : 'unknown'
}

/**
 * The temperature and humidity series of the kept readings, for the charts. A message whose
 * payload was not JSON (its `data` undefined, `message.error` says why) is left out.
 *
 * @example
 * const { temperature, humidity } = telemetrySeries(telemetry.messages)
 */
export function telemetrySeries(messages: Iterable<{ data?: Reading | undefined }>): { temperature: Point[]; humidity: Point[] } {
  const temperature: Point[] = []
  const humidity: Point[] = []
  for (const { data } of messages) {
    if (!data) continue
    temperature.push({ ts: data.ts, value: data.temperature })
    humidity.push({ ts: data.ts, value: data.humidity })
  }
  return { temperature, humidity }
}

/**
 * The latest reading as the tiles show it: temperature to a tenth, humidity whole, `–` before the first.
 *
 * @example
 * latestReading({ temperature: 21.26, humidity: 40.4, ts: 0 }) // { temperature: '21.3', humidity: '40' }
 */
export function latestReading(latest: Reading | undefined): { temperature: string; humidity: string } {
  return latest ? { temperature: latest.temperature.toFixed(1), humidity: latest.humidity.toFixed(0) } : { temperature: '–', humidity: '–' }
}

/**
 * The line under the charts: when the last reading came, or what the panel waits for.
 *
 * @example
 * telemetryNote(undefined, 'active') // 'Waiting for the device…'
 */
export function telemetryNote(latest: Reading | undefined, subscription: string): string {
  if (latest) return `Last reading ${new Date(latest.ts).toLocaleTimeString()}`
  return subscription === 'active' ? 'Waiting for the device…' : 'Subscribing…'
}
