import type { TabEvent, WireMessage } from '../../../src/protocol'
import type { BrokerSubscriptionEvents, SubscribeAnswer, SubscribeChannel } from '../../../src/hub/broker-subscriptions'
import { TabLink } from '../../../src/hub/tab-link'
import type { TabSubscription } from '../../../src/hub/tab-subscription'
import type { QoS } from '../../../src/types'

/**
 * The broker as the bookkeeping sees it, recording what it is sent and holding each SUBSCRIBE's
 * answer until the test gives it. A recording fake of a two-method interface, not a mocked MQTT client.
 */
export class RecordingChannel implements SubscribeChannel {
  connected = true
  readonly sent: string[] = []
  private readonly idsSent: Array<{ filter: string; id: number }> = []
  private readonly waiting: Array<{ filter: string; id: number; answer: (a: SubscribeAnswer) => void }> = []

  subscribe(filter: string, qos: QoS, id: number, answer: (a: SubscribeAnswer) => void): void {
    this.sent.push(`SUBSCRIBE ${filter} qos ${qos}`)
    this.idsSent.push({ filter, id })
    this.waiting.push({ filter, id, answer })
  }

  unsubscribe(filter: string): void {
    this.sent.push(`UNSUBSCRIBE ${filter}`)
  }

  /** The subscription identifiers of the SUBSCRIBEs sent for `filter`, oldest first. */
  ids(filter: string): number[] {
    return this.idsSent.filter(w => w.filter === filter).map(w => w.id)
  }

  /** Answers the oldest SUBSCRIBE of `filter` still waiting. */
  answerOldest(filter: string, a: SubscribeAnswer = 'granted'): void {
    const i = this.waiting.findIndex(w => w.filter === filter)
    if (i >= 0) this.waiting.splice(i, 1)[0]!.answer(a)
  }

  /** Answers every SUBSCRIBE of `filter` still waiting. */
  answer(filter: string, a: SubscribeAnswer = 'granted'): void {
    const now = this.waiting.filter(w => w.filter === filter)
    for (const w of now) this.waiting.splice(this.waiting.indexOf(w), 1)
    for (const w of now) w.answer(a)
  }

  /** The connection drops: every unanswered SUBSCRIBE is lost. */
  drop(): void {
    this.connected = false
    for (const w of this.waiting.splice(0)) w.answer('lost')
  }

  /** Returns what was sent since the last call. */
  take(): string[] {
    return this.sent.splice(0)
  }
}

/** Records the bookkeeping's events as short lines, e.g. `active 1`, `refused 2 SUBSCRIBE_REFUSED`. */
export function recordingEvents(extra: Partial<BrokerSubscriptionEvents> = {}): BrokerSubscriptionEvents & { lines: string[] } {
  const lines: string[] = []
  return {
    lines,
    subscribing: (e, covering) => (lines.push(`subscribing [${e.map(s => s.subId).join(',')}]`), extra.subscribing?.(e, covering)),
    granted: s => (lines.push(`granted [${s.map(x => x.subId).join(',')}]`), extra.granted?.(s)),
    active: s => (lines.push(`active ${s.subId}`), extra.active?.(s)),
    refused: (s, error) => (lines.push(`refused ${s.subId} ${error.code}`), extra.refused?.(s, error)),
    alreadyServed: s => (lines.push(`alreadyServed ${s.subId}`), extra.alreadyServed?.(s)),
    released: r => (lines.push(`released [${r.join(',')}]`), extra.released?.(r)),
  }
}

/** A tab whose deliveries are recorded. */
export function tab(id = 'tab'): { link: TabLink; events: TabEvent[]; messages(): WireMessage[] } {
  const events: TabEvent[] = []
  const link = new TabLink(id, { postMessage: e => void events.push(e) }, undefined)
  return {
    link,
    events,
    messages: () => {
      link.flush()
      return events.flatMap(e => (e.t === 'batch' ? e.messages : []))
    },
  }
}

let nextSubId = 1

/** A tab subscription as the hub makes it. */
export function subscription(link: TabLink, filters: string | string[], qos: QoS = 0): TabSubscription {
  return { link, subId: nextSubId++, filters: Array.isArray(filters) ? filters : [filters], qos, codec: 'auto', awaitingRetained: true, lastSeq: -1 }
}
