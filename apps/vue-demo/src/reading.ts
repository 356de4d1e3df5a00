/** What the simulated device of apps/broker publishes every second. */
export interface Reading {
  temperature: number
  humidity: number
  fan?: boolean
  setpoint?: number
  ts: number
}
