import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { BrokerSubscriptions, UNSUBSCRIBE_LINGER_MS } from '../../../src/hub/broker-subscriptions'
import { DeliveryRouter, RETAINED_WINDOW_MS } from '../../../src/hub/delivery-router'
import type { TabSubscription } from '../../../src/hub/tab-subscription'
import { RecordingChannel, recordingEvents, subscription, tab } from './fakes'

const bytes = (text: string) => new TextEncoder().encode(text)
const text = (b: Uint8Array) => new TextDecoder().decode(b)

/** The router over the real bookkeeping and a recording channel, wired as the connection wires them. */
function setup(v5: boolean) {
  const channel = new RecordingChannel()
  let router!: DeliveryRouter
  const events = recordingEvents({
    subscribing: (e, covering) => router.subscribing(e, covering),
    granted: s => router.granted(s),
    alreadyServed: s => router.replayRetained(s),
    released: r => router.released(r),
    active: s => s.link.push({ t: 'sub', subId: s.subId, status: 'active' }),
  })
  const subs = new BrokerSubscriptions(channel, events, { repeatSubscribeForRetained: !v5 })
  router = new DeliveryRouter(subs, { v5 })
  const add = (s: TabSubscription) => (router.joined(s), subs.add(s), vi.advanceTimersByTime(0))
  return { channel, subs, router, add }
}

/** What a tab received, as `topic=payload` per message with the subscription ids it was for. */
function received(t: ReturnType<typeof tab>): string[] {
  return t.messages().map(m => `${m.topic}=${m.x ?? text(m.payload!)}${m.retain ? ' (retained)' : ''} → ${[...m.s].sort((x, y) => x - y).join(',')}`)
}

beforeEach(() => void vi.useFakeTimers())
afterEach(() => void vi.useRealTimers())

