/** What the simulated device reports and what commands change. */
export interface DeviceState {
  /** °C, drifts toward the setpoint, faster (and a bit below it) with the fan on. */
  temperature: number
  /** %, a random walk kept within 40–60. */
  humidity: number
  /** Fan on or off (command `fan` with `{ on: boolean }`). */
  fan: boolean
  /** Target temperature in °C (command `setpoint` with `{ value: number }`). */
  setpoint: number
}

/** The state of a freshly started device. */
export function initialState(random: () => number = Math.random): DeviceState {
  return {
    temperature: round(20.5 + random(), 1),
    humidity: round(45 + random() * 10, 1),
    fan: false,
    setpoint: 21,
  }
}

/** One step of the simulation: a small random walk with realistic bounds. */
export function step(state: DeviceState, random: () => number = Math.random): DeviceState {
  const target = state.fan ? state.setpoint - 0.5 : state.setpoint
  const pull = (target - state.temperature) * (state.fan ? 0.2 : 0.05)
  const temperature = clamp(state.temperature + pull + (random() - 0.5) * 0.2, -10, 45)
  const humidity = clamp(state.humidity + (random() - 0.5) * 1.2 - (state.fan ? 0.1 : 0), 40, 60)
  return { ...state, temperature: round(temperature, 1), humidity: round(humidity, 1) }
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value))
}

function round(value: number, digits: number): number {
  const f = 10 ** digits
  return Math.round(value * f) / f
}
