import type { BrokerSubscription } from './types'

/**
 * What a broker saw, fed by aedes events or Mosquitto log lines: the
 * clients connected now, the subscriptions held now and SUBSCRIBE counts.
 */
export class BrokerView {
  private readonly clients = new Map<string, { clean: boolean }>()
  /** Client → filter → granted QoS levels (one, except on RabbitMQ, which keeps a binding per QoS). */
  private readonly subs = new Map<string, Map<string, Set<number>>>()
  private readonly requests = new Map<string, number>()
  readonly lines: string[] = []

  /** A client finished connecting; a clean session starts without subscriptions. */
  connected(clientId: string, clean: boolean): void {
    this.clients.set(clientId, { clean })
    if (clean) this.subs.delete(clientId)
  }

  /** A client's connection ended; a clean session's subscriptions end with it. */
  disconnected(clientId: string): void {
    const client = this.clients.get(clientId)
    if (!client) return
    this.clients.delete(clientId)
    if (client.clean) this.subs.delete(clientId)
  }

  /** A SUBSCRIBE asked for `filter` (counted whether granted or not). */
  subscribeRequested(filter: string): void {
    this.requests.set(filter, (this.requests.get(filter) ?? 0) + 1)
  }

  /**
   * The broker granted `filter` to `clientId` at `qos`. A repeated SUBSCRIBE replaces the
   * subscription (MQTT-3.8.4-3); `replace: false` keeps the earlier QoS levels too (RabbitMQ 3.10
   * binds the filter to one queue per QoS and leaves the other binding in place).
   */
  subscribed(clientId: string, filter: string, qos: number, replace = true): void {
    let filters = this.subs.get(clientId)
    if (!filters) this.subs.set(clientId, (filters = new Map()))
    const levels = replace ? undefined : filters.get(filter)
    filters.set(filter, levels ? levels.add(qos) : new Set([qos]))
  }

  /** `clientId` unsubscribed from `filter` (at `qos` only, when given). */
  unsubscribed(clientId: string, filter: string, qos?: number): void {
    const filters = this.subs.get(clientId)
    const levels = filters?.get(filter)
    if (qos !== undefined) levels?.delete(qos)
    if (qos === undefined || levels?.size === 0) filters?.delete(filter)
  }

  connectedClients(): string[] {
    return [...this.clients.keys()]
  }

  subscriptions(): BrokerSubscription[] {
    const out: BrokerSubscription[] = []
    for (const [clientId, filters] of this.subs) {
      for (const [filter, levels] of filters) for (const qos of levels) out.push({ clientId, filter, qos })
    }
    return out
  }

  subscribeCount(filter: string): number {
    return this.requests.get(filter) ?? 0
  }

  /** A one-line summary for error messages. */
  describe(): string {
    const subs = this.subscriptions().map((s) => `${s.clientId}:${s.filter}@${s.qos}`)
    const counts = [...this.requests].map(([f, n]) => `${f}×${n}`)
    return `clients [${this.connectedClients().join(', ')}], subscriptions [${subs.join(', ')}], SUBSCRIBE counts [${counts.join(', ')}]`
  }

  /** See {@link TestBroker.waitFor}. */
  async waitFor(predicate: () => boolean, timeoutMs = 5000, what = 'the condition'): Promise<void> {
    const deadline = Date.now() + timeoutMs
    while (!predicate()) {
      if (Date.now() > deadline) {
        throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}; the broker has ${this.describe()}`)
      }
      await new Promise((r) => setTimeout(r, 10))
    }
  }
}
