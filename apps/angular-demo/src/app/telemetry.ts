import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core'
import { injectTopic } from '@tabmq/angular'
import { Chart, type Point } from './chart'

/** What the simulated device of apps/broker publishes every second. */
export interface Reading {
  temperature: number
  humidity: number
  fan?: boolean
  setpoint?: number
  ts: number
}

@Component({
  selector: 'section[app-telemetry]',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [Chart],
  host: { class: 'card telemetry', 'aria-labelledby': 'telemetry-title' },
  template: `
    <div class="card-head">
      <h2 id="telemetry-title">Telemetry</h2>
      <span [class]="'badge badge-' + device()" data-testid="device-status" [attr.data-status]="device()"><span class="id">{{ deviceId() }}</span> · {{ device() }}</span>
    </div>
    @if (telemetry().error; as error) {
      <p class="field-error">{{ error.message }}</p>
    }
    <div class="readings">
      <div class="reading">
        <span class="muted">Temperature</span>
        <strong data-testid="latest-temperature">{{ latest() ? latest()!.temperature.toFixed(1) : '–' }}</strong>
        <span class="unit">°C</span>
      </div>
      <div class="reading">
        <span class="muted">Humidity</span>
        <strong data-testid="latest-humidity">{{ latest() ? latest()!.humidity.toFixed(0) : '–' }}</strong>
        <span class="unit">%</span>
      </div>
    </div>
    <figure app-chart label="Temperature" unit="°C" [points]="series().temperature"></figure>
    <figure app-chart label="Humidity" unit="%" [points]="series().humidity"></figure>
    <p class="muted small">{{ footnote() }}</p>
  `,
})
export class Telemetry {
  readonly deviceId = input.required<string>()
  // A minute at up to 10 readings a second; the signal updates at most once a frame.
  protected readonly telemetry = injectTopic<Reading>(() => `devices/${this.deviceId()}/telemetry`, { codec: 'json', keep: 600 })
  protected readonly status = injectTopic<{ online?: boolean }>(() => `devices/${this.deviceId()}/status`, { codec: 'json' })
  protected readonly latest = computed(() => this.telemetry().data)
  protected readonly device = computed(() => {
    const online = this.status().data?.online
    return online === true ? 'online' : online === false ? 'offline' : 'unknown'
  })

  protected readonly series = computed(() => {
    const temperature: Point[] = []
    const humidity: Point[] = []
    for (const m of this.telemetry().messages) {
      if (!m.data) continue // a payload that was not JSON (message.error says why)
      temperature.push({ ts: m.data.ts, value: m.data.temperature })
      humidity.push({ ts: m.data.ts, value: m.data.humidity })
    }
    return { temperature, humidity }
  })

  protected readonly footnote = computed(() => {
    const latest = this.latest()
    if (latest) return `Last reading ${new Date(latest.ts).toLocaleTimeString()}`
    return this.telemetry().status === 'active' ? 'Waiting for the device…' : 'Subscribing…'
  })
}
