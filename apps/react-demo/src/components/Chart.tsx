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
export function Chart({ points, windowMs = 60_000, label, unit }: { points: Point[]; windowMs?: number; label: string; unit: string }) {
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
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${W} ${H}`} preserveAspectRatio="none" role="img" aria-label={`${label}, last minute`}>
        <line className="chart-grid" x1="0" x2={W} y1={H / 2} y2={H / 2} />
        {shown.length > 1 && <polyline className="chart-line" points={line} vectorEffect="non-scaling-stroke" />}
      </svg>
      <figcaption className="muted">
        <span>{label} · last minute</span>
        {shown.length > 0 && (
          <span>
            {min.toFixed(1)}–{max.toFixed(1)} {unit}
          </span>
        )}
      </figcaption>
    </figure>
  )
}
