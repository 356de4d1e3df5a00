/**
 * What every contender does with a message, wherever it runs (a page or a worker): probes mark the
 * subscription live; data messages are counted once each (duplicates and strays noted), with first
 * and last arrival (epoch ms, comparable across tabs), bytes, and for paced streams the latency
 * from the publisher's send stamp.
 */
export interface CounterResult {
  count: number
  dupes: number
  strays: number
  first: number
  last: number
  bytes: number
  latency?: { p50: number; p99: number; max: number; n: number }
}

export type Mode = 'flood' | 'latency' | 'binary' | 'retained' | 'many'

/** Latencies of the first messages are left out: they pay for JIT warm-up, not for the path. */
const LATENCY_WARMUP = 200

const epochNow = () => performance.timeOrigin + performance.now()

export function createCounter(mode: Mode) {
  let target = Infinity
  let seen = new Uint8Array(0)
  let latencies = new Float64Array(0)
  let resolveDone: ((r: CounterResult) => void) | undefined
  const c = { probed: false, count: 0, dupes: 0, strays: 0, first: 0, last: 0, bytes: 0 }

  function result(): CounterResult {
    const r: CounterResult = { ...c }
    if (mode === 'latency') {
      const xs = latencies.slice(Math.min(LATENCY_WARMUP, c.count), c.count).sort()
      const at = (q: number) => xs[Math.min(xs.length - 1, Math.floor(q * xs.length))] ?? NaN
      r.latency = { p50: at(0.5), p99: at(0.99), max: xs[xs.length - 1] ?? NaN, n: xs.length }
    }
    return r
  }

  return {
    get probed() {
      return c.probed
    },
    get count() {
      return c.count
    },
    /** Starts counting towards `n`; resolves with the result once `n` distinct messages arrived. */
    arm(n: number): Promise<CounterResult> {
      target = n
      seen = new Uint8Array(n)
      latencies = new Float64Array(mode === 'latency' ? n : 0)
      Object.assign(c, { count: 0, dupes: 0, strays: 0, first: 0, last: 0, bytes: 0 })
      return new Promise(resolve => (resolveDone = resolve))
    },
    result,
    /** One message: `value` is the decoded JSON (with `i`, maybe `t`) or the bytes (i in the first 4). */
    message(topic: string, value: unknown, bytes: number): void {
      if (topic.charCodeAt(6) === 112 /* bench/p(robe) */) {
        c.probed = true
        return
      }
      const now = epochNow()
      let i: number
      if (value instanceof Uint8Array) i = ((value[0]! << 24) | (value[1]! << 16) | (value[2]! << 8) | value[3]!) >>> 0
      else i = (value as { i: number }).i
      if (!(i >= 0 && i < target)) {
        c.strays++
        return
      }
      if (seen[i]) {
        c.dupes++
        return
      }
      seen[i] = 1
      if (c.count === 0) c.first = now
      c.last = now
      c.bytes += bytes
      if (mode === 'latency') latencies[c.count] = now - (value as { t: number }).t
      if (++c.count === target) resolveDone?.(result())
    },
  }
}

export type Counter = ReturnType<typeof createCounter>
