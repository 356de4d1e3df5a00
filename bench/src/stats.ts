/** Median with min and max of repeated measurements. */
export interface Spread {
  median: number
  min: number
  max: number
  n: number
}

export function spread(values: number[]): Spread {
  const xs = values.filter(v => Number.isFinite(v)).sort((a, b) => a - b)
  if (xs.length === 0) return { median: NaN, min: NaN, max: NaN, n: 0 }
  const mid = xs.length >> 1
  const median = xs.length % 2 ? xs[mid]! : (xs[mid - 1]! + xs[mid]!) / 2
  return { median, min: xs[0]!, max: xs[xs.length - 1]!, n: xs.length }
}

/** Per-repetition ratios a[i] / b[i] of two contenders measured in the same repetition. */
export function pairedRatio(a: number[], b: number[]): Spread {
  return spread(a.map((x, i) => x / b[i]!))
}

/** Per-repetition differences a[i] - b[i]. */
export function pairedDiff(a: number[], b: number[]): Spread {
  return spread(a.map((x, i) => x - b[i]!))
}

const fmtNum = (x: number, digits: number) => (Number.isFinite(x) ? x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : 'n/a')

/** "1,234 (1,100–1,300)" */
export function fmt(s: Spread, digits = 0, unit = ''): string {
  if (s.n === 0) return 'n/a'
  if (s.n === 1 || s.min === s.max) return `${fmtNum(s.median, digits)}${unit}`
  return `${fmtNum(s.median, digits)}${unit} (${fmtNum(s.min, digits)}–${fmtNum(s.max, digits)})`
}

export const fmtRatio = (s: Spread) => fmt(s, 2, 'x')