describe('DeliveryRouter, MQTT 3.1.1', () => {
  it('a retained replay goes to the subscriptions waiting for their retained messages only; live messages to all', () => {
    const { channel, router, add } = setup(false)
    const a = tab('a')
    const b = tab('b')
    const first = subscription(a.link, 'r/+')
    add(first)
    channel.answer('r/+')
    router.route('r/1', bytes('old'), { qos: 0, retain: true }) // the broker's answer to the first SUBSCRIBE
    vi.advanceTimersByTime(RETAINED_WINDOW_MS)
    const late = subscription(b.link, 'r/+')
    add(late) // repeats the SUBSCRIBE: the broker resends r/1 with the retain flag
    channel.answer('r/+')
    router.route('r/1', bytes('old'), { qos: 0, retain: true })
    router.route('r/1', bytes('live'), { qos: 0, retain: false })
    expect(received(a)).toEqual([`r/1=old (retained) → ${first.subId}`, `r/1=live → ${first.subId}`])
    expect(received(b)).toEqual([`r/1=old (retained) → ${late.subId}`, `r/1=live → ${late.subId}`])
  })

  it("a topic replayed by a cover's SUBSCRIBE and by a covered filter's own reaches a waiting subscription once", () => {
    const { channel, router, add } = setup(false)
    const t = tab()
    const both = subscription(t.link, ['k/#', 'k/status'])
    add(both) // SUBSCRIBEs k/# and, for RabbitMQ, k/status on its own
    expect(channel.take()).toEqual(['SUBSCRIBE k/# qos 0', 'SUBSCRIBE k/status qos 0'])
    channel.answer('k/#')
    router.route('k/status', bytes('on'), { qos: 0, retain: true }) // Mosquitto replays it for k/#
    channel.answer('k/status')
    router.route('k/status', bytes('on'), { qos: 0, retain: true }) // and again for k/status
    router.route('k/status', bytes('off'), { qos: 0, retain: false })
    expect(received(t)).toEqual([`k/status=on (retained) → ${both.subId}`, `k/status=off → ${both.subId}`])
  })

  it("a covered filter's retained replay is not lost to another tab's SUBSCRIBE of the cover sent before the replay arrived (a late tab's card and explorer)", () => {
    const { channel, router, add } = setup(false)
    const old = tab('old')
    const late = tab('late')
    const explorer = subscription(old.link, 'dev/#')
    add(explorer)
    channel.answer('dev/#')
    vi.advanceTimersByTime(RETAINED_WINDOW_MS)
    channel.take()
    const card = subscription(late.link, 'dev/1/telemetry')
    add(card) // covered by dev/#: a SUBSCRIBE of its own asks for its retained message
    expect(channel.take()).toEqual(['SUBSCRIBE dev/1/telemetry qos 0'])
    channel.answer('dev/1/telemetry') // granted; its retained message is still on its way
    const lateExplorer = subscription(late.link, 'dev/#')
    add(lateExplorer) // the late tab's explorer repeats the SUBSCRIBE of dev/# for its own retained messages
    router.route('dev/1/telemetry', bytes('21.5'), { qos: 0, retain: true }) // the card's replay
    channel.answer('dev/#')
    router.route('dev/1/telemetry', bytes('21.5'), { qos: 0, retain: true }) // the explorer's replay
    router.route('dev/1/telemetry', bytes('22.0'), { qos: 0, retain: false })
    expect(received(late)).toEqual([`dev/1/telemetry=21.5 (retained) → ${card.subId},${lateExplorer.subId}`, `dev/1/telemetry=22.0 → ${card.subId},${lateExplorer.subId}`])
    expect(received(old)).toEqual([`dev/1/telemetry=22.0 → ${explorer.subId}`])
  })

  it('a subscription still in its retained window that had a topic live takes no replay of it for another SUBSCRIBE', () => {
    const { channel, router, add } = setup(false)
    const a = tab('a')
    const b = tab('b')
    const first = subscription(a.link, 'n/x')
    add(first)
    channel.answer('n/x') // no retained message yet
    router.route('n/x', bytes('set'), { qos: 0, retain: false }) // retained published now: live to a (3.1.1 clears the flag)
    const second = subscription(b.link, 'n/x')
    add(second) // within a's window: the broker replays n/x for b
    channel.answer('n/x')
    router.route('n/x', bytes('set'), { qos: 0, retain: true })
    expect(received(a)).toEqual([`n/x=set → ${first.subId}`])
    expect(received(b)).toEqual([`n/x=set (retained) → ${second.subId}`])
  })

  it('takes retained messages for a second after the SUBACK, then no more', () => {
    const { channel, router, add } = setup(false)
    const t = tab()
    const s = subscription(t.link, 'w/#')
    add(s)
    router.route('w/early', bytes('1'), { qos: 0, retain: true }) // before the SUBACK: counts
    channel.answer('w/#')
    vi.advanceTimersByTime(RETAINED_WINDOW_MS - 1)
    router.route('w/late', bytes('2'), { qos: 0, retain: true })
    vi.advanceTimersByTime(1)
    router.route('w/stray', bytes('3'), { qos: 0, retain: true }) // a replay meant for someone else
    expect(received(t).map(m => m.split('=')[0])).toEqual(['w/early', 'w/late'])
  })

  it('after a reconnect without a session every subscription takes the retained messages the broker resends', () => {
    const { channel, subs, router, add } = setup(false)
    const t = tab()
    const s = subscription(t.link, 'p/+')
    add(s)
    channel.answer('p/+')
    vi.advanceTimersByTime(RETAINED_WINDOW_MS)
    router.route('p/1', bytes('not for us'), { qos: 0, retain: true })
    channel.drop()
    subs.disconnected()
    channel.connected = true
    router.connected(false)
    subs.connected(false)
    router.route('p/1', bytes('again'), { qos: 0, retain: true })
    expect(received(t)).toEqual([`p/1=again (retained) → ${s.subId}`])
  })

  it('a message matching several filters of one subscription is delivered once, and once per subscription', () => {
    const { channel, router, add } = setup(false)
    const t = tab()
    const both = subscription(t.link, ['o/#', 'o/+'])
    const wide = subscription(t.link, 'o/#')
    add(both)
    add(wide)
    channel.answer('o/#')
    router.route('o/x', bytes('1'), { qos: 0, retain: false })
    expect(received(t)).toEqual([`o/x=1 → ${both.subId},${wide.subId}`])
  })
})

describe('DeliveryRouter, closing', () => {
  it('close clears the timer that ends a retained-message window', () => {
    const { channel, subs, router, add } = setup(false)
    const t = tab()
    add(subscription(t.link, 'cw/#'))
    channel.answer('cw/#') // opens the retained window of the new subscription
    expect(vi.getTimerCount()).toBe(1)
    subs.dispose()
    router.dispose()
    expect(vi.getTimerCount()).toBe(0)
  })
})

