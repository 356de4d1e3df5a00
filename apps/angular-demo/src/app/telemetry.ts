import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core'
import { injectTopic } from '@tabmq/angular'
import { deviceStatus, deviceTopics, latestReading, type Reading, TELEMETRY_KEEP, telemetryNote, telemetrySeries } from '@tabmq/demo-kit'
import { Chart } from './chart'

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
        <strong data-testid="latest-temperature">{{ latest().temperature }}</strong>
        <span class="unit">°C</span>
      </div>
      <div class="reading">
        <span class="muted">Humidity</span>
        <strong data-testid="latest-humidity">{{ latest().humidity }}</strong>
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
  readonly #topics = computed(() => deviceTopics(this.deviceId()))
  // The signal updates at most once a frame, however fast readings come.
  protected readonly telemetry = injectTopic<Reading>(() => this.#topics().telemetry, { codec: 'json', keep: TELEMETRY_KEEP })
  protected readonly status = injectTopic<{ online?: boolean }>(() => this.#topics().status, { codec: 'json' })
  protected readonly latest = computed(() => latestReading(this.telemetry().data))
  protected readonly device = computed(() => deviceStatus(this.status().data))
  protected readonly series = computed(() => telemetrySeries(this.telemetry().messages))
  protected readonly footnote = computed(() => telemetryNote(this.telemetry().data, this.telemetry().status))
}
