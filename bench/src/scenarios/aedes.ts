import { startBroker } from '@tabmq/broker'
import type { Driver } from '../driver.js'
import { Publisher, jsonFlood } from '../publisher.js'
import type { Bench } from '../runner.js'
import { series, type Series } from './series.js'

/**
 * Runs `fn` against aedes, the project's embedded development broker (Node, single-threaded, in
 * this process: its CPU is the bench process's), with a publisher of its own.
 */
export async function withAedes<T>(bench: Bench, fn: (onAedes: Bench) => Promise<T>): Promise<T> {
  const broker = await startBroker({ wsPort: 0, tcpPort: 0, unref: true })
  const publisher = await Publisher.connect(Number(new URL(broker.tcpUrl).port))
  try {
    return await fn({
      ...bench,
      publisher,
      broker: { kind: 'aedes', wsUrl: broker.wsUrl, subscribers: () => broker.aedes.connectedClients - 1, drops: [], pid: process.pid },
    })
  } finally {
    publisher.close()
    await broker.close()
  }
}

/**
 * The figures the old bench gave, kept and named as such: the same floods through aedes. A
 * JavaScript broker is slower than Mosquitto; what it limits shows here.
 */
export function aedes(bench: Bench, driver: Driver, reps: number, messages: { one: number; four: number }): Promise<{ one: Series; four: Series }> {
  return withAedes(bench, async onAedes => ({
    one: await series(onAedes, driver, 'aedes 1 tab', ['tabmq', 'mqttjs'], reps, () => ({ tabs: 1, mode: 'flood', messages: messages.one, send: p => p.write(jsonFlood(messages.one)) })),
    four: await series(onAedes, driver, 'aedes 4 tabs', ['tabmq', 'mqttjs'], reps, () => ({ tabs: 4, mode: 'flood', messages: messages.four, send: p => p.write(jsonFlood(messages.four)) })),
  }))
}
