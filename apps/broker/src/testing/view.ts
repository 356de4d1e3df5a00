import type { BrokerSubscription } from './types'

/**
 * What a broker saw, fed by aedes events or Mosquitto log lines: the
 * clients connected now, the subscriptions held now and SUBSCRIBE counts.
 */
export class BrokerView {
  private readonly clients = new Map<string, { clean: boolean }>()
  private readonly subs = new Map<string, Map<string, number>>()
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

  /** The broker granted `filter` to `clientId` at `qos`. */
  subscribed(clientId: string, filter: string, qos: number): void {
    let filters = this.subs.get(clientId)
    if (!filters) this.subs.set(clientId, (filters = new Map()))
    filters.set(filter, qos)
  }

  /** `clientId` unsubscribed from `filter`. */
  unsubscribed(clientId: string, filter: string): void {
    this.subs.get(clientId)?.delete(filter)
  }

  connectedClients(): string[] {
    return [...this.clients.keys()]
  }

  subscriptions(): BrokerSubscription[] {
    const out: BrokerSubscription[] = []
    for (const [clientId, filters] of this.subs) {
      for (const [filter, qos] of filters) out.push({ clientId, filter, qos })
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
