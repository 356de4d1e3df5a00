import type { DeviceState } from './climate'

/** The JSON a device publishes in answer to a command. */
export interface CommandReply {
  ok: boolean
  command: string
  /** The command payload as received (parsed JSON, or the text if it was not JSON). */
  received: unknown
  error?: string
  /** Echoed from the command payload when it had one. */
  requestId?: unknown
  /** Echoed from the command payload when it had one. */
  correlationId?: unknown
  /** The device state after the command. */
  state: Pick<DeviceState, 'fan' | 'setpoint'>
  ts: number
}

/** Parses a payload as JSON, falling back to its text. */
export function parsePayload(payload: Uint8Array): unknown {
  const text = Buffer.from(payload).toString('utf8')
  try {
    return JSON.parse(text) as unknown
  } catch {
    return text
  }
}

type Outcome = { state: DeviceState; error?: string }

function field(received: unknown, name: string): unknown {
  return typeof received === 'object' && received !== null ? (received as Record<string, unknown>)[name] : undefined
}

function apply(state: DeviceState, command: string, received: unknown): Outcome {
  switch (command) {
    case 'fan': {
      const on = field(received, 'on')
      if (typeof on !== 'boolean') return { state, error: 'expected {"on": true|false}' }
      return { state: { ...state, fan: on } }
    }
    case 'setpoint': {
      const value = field(received, 'value')
      if (typeof value !== 'number' || !Number.isFinite(value)) return { state, error: 'expected {"value": <number>}' }
      if (value < 5 || value > 35) return { state, error: 'setpoint must be between 5 and 35 °C' }
      return { state: { ...state, setpoint: value } }
    }
    default:
      return { state, error: 'unknown command' }
  }
}

/**
 * Runs `command` with its parsed payload against `state` and returns the new
 * state and the reply to publish. Unknown commands and bad payloads leave
 * the state unchanged and reply `ok: false` with an `error`.
 */
export function runCommand(state: DeviceState, command: string, received: unknown): { state: DeviceState; reply: CommandReply } {
  const outcome = apply(state, command, received)
  const reply: CommandReply = {
    ok: outcome.error === undefined,
    command,
    received,
    state: { fan: outcome.state.fan, setpoint: outcome.state.setpoint },
    ts: Date.now(),
  }
  if (outcome.error !== undefined) reply.error = outcome.error
  for (const key of ['requestId', 'correlationId'] as const) {
    const value = field(received, key)
    if (value !== undefined) reply[key] = value
  }
  return { state: outcome.state, reply }
}
