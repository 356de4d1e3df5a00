/** What both bench pages expose: messages counted, first and last arrival times. */
export interface BenchCounter {
  ready: boolean
  count: number
  first: number
  last: number
  /** Longest gap between two animation frames while receiving: how janky the main thread got. */
  maxFrameGap: number
}

export function createCounter(): BenchCounter & { hit(): void } {
  const c = { ready: false, count: 0, first: 0, last: 0, maxFrameGap: 0, hit() {} }
  let lastFrame = performance.now()
  const frame = (t: number) => {
    if (c.count > 0) c.maxFrameGap = Math.max(c.maxFrameGap, t - lastFrame)
    lastFrame = t
    requestAnimationFrame(frame)
  }
  requestAnimationFrame(frame)
  c.hit = () => {
    const now = performance.now()
    if (c.count === 0) c.first = now
    c.count++
    c.last = now
  }
  ;(window as unknown as { bench: typeof c }).bench = c
  return c
}
