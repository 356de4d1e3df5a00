/**
 * Cost of many subscriptions at once (a dashboard with a tile per device): time until N distinct
 * filters are granted at an aedes broker, through the in-process hub.
 *
 *   pnpm --filter @tabmq/core exec tsx bench/subscribe-many.ts   (N=1000 to change)
 */
import { startBroker } from '@tabmq/broker'
import { createPubSub } from '../src/index.js'
import { createHub } from '../src/hub/index.js'
import { mqttOverWs } from '../src/providers/index.js'

for (const n of process.env.N ? [Number(process.env.N)] : [200, 1000]) {
  const broker = await startBroker({ wsPort: 0, tcpPort: 0 })
  const hub = createHub()
  const client = createPubSub({ provider: mqttOverWs({ url: broker.wsUrl }), hub })
  const start = performance.now()
  for (let i = 0; i < n; i++) client.subscribe(`site/${i}/+/telemetry`).subscribe(() => {})
  for (;;) {
    const stats = await hub.stats()
    if (stats.connections[0]?.brokerFilters.filter(b => b.state === 'active').length === n) break
    await new Promise(r => setTimeout(r, 20))
  }
  console.log(`${n} subscriptions granted in ${Math.round(performance.now() - start)} ms`)
  await client.close()
  await broker.close()
}
