import type { TestBroker } from './types'

/**
 * Resolves once the broker holds `filter` for some client (rejects after 5 s, saying what it holds).
 *
 * @example
 * await brokerHas(broker, 'devices/+/telemetry')
 */
export function brokerHas(broker: TestBroker, filter: string): Promise<void> {
  return broker.waitFor(() => broker.subscriptions().some((s) => s.filter === filter), 5000, `${filter} at the broker`)
}

/**
 * Resolves once no client holds `filter` at the broker (rejects after 5 s).
 *
 * @example
 * unmount()
 * await brokerLacks(broker, 'devices/+/telemetry')
 */
export function brokerLacks(broker: TestBroker, filter: string): Promise<void> {
  return broker.waitFor(() => !broker.subscriptions().some((s) => s.filter === filter), 5000, `${filter} released at the broker`)
}

/**
 * How many UNSUBSCRIBEs of `filter` an aedes broker saw, from its event log. Other kinds log them
 * in their own words, so it throws rather than count 0 there.
 *
 * @example
 * expect(unsubscribeCount(broker, 'a/b')).toBe(1)
 */
export function unsubscribeCount(broker: TestBroker, filter: string): number {
  if (broker.kind !== 'aedes') throw new Error(`unsubscribeCount reads aedes's event log; this broker is ${broker.kind}.`)
  return broker.log().filter((line) => line.endsWith(` unsubscribe ${filter}`)).length
}
