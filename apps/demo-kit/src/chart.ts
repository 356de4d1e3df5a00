/** A point of a series: epoch ms and a value. */
export interface Point {
  ts: number
  value: number
}

/** The chart's SVG viewBox size. */
export const CHART_WIDTH = 300
export const CHART_HEIGHT = 80
const PAD = 4

export interface ChartView {
  /** How many points are in the window (a line needs two). */
  count: number
  min: number
  max: number
  /** The value range, `min–max` to a tenth. */
  range: string
  /** The SVG polyline's `points`. */
  line: string
}

/**
 * The last `windowMs` of a series as an SVG polyline in a {@link CHART_WIDTH}×{@link CHART_HEIGHT}
 * box, scaled to its own range. The window ends at the newest point, so the chart moves with the
 * data and needs no timer.
 *
 * @example
 * const { count, line, range } = chartView(points)
 */
export function chartView(points: readonly Point[], windowMs = 60_000): ChartView {
  const end = points.at(-1)?.ts ?? 0
  const shown = points.filter(p => p.ts > end - windowMs)
  const values = shown.map(p => p.value)
  const min = Math.min(...values)
  const max = Math.max(...values)
  const span = max - min || 1
  const line = shown
    .map(p => {
      const x = CHART_WIDTH - ((end - p.ts) / windowMs) * CHART_WIDTH
      const y = CHART_HEIGHT - PAD - ((p.value - min) / span) * (CHART_HEIGHT - 2 * PAD)
      return `${x.toFixed(1)},${y.toFixed(1)}`
    })
    .join(' ')
  return { count: shown.length, min, max, range: `${min.toFixed(1)}–${max.toFixed(1)}`, line }
}
