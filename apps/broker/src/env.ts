/** Settings the CLI reads from the environment. */
export interface CliSettings {
  host: string
  wsPort: number
  tcpPort: number
  devices: number
  intervalMs: number
}

function intFrom(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]?.trim()
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name}=${raw} is not valid: expected a whole number from ${min} to ${max}`)
  }
  return value
}

/**
 * Reads TABMQ_HOST (default 127.0.0.1), TABMQ_WS_PORT (8083), TABMQ_TCP_PORT
 * (1883), TABMQ_DEVICES (1) and TABMQ_INTERVAL_MS (1000). Throws an Error
 * with a one-line message for a bad value.
 */
export function readSettings(env: NodeJS.ProcessEnv = process.env): CliSettings {
  return {
    host: env.TABMQ_HOST?.trim() || '127.0.0.1',
    wsPort: intFrom(env, 'TABMQ_WS_PORT', 8083, 0, 65535),
    tcpPort: intFrom(env, 'TABMQ_TCP_PORT', 1883, 0, 65535),
    devices: intFrom(env, 'TABMQ_DEVICES', 1, 0, 1000),
    intervalMs: intFrom(env, 'TABMQ_INTERVAL_MS', 1000, 10, 3_600_000),
  }
}
