/** How soon after a SUBSCRIBE a close counts as the broker's answer to it (a dead link takes a keepalive). */
export const CLOSE_ANSWER_MS = 5000

/**
 * Finds a SUBSCRIBE the broker answers by closing the connection instead of with a SUBACK failure,
 * as RabbitMQ 3.10 does for a filter the user may not read (AWS IoT did too). The broker handles
 * SUBSCRIBEs in order, so the oldest one unanswered when the connection closes is the suspect
 * (not proof: RabbitMQ's Web MQTT also drops the SUBACKs of SUBSCRIBEs that came in the same
 * WebSocket frame). From then on a suspect is held back until no other SUBSCRIBE waits for its
 * SUBACK, and sent alone, one suspect at a time; if it is the oldest unanswered at a close again,
 * it is the cause. Without this every tab sharing the connection would be cut off again on every
 * reconnect, where a plain client per tab would cut off only the tab that asked.
 *
 * @example
 * suspects.sent('secret/x')
 * suspects.closed() // undefined: a first strike
 * suspects.hold(() => send('secret/x')) // on the next connection: sent once nothing else waits
 * suspects.closed() // 'secret/x': refuse it
 */
export class SubscribeSuspects {
  private seq = 0
  private readonly outstanding = new Map<string, { seq: number; at: number }>()
  private readonly strikes = new Map<string, number>()
  private held: Array<() => void> = []

  /** A SUBSCRIBE of `filter` went out. */
  sent(filter: string): void {
    this.outstanding.set(filter, { seq: ++this.seq, at: Date.now() })
  }

  /** The broker answered `filter`'s SUBSCRIBE (granted or refused in a SUBACK): not a suspect. */
  answered(filter: string): void {
    this.outstanding.delete(filter)
    this.strikes.delete(filter)
  }

  /** Holds back the SUBSCRIBE of a suspect: `send` runs once no other SUBSCRIBE waits for its SUBACK. */
  hold(send: () => void): void {
    this.held.push(send)
  }

  /** Sends the next suspect held back, if nothing waits for a SUBACK. */
  release(): void {
    if (this.outstanding.size === 0) this.held.shift()?.()
  }

  /** No SUBSCRIBE waits for its SUBACK and no suspect is held back: a suspect PUBLISH may go alone. */
  get quiet(): boolean {
    return this.outstanding.size === 0 && this.held.length === 0
  }

  /** Whether `filter` closed a connection once: it goes after the others. */
  isSuspect(filter: string): boolean {
    return this.strikes.has(filter)
  }

  /** Nobody wants `filter` any more. */
  forget(filter: string): void {
    this.outstanding.delete(filter)
    this.strikes.delete(filter)
  }

  /** The connection closed: the filter whose SUBSCRIBE closed it twice in a row, if any. */
  closed(): string | undefined {
    let first: [string, { seq: number; at: number }] | undefined
    for (const entry of this.outstanding) if (!first || entry[1].seq < first[1].seq) first = entry
    this.outstanding.clear()
    this.held = [] // the next connection sends everything again
    if (!first || Date.now() - first[1].at > CLOSE_ANSWER_MS) return undefined
    const [filter] = first
    const strikes = (this.strikes.get(filter) ?? 0) + 1
    if (strikes < 2) {
      this.strikes.set(filter, strikes)
      return undefined
    }
    this.strikes.delete(filter)
    return filter
  }
}
