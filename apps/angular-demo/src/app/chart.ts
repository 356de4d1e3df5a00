import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core'
import { CHART_HEIGHT, CHART_WIDTH, chartView, type Point } from '@tabmq/demo-kit'

/** The last minute of a series as an SVG polyline (geometry from @tabmq/demo-kit's chartView). */
@Component({
  selector: 'figure[app-chart]',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { class: 'chart' },
  template: `
    <svg [attr.viewBox]="viewBox" preserveAspectRatio="none" role="img" [attr.aria-label]="label() + ', last minute'">
      <svg:line class="chart-grid" x1="0" [attr.x2]="width" [attr.y1]="height / 2" [attr.y2]="height / 2" />
      @if (view().count > 1) {
        <svg:polyline class="chart-line" [attr.points]="view().line" vector-effect="non-scaling-stroke" />
      }
    </svg>
    <figcaption class="muted">
      <span>{{ label() }} · last minute</span>
      @if (view().count > 0) {
        <span>{{ view().range }} {{ unit() }}</span>
      }
    </figcaption>
  `,
})
export class Chart {
  readonly points = input.required<Point[]>()
  readonly label = input.required<string>()
  readonly unit = input.required<string>()
  readonly windowMs = input(60_000)
  protected readonly width = CHART_WIDTH
  protected readonly height = CHART_HEIGHT
  protected readonly viewBox = `0 0 ${CHART_WIDTH} ${CHART_HEIGHT}`
  protected readonly view = computed(() => chartView(this.points(), this.windowMs()))
}
