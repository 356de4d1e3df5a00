import { CHART_HEIGHT as H, CHART_WIDTH as W, chartView, type Point } from '@tabmq/demo-kit'

/** The last minute of a series as an SVG polyline (geometry from @tabmq/demo-kit's chartView). */
export function Chart({ points, windowMs = 60_000, label, unit }: { points: Point[]; windowMs?: number; label: string; unit: string }) {
  const view = chartView(points, windowMs)
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${W} ${H}`} preserveAspectRatio="none" role="img" aria-label={`${label}, last minute`}>
        <line className="chart-grid" x1="0" x2={W} y1={H / 2} y2={H / 2} />
        {view.count > 1 && <polyline className="chart-line" points={view.line} vectorEffect="non-scaling-stroke" />}
      </svg>
      <figcaption className="muted">
        <span>{label} · last minute</span>
        {view.count > 0 && (
          <span>
            {view.range} {unit}
          </span>
        )}
      </figcaption>
    </figure>
  )
}
