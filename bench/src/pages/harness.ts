import { createCounter, type CounterResult, type Mode } from './counter.js'

/**
 * The page side every contender shares: reads the query (`broker`, `mode`, `filter`), keeps the
 * frame-gap watch, and exposes `window.bench` for the driver's Runtime.evaluate calls. The driver
 * never polls during a measurement: it awaits `bench.finished()` in the page.
 */
const params = new URLSearchParams(location.search)
export const broker = params.get('broker')!
export const mode = (params.get('mode') ?? 'flood') as Mode
export const filter = params.get('filter') ?? (mode === 'retained' ? 'bench/retained/#' : 'bench/#')
export const manyFilters = Number(params.get('filters') ?? 1000)

export interface PageResult extends CounterResult {
  /** Longest gap between animation frames from arming to the last message (ms). */
  maxFrameGap: number
  frames: number
  visibility: DocumentVisibilityState
  timedOut?: boolean
}

/** Where the counting happens: in this page, or relayed from a worker. */
export interface CountingSide {
  readonly probed: boolean
  arm(n: number): Promise<CounterResult>
  partial(): Promise<CounterResult>
}

/** Counting in this page. */
export function pageCounter() {
  const counter = createCounter(mode)
  const side: CountingSide = { get probed() { return counter.probed }, arm: n => counter.arm(n), partial: async () => counter.result() }
  return { counter, side }
}

/** Counting in a worker that runs the contender; the worker answers 'arm' with 'done'. */
export function workerCounter(worker: Worker): CountingSide {
  let probed = false
  let onDone: ((r: CounterResult) => void) | undefined
  let onPartial: ((r: CounterResult) => void) | undefined
  worker.onmessage = (e: MessageEvent<{ t: string; result?: CounterResult }>) => {
    if (e.data.t === 'probed') probed = true
    else if (e.data.t === 'done') onDone?.(e.data.result!)
    else if (e.data.t === 'partial') onPartial?.(e.data.result!)
  }
  return {
    get probed() {
      return probed
    },
    arm(n) {
      worker.postMessage({ t: 'arm', n })
      return new Promise(resolve => (onDone = resolve))
    },
    partial() {
      worker.postMessage({ t: 'partial' })
      return new Promise(resolve => (onPartial = resolve))
    },
  }
}

/** Installs `window.bench`. `extra` adds mode-specific calls (retained arrival, subscriptions ready, stats). */
export function expose(side: CountingSide, extra: Record<string, unknown> = {}): void {
  let armed = false
  let maxFrameGap = 0
  let frames = 0
  let lastFrame = performance.now()
  const frame = (t: number) => {
    if (armed) {
      maxFrameGap = Math.max(maxFrameGap, t - lastFrame)
      frames++
    }
    lastFrame = t
    requestAnimationFrame(frame)
  }
  requestAnimationFrame(frame)
  let done: Promise<CounterResult> | undefined
  const finish = (r: CounterResult, timedOut = false): PageResult => {
    if (armed) maxFrameGap = Math.max(maxFrameGap, performance.now() - lastFrame)
    armed = false
    return { ...r, maxFrameGap, frames, visibility: document.visibilityState, ...(timedOut ? { timedOut } : {}) }
  }
  ;(window as unknown as { bench: unknown }).bench = {
    started: true,
    mode,
    get probed() {
      return side.probed
    },
    arm(n: number) {
      maxFrameGap = 0
      frames = 0
      lastFrame = performance.now()
      armed = true
      done = side.arm(n)
      return true
    },
    finished(timeoutMs: number): Promise<PageResult> {
      const timeout = new Promise<PageResult>(resolve => setTimeout(() => void side.partial().then(r => resolve(finish(r, true))), timeoutMs))
      return Promise.race([done!.then(r => finish(r)), timeout])
    },
    ...extra,
  }
}

/** When this module ran, in ms since the tab's navigation started: the page's own loading before any client code. */
const scriptStart = performance.now()

export interface FirstMessage {
  /** ms from navigation start to the first message at the callback. */
  atMs: number
  /** ms from navigation start to the page's script running (loading and compiling the bundle). */
  scriptMs: number
}

/** Resolves at the first message (a retained one) with when it came, since the tab's navigation started. */
export function firstMessageClock() {
  let done = false
  let resolve: ((m: FirstMessage) => void) | undefined
  const first = new Promise<FirstMessage>(r => (resolve = r))
  return {
    hit() {
      if (done) return
      done = true
      resolve!({ atMs: performance.now(), scriptMs: scriptStart })
    },
    first,
  }
}
