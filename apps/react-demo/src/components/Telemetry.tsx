import { useMemo } from 'react'
import { useTopic } from '@tabmq/react'
import { Chart, type Point } from './Chart'

/** What the simulated device of apps/broker publishes every second. */
export interface Reading {
  temperature: number
  humidity: number
  fan?: boolean
  setpoint?: number
  ts: number
}

export function Telemetry({ deviceId }: { deviceId: string }) {
  // A minute at up to 10 readings a second; the hook re-renders at most once a frame.
  const telemetry = useTopic<Reading>(`devices/${deviceId}/telemetry`, { codec: 'json', keep: 600 })
  const status = useTopic<{ online?: boolean }>(`devices/${deviceId}/status`, { codec: 'json' })
  const latest = telemetry.data
  const device = status.data?.online === true ? 'online' : status.data?.online === false ? 'offline' : 'unknown'

  const { temperature, humidity } = useMemo(() => {
    const temperature: Point[] = []
    const humidity: Point[] = []
    for (const m of telemetry.messages) {
      if (!m.data) continue // a payload that was not JSON (message.error says why)
      temperature.push({ ts: m.data.ts, value: m.data.temperature })
      humidity.push({ ts: m.data.ts, value: m.data.humidity })
    }
    return { temperature, humidity }
  }, [telemetry.messages])

  return (
    <section className="card telemetry" aria-labelledby="telemetry-title">
      <div className="card-head">
        <h2 id="telemetry-title">Telemetry</h2>
        <span className={`badge badge-${device}`} data-testid="device-status" data-status={device}>
          <span className="id">{deviceId}</span> · {device}
        </span>
      </div>
      {telemetry.error && <p className="field-error">{telemetry.error.message}</p>}
      <div className="readings">
        <div className="reading">
          <span className="muted">Temperature</span>
          <strong data-testid="latest-temperature">{latest ? latest.temperature.toFixed(1) : '–'}</strong>
          <span className="unit">°C</span>
        </div>
        <div className="reading">
          <span className="muted">Humidity</span>
          <strong data-testid="latest-humidity">{latest ? latest.humidity.toFixed(0) : '–'}</strong>
          <span className="unit">%</span>
        </div>
      </div>
      <Chart label="Temperature" unit="°C" points={temperature} />
      <Chart label="Humidity" unit="%" points={humidity} />
      <p className="muted small">
        {latest ? `Last reading ${new Date(latest.ts).toLocaleTimeString()}` : telemetry.status === 'active' ? 'Waiting for the device…' : 'Subscribing…'}
      </p>
    </section>
  )
}
