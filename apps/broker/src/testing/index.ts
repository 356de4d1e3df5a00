/**
 * Test fixtures: real brokers on free ports and what they saw, waits on what they hold, and a
 * static server for built pages.
 *
 * ```ts
 * import { brokerKinds, startTestBroker } from '@tabmq/broker/testing'
 * describe.each(brokerKinds())('%s', (kind) => {
 *   let broker: TestBroker
 *   beforeAll(async () => { broker = await startTestBroker(kind) })
 *   afterAll(() => broker.close())
 * })
 * ```
 */
import { startAedes } from './aedes'
import { startMosquitto } from './mosquitto'
import { startRabbitMQ } from './rabbitmq'
import type { BrokerKind, TestBroker, TestBrokerOptions } from './types'

export { startAedes } from './aedes'
export { startMosquitto, isMosquittoInstalled, findMosquitto } from './mosquitto'
export { startRabbitMQ, isRabbitMQInstalled, findRabbitMQ } from './rabbitmq'
export { startFaultProxy } from './fault-proxy'
export type { FaultProxy } from './fault-proxy'
export { brokerHas, brokerLacks, unsubscribeCount } from './subscription-waits'
export { hubFilters } from './hub-filters'
export type { StatsSource } from './hub-filters'
export { sleep } from './sleep'
export { serveStatic } from './serve-static'
export type { ServeOptions, StaticServer } from './serve-static'
export type { BrokerKind, BrokerSubscription, TestBroker, TestBrokerOptions } from './types'

/**
 * The broker kinds every test runs against: `['aedes', 'mosquitto']`. Mosquitto is never dropped
 * silently: when it is missing, startMosquitto says how to install it. RabbitMQ takes about 10 s
 * to start and differs in places, so it has compatibility suites of its own (`startTestBroker('rabbitmq')`).
 */
export function brokerKinds(): BrokerKind[] {
  return ['aedes', 'mosquitto']
}

/** Starts a test broker of the given kind. */
export function startTestBroker(kind: BrokerKind, opts: TestBrokerOptions = {}): Promise<TestBroker> {
  if (kind === 'rabbitmq') return startRabbitMQ(opts)
  return kind === 'aedes' ? startAedes(opts) : startMosquitto(opts)
}

/** Starts one broker of every kind in {@link brokerKinds}. */
export function startBrokers(opts: TestBrokerOptions = {}): Promise<TestBroker[]> {
  return Promise.all(brokerKinds().map((kind) => startTestBroker(kind, opts)))
}

