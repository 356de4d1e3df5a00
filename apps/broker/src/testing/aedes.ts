import { startBroker } from '../broker'
import type { TestBroker, TestBrokerOptions } from './types'
import { BrokerView } from './view'

/**
 * Starts an in-process aedes broker on free ports (WebSocket and TCP) and
 * tracks its clients and subscriptions from aedes events. Its servers do
 * not keep the process alive; close() drops every client at once.
 */
export async function startAedes(opts: TestBrokerOptions = {}): Promise<TestBroker> {
  const broker = await startBroker({ ...opts, wsPort: 0, tcpPort: 0, unref: true })
  const view = new BrokerView()
  const { aedes } = broker
  aedes.on('client', (client) => {
    view.lines.push(`client ${client.id} connected (clean ${client.clean})`)
    view.connected(client.id, client.clean)
  })
  aedes.on('clientDisconnect', (client) => {
    view.lines.push(`client ${client.id} disconnected`)
    view.disconnected(client.id)
  })
  aedes.on('subscribe', (subs, client) => {
    for (const sub of subs) {
      view.lines.push(`client ${client.id} subscribe ${sub.topic} qos ${sub.qos}`)
      view.subscribeRequested(sub.topic)
      if ((sub.qos as number) !== 128) view.subscribed(client.id, sub.topic, sub.qos)
    }
  })
  aedes.on('unsubscribe', (filters, client) => {
    for (const filter of filters) {
      view.lines.push(`client ${client.id} unsubscribe ${filter}`)
      view.unsubscribed(client.id, filter)
    }
  })
  return {
    kind: 'aedes',
    wsUrl: broker.wsUrl,
    tcpUrl: broker.tcpUrl,
    protocolVersions: [3, 4],
    connectedClients: () => view.connectedClients(),
    subscriptions: () => view.subscriptions(),
    subscribeCount: (filter) => view.subscribeCount(filter),
    waitFor: (predicate, timeoutMs, what) => view.waitFor(predicate, timeoutMs, what),
    log: () => [...view.lines],
    close: () => broker.close(),
  }
}
