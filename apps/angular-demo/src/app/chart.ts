import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core'

/** A point of a series: epoch ms and a value. */
export interface Point {
  ts: number
  value: number
}

const W = 300
const H = 80
const PAD = 4

/**
 * The last `windowMs` of a series as an SVG polyline, scaled to its own range. The window ends at
 * the newest point, so the chart moves with the data and needs no timer.
 */
@Component({
  selector: 'figure[app-chart]',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { class: 'chart' },
  template: `
    <svg [attr.viewBox]="viewBox" preserveAspectRatio="none" role="img" [attr.aria-label]="label() + ', last minute'">
      <svg:line class="chart-grid" x1="0" [attr.x2]="width" [attr.y1]="height / 2" [attr.y2]="height / 2" />
      @if (view().shown > 1) {
        <svg:polyline class="chart-line" [attr.points]="view().line" vector-effect="non-scaling-stroke" />
      }
    </svg>
    <figcaption class="muted">
      <span>{{ label() }} · last minute</span>
      @if (view().shown > 0) {
        <span>{{ view().min.toFixed(1) }}–{{ view().max.toFixed(1) }} {{ unit() }}</span>
      }
    </figcaption>
  `,
})
export class Chart {
  readonly points = input.required<Point[]>()
  readonly label = input.required<string>()
  readonly unit = input.required<string>()
  readonly windowMs = input(60_000)
  protected readonly width = W
  protected readonly height = H
  protected readonly viewBox = `0 0 ${W} ${H}`

  protected readonly view = computed(() => {
    const points = this.points()
    const windowMs = this.windowMs()
    const end = points.at(-1)?.ts ?? 0
    const shown = points.filter(p => p.ts > end - windowMs)
    const values = shown.map(p => p.value)
    const min = Math.min(...values)
    const max = Math.max(...values)
    const span = max - min || 1
    const line = shown
      .map(p => {
        const x = W - ((end - p.ts) / windowMs) * W
        const y = H - PAD - ((p.value - min) / span) * (H - 2 * PAD)
        return `${x.toFixed(1)},${y.toFixed(1)}`
      })
      .join(' ')
    return { shown: shown.length, min, max, line }
  })
}