describe('DeliveryRouter, MQTT 5', () => {
  it('one copy per matching broker subscription: each tab subscription takes exactly one', () => {
    const { channel, router, add } = setup(true)
    const t = tab()
    // Partial overlap: neither filter covers the other, so the broker holds both.
    const left = subscription(t.link, 'a/+/c')
    const right = subscription(t.link, 'a/b/+')
    add(left)
    add(right)
    channel.answer('a/+/c')
    channel.answer('a/b/+')
    const [idLeft] = channel.ids('a/+/c')
    const [idRight] = channel.ids('a/b/+')
    // Mosquitto sends one copy per subscription, each naming its own.
    router.route('a/b/c', bytes('1'), { qos: 0, retain: false, properties: { subscriptionIdentifier: idLeft } })
    router.route('a/b/c', bytes('1'), { qos: 0, retain: false, properties: { subscriptionIdentifier: idRight } })
    // Another broker may send one copy naming both.
    router.route('a/b/c', bytes('2'), { qos: 0, retain: false, properties: { subscriptionIdentifier: [idLeft!, idRight!] } })
    expect(received(t)).toEqual([`a/b/c=1 → ${left.subId}`, `a/b/c=1 → ${right.subId}`, `a/b/c=2 → ${left.subId},${right.subId}`])
  })

  it('a filter handed over to a new cover neither misses nor repeats a message, and the newcomer gets the live copies of its own SUBSCRIBE', () => {
    const { channel, router, add } = setup(true)
    const a = tab('a')
    const b = tab('b')
    const narrow = subscription(a.link, 'h/+')
    add(narrow)
    channel.answer('h/+')
    const [idNarrow] = channel.ids('h/+')
    let n = 0
    /** The broker sends one copy per subscription it holds. */
    const publish = (ids: number[]) => {
      n++
      for (const id of ids) router.route('h/live', bytes(String(n)), { qos: 1, retain: false, properties: { subscriptionIdentifier: id } })
    }
    publish([idNarrow!])
    const wide = subscription(b.link, 'h/#')
    add(wide) // covers h/+: h/+ lingers, h/# is on its way
    const [idWide] = channel.ids('h/#')
    publish([idNarrow!, idWide!])
    channel.answer('h/#')
    publish([idNarrow!, idWide!])
    vi.advanceTimersByTime(UNSUBSCRIBE_LINGER_MS) // h/+ unsubscribed: only h/# delivers now
    expect(channel.sent.at(-1)).toBe('UNSUBSCRIBE h/+')
    publish([idWide!])
    expect(received(a).map(m => m.split(' ')[0])).toEqual(['h/live=1', 'h/live=2', 'h/live=3', 'h/live=4'])
    expect(received(b).map(m => m.split(' ')[0])).toEqual(['h/live=2', 'h/live=3', 'h/live=4'])
  })

  it('keeps the latest retained message per topic and answers a late subscriber from it at once; an empty payload clears it', () => {
    const { channel, router, add } = setup(true)
    const a = tab('a')
    const b = tab('b')
    const first = subscription(a.link, 'st/+')
    add(first)
    channel.answer('st/+')
    const [id] = channel.ids('st/+')
    const props = { subscriptionIdentifier: id }
    router.route('st/1', bytes('on'), { qos: 1, retain: true, properties: props })
    router.route('st/2', bytes('x'), { qos: 1, retain: true, properties: props })
    router.route('st/2', new Uint8Array(0), { qos: 1, retain: true, properties: props })
    router.route('st/1', bytes('live'), { qos: 1, retain: false, properties: props })
    expect(router.retainedCached).toBe(1)
    const late = subscription(b.link, 'st/+')
    add(late)
    expect(channel.sent).toEqual(['SUBSCRIBE st/+ qos 0']) // no round trip for the late one
    expect(received(b)).toEqual([`st/1=on (retained) → ${late.subId}`])
    expect(b.events.at(-1)).toEqual({ t: 'sub', subId: late.subId, status: 'active' })
  })

  it('forgets cached retained messages no broker subscription delivers any more', () => {
    const { channel, subs, router, add } = setup(true)
    const t = tab()
    const s = subscription(t.link, 'gone/+')
    add(s)
    channel.answer('gone/+')
    router.route('gone/1', bytes('x'), { qos: 0, retain: true, properties: { subscriptionIdentifier: channel.ids('gone/+')[0] } })
    expect(router.retainedCached).toBe(1)
    subs.remove(s)
    vi.advanceTimersByTime(UNSUBSCRIBE_LINGER_MS)
    expect(router.retainedCached).toBe(0)
  })
})
