import { useMemo } from 'react'
import { useTopic } from '@tabmq/react'
import { deviceStatus, deviceTopics, latestReading, type Reading, TELEMETRY_KEEP, telemetryNote, telemetrySeries } from '@tabmq/demo-kit'
import { Chart } from './Chart'

export function Telemetry({ deviceId }: { deviceId: string }) {
  const topics = deviceTopics(deviceId)
  // The hook re-renders at most once a frame, however fast readings come.
  const telemetry = useTopic<Reading>(topics.telemetry, { codec: 'json', keep: TELEMETRY_KEEP })
  const status = useTopic<{ online?: boolean }>(topics.status, { codec: 'json' })
  const latest = latestReading(telemetry.data)
  const device = deviceStatus(status.data)
  const { temperature, humidity } = useMemo(() => telemetrySeries(telemetry.messages), [telemetry.messages])

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
          <strong data-testid="latest-temperature">{latest.temperature}</strong>
          <span className="unit">°C</span>
        </div>
        <div className="reading">
          <span className="muted">Humidity</span>
          <strong data-testid="latest-humidity">{latest.humidity}</strong>
          <span className="unit">%</span>
        </div>
      </div>
      <Chart label="Temperature" unit="°C" points={temperature} />
      <Chart label="Humidity" unit="%" points={humidity} />
      <p className="muted small">{telemetryNote(telemetry.data, telemetry.status)}</p>
    </section>
  )
}
