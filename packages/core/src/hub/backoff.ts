import type { ReconnectOptions } from '../types.js'

/**
 * Delay before reconnect attempt `attempt` (1-based): exponential, capped, with jitter so that
 * many clients cut off at once do not come back at once.
 *
 * @example
 * backoffDelay(3, { initialDelayMs: 500 }) // about 1000..2000 ms
 */
export function backoffDelay(attempt: number, options: ReconnectOptions = {}, random: () => number = Math.random): number {
  const { initialDelayMs = 500, maxDelayMs = 30_000, factor = 2, jitter = 0.5 } = options
  const base = Math.min(maxDelayMs, initialDelayMs * factor ** Math.max(0, attempt - 1))
  const j = Math.min(1, Math.max(0, jitter))
  return Math.round(base * (1 - j) + base * j * random())
}
