import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { BrokerSubscriptions, UNSUBSCRIBE_LINGER_MS } from '../../../src/hub/broker-subscriptions'
import { RecordingChannel, recordingEvents, subscription, tab } from './fakes'

/** The bookkeeping over a recording channel; `tick()` runs the pass scheduled for the tick. */
function setup(repeatSubscribeForRetained = true) {
  const channel = new RecordingChannel()
  const events = recordingEvents()
  const subs = new BrokerSubscriptions(channel, events, { repeatSubscribeForRetained, oneQosPerOverlap: repeatSubscribeForRetained })
  const { link } = tab()
  const tick = () => vi.advanceTimersByTime(0)
  return { channel, events, subs, link, tick }
}

beforeEach(() => void vi.useFakeTimers())
afterEach(() => void vi.useRealTimers())

describe('BrokerSubscriptions', () => {
  it('sends one SUBSCRIBE per filter however many subscriptions want it, at the highest QoS, once per tick', () => {
    const { channel, subs, link, tick } = setup()
    subs.add(subscription(link, 'a/#', 0))
    subs.add(subscription(link, 'a/#', 1))
    subs.add(subscription(link, 'b'))
    expect(channel.sent).toEqual([]) // nothing before the tick's pass
    tick()
    expect(channel.take()).toEqual(['SUBSCRIBE a/# qos 1', 'SUBSCRIBE b qos 0'])
    expect(subs.wantedFilters()).toEqual([
      { filter: 'a/#', refs: 2, qos: 1 },
      { filter: 'b', refs: 1, qos: 0 },
    ])
  })

  it('UNSUBSCRIBEs only when the last subscription has been gone for the linger', () => {
    const { channel, subs, link, tick } = setup()
    const [one, two] = [subscription(link, 'x/+'), subscription(link, 'x/+')] as const
    subs.add(one)
    subs.add(two)
    tick()
    channel.answer('x/+')
    channel.take()
    subs.remove(one)
    vi.advanceTimersByTime(UNSUBSCRIBE_LINGER_MS * 4)
    expect(channel.sent).toEqual([])
    subs.remove(two)
    vi.advanceTimersByTime(UNSUBSCRIBE_LINGER_MS - 1)
    expect(channel.sent).toEqual([])
    expect(subs.brokerFilters()).toEqual([{ filter: 'x/+', qos: 0, state: 'leaving' }])
    vi.advanceTimersByTime(1)
    expect(channel.take()).toEqual(['UNSUBSCRIBE x/+'])
    expect(subs.brokerFilters()).toEqual([])
  })

  it('an unsubscribe followed by a subscribe within the linger sends nothing on MQTT 5', () => {
    const { channel, events, subs, link, tick } = setup(false)
    const first = subscription(link, 'l/#')
    subs.add(first)
    tick()
    channel.answer('l/#')
    channel.take()
    subs.remove(first)
    const again = subscription(link, 'l/#')
    subs.add(again)
    vi.advanceTimersByTime(UNSUBSCRIBE_LINGER_MS * 2)
    expect(channel.sent).toEqual([])
    // Already served: no SUBACK will come, so it is answered (from the retained cache) and active now.
    expect(events.lines.slice(-2)).toEqual([`alreadyServed ${again.subId}`, `active ${again.subId}`])
  })

  it('on MQTT 3.1.1 a newcomer to a granted filter repeats its SUBSCRIBE, for its retained messages', () => {
    const { channel, events, subs, link, tick } = setup(true)
    const first = subscription(link, 'r/+')
    subs.add(first)
    tick()
    channel.answer('r/+')
    channel.take()
    const late = subscription(link, 'r/+')
    subs.add(late)
    tick()
    // The same subscription again (same identifier): the broker replaces it and resends retained messages.
    expect(channel.take()).toEqual(['SUBSCRIBE r/+ qos 0'])
    expect(new Set(channel.ids('r/+')).size).toBe(1)
    expect(events.lines).toContain(`subscribing [${first.subId}]`) // the first one had its retained messages
    channel.answer('r/+')
    expect(events.lines.filter(l => l.startsWith('active'))).toEqual([`active ${first.subId}`, `active ${late.subId}`])
  })

  it('leaves a covered filter to its cover; when the cover leaves, subscribes it before unsubscribing the cover, which serves until the SUBACK', () => {
    const { channel, subs, link, tick } = setup()
    const wide = subscription(link, 'c/#', 1)
    const narrow = subscription(link, 'c/+', 1)
    subs.add(wide)
    subs.add(narrow)
    tick()
    expect(channel.take()).toEqual(['SUBSCRIBE c/# qos 1'])
    channel.answer('c/#')
    expect(subs.servingOf('c/+')).toBe('c/#')
    subs.remove(wide)
    tick()
    expect(channel.take()).toEqual(['SUBSCRIBE c/+ qos 1'])
    expect(subs.servingOf('c/+')).toBe('c/#') // no gap while c/+ waits for its SUBACK
    channel.answer('c/+')
    expect(subs.servingOf('c/+')).toBe('c/+')
    vi.advanceTimersByTime(UNSUBSCRIBE_LINGER_MS)
    expect(channel.take()).toEqual(['UNSUBSCRIBE c/#'])
  })

  it('on MQTT 5 a covered filter of a higher QoS than its cover gets its own SUBSCRIBE (identifiers tell the copies apart)', () => {
    const { channel, subs, link, tick } = setup(false)
    subs.add(subscription(link, 'q/#', 0))
    subs.add(subscription(link, 'q/+', 1))
    tick()
    expect(channel.take()).toEqual(['SUBSCRIBE q/# qos 0', 'SUBSCRIBE q/+ qos 1'])
  })

  it('on MQTT 3.1.1 the cover takes the higher QoS instead: no two overlapping subscriptions of QoS 0 and 1', () => {
    const { channel, subs, link, tick } = setup()
    subs.add(subscription(link, 'q/#', 0))
    subs.add(subscription(link, 'q/+/c', 1))
    subs.add(subscription(link, 'p/+/c', 0))
    subs.add(subscription(link, 'p/b/+', 1))
    tick()
    // q/+/c rides on q/#; p/+/c only overlaps p/b/+ (both are needed) and matches its QoS.
    expect(channel.take()).toEqual(['SUBSCRIBE q/# qos 1', 'SUBSCRIBE p/+/c qos 1', 'SUBSCRIBE p/b/+ qos 1'])
    expect(subs.servingOf('q/+/c')).toBe('q/#')
  })

  it('on MQTT 5 a higher QoS replaces the broker subscription, with a new identifier', () => {
    const { channel, subs, link, tick } = setup(false)
    subs.add(subscription(link, 'u/#', 0))
    tick()
    channel.answer('u/#')
    subs.add(subscription(link, 'u/#', 2))
    tick()
    expect(channel.take()).toEqual(['SUBSCRIBE u/# qos 0', 'SUBSCRIBE u/# qos 2'])
    const [first, second] = channel.ids('u/#')
    expect(second).toBeGreaterThan(first!)
    expect(subs.deliverers('u/#').map(d => d.id)).toEqual([second])
  })

  it('on MQTT 3.1.1 a QoS raised from 0 is UNSUBSCRIBEd first (RabbitMQ would keep both), one raised from 1 is not', () => {
    const { channel, subs, link, tick } = setup()
    subs.add(subscription(link, 'u/#', 0))
    tick()
    channel.answer('u/#')
    subs.add(subscription(link, 'u/+', 1)) // covered: raises its cover
    tick()
    channel.answer('u/#')
    subs.add(subscription(link, 'u/#', 2))
    tick()
    expect(channel.take()).toEqual(['SUBSCRIBE u/# qos 0', 'UNSUBSCRIBE u/#', 'SUBSCRIBE u/# qos 1', 'SUBSCRIBE u/# qos 2'])
    channel.answer('u/#')
    expect(subs.brokerFilters()).toEqual([{ filter: 'u/#', qos: 2, state: 'active' }])
  })

  it('on MQTT 3.1.1 a filter taking over from a lingering cover of QoS 1 is subscribed at QoS 1 too', () => {
    const { channel, subs, link, tick } = setup()
    const wide = subscription(link, 'h/#', 1)
    subs.add(wide)
    subs.add(subscription(link, 'h/+', 0))
    tick()
    channel.answer('h/#')
    subs.remove(wide)
    tick()
    // h/# lingers (and serves) until h/+ is granted: both bound to RabbitMQ's QoS 1 queue, one copy.
    expect(channel.take()).toEqual(['SUBSCRIBE h/# qos 1', 'SUBSCRIBE h/+ qos 1'])
  })

  it('a refused filter fails its subscriptions alone, and the filters it covered get SUBSCRIBEs of their own', () => {
    const { channel, events, subs, link, tick } = setup()
    const secret = subscription(link, 's/#')
    const covered = subscription(link, 's/open')
    const other = subscription(link, 'o')
    subs.add(secret)
    subs.add(covered)
    subs.add(other)
    tick()
    // s/open also asks for its retained messages with a SUBSCRIBE of its own (a probe, MQTT 3.1.1).
    expect(channel.take()).toEqual(['SUBSCRIBE s/# qos 0', 'SUBSCRIBE o qos 0', 'SUBSCRIBE s/open qos 0'])
    channel.answer('s/#', { refused: 0x87 })
    expect(events.lines).toContain(`refused ${secret.subId} NOT_AUTHORIZED`)
    expect(channel.take()).toEqual(['SUBSCRIBE s/open qos 0'])
    channel.answer('s/open')
    expect(channel.sent).toEqual([]) // the probe's filter is a broker subscription now: not unsubscribed
    channel.answer('o')
    expect(subs.wantedFilters().map(f => f.filter)).toEqual(['s/open', 'o'])
    expect(events.lines.filter(l => l.startsWith('active'))).toEqual([`active ${covered.subId}`, `active ${other.subId}`])
    // Asked for again later, a refused filter is tried again.
    subs.add(subscription(link, 's/#'))
    tick()
    expect(channel.take()).toContain('SUBSCRIBE s/# qos 0')
  })

  describe('MQTT 3.1.1 retained messages of a covered filter (RabbitMQ replays them for exact filters only)', () => {
    it("a newcomer's covered filter SUBSCRIBEs for them at the cover's QoS, and UNSUBSCRIBEs at its SUBACK; the cover is not repeated", () => {
      const { channel, events, subs, link, tick } = setup()
      const wide = subscription(link, 'c/#', 1)
      subs.add(wide)
      tick()
      channel.answer('c/#')
      channel.take()
      const exact = subscription(link, 'c/status', 0)
      subs.add(exact)
      tick()
      expect(channel.take()).toEqual(['SUBSCRIBE c/status qos 1'])
      expect(events.lines.at(-1)).toBe(`subscribing [${wide.subId}]`) // the replay is not for the cover's subscription
      expect(subs.brokerFilters()).toEqual([{ filter: 'c/#', qos: 1, state: 'active' }])
      channel.answer('c/status')
      expect(channel.take()).toEqual(['UNSUBSCRIBE c/status'])
      expect(events.lines.slice(-2)).toEqual([`active ${exact.subId}`, `granted [${exact.subId}]`])
    })

    it('a covered wildcard asks too once its cover is granted, not while the cover (whose SUBSCRIBE brings them) is on its way', () => {
      const { channel, subs, link, tick } = setup()
      subs.add(subscription(link, 'w/#'))
      subs.add(subscription(link, 'w/+'))
      subs.add(subscription(link, 'w/x'))
      tick()
      // w/x (exact) asks at once: RabbitMQ's answer to w/# brings nothing for it.
      expect(channel.take()).toEqual(['SUBSCRIBE w/# qos 0', 'SUBSCRIBE w/x qos 0'])
      channel.answer('w/#')
      channel.answer('w/x')
      subs.add(subscription(link, 'w/+'))
      tick()
      expect(channel.take()).toEqual(['UNSUBSCRIBE w/x', 'SUBSCRIBE w/+ qos 0'])
    })

    it('a reconnect without a session asks again for every covered exact filter; with one, only for the probes it lost', () => {
      const { channel, subs, link, tick } = setup()
      subs.add(subscription(link, 'k/#'))
      subs.add(subscription(link, 'k/a'))
      subs.add(subscription(link, 'k/+'))
      tick()
      channel.answer('k/#')
      channel.answer('k/a')
      channel.take()
      channel.drop()
      subs.disconnected()
      channel.connected = true
      subs.connected(false)
      expect(channel.take()).toEqual(['SUBSCRIBE k/# qos 0', 'SUBSCRIBE k/a qos 0'])
      channel.answer('k/#')
      channel.answer('k/a')
      expect(channel.take()).toEqual(['UNSUBSCRIBE k/a'])
      const late = subscription(link, 'k/b')
      subs.add(late)
      tick()
      expect(channel.take()).toEqual(['SUBSCRIBE k/b qos 0'])
      channel.drop() // the probe is lost
      subs.disconnected()
      channel.connected = true
      subs.connected(true)
      // k/b's SUBSCRIBE was the one unanswered at the close: it waits for k/#'s SUBACK (see below).
      expect(channel.take()).toEqual(['SUBSCRIBE k/# qos 0'])
      channel.answer('k/#')
      expect(channel.take()).toEqual(['SUBSCRIBE k/b qos 0'])
    })

    it('MQTT 5 sends no probe: the cache answers', () => {
      const { channel, subs, link, tick } = setup(false)
      subs.add(subscription(link, 'v/#'))
      tick()
      channel.answer('v/#')
      channel.take()
      subs.add(subscription(link, 'v/status'))
      tick()
      expect(channel.sent).toEqual([])
    })
  })

  describe('a SUBSCRIBE the broker answers by closing the connection (RabbitMQ 3.10, for a denied filter)', () => {
    it('is sent after the others on the next connection, and refused when it closes that one too', () => {
      const { channel, events, subs, link, tick } = setup()
      const secret = subscription(link, 'secret/x')
      const open = subscription(link, 'open/#')
      subs.add(secret)
      subs.add(open)
      tick()
      expect(channel.take()).toEqual(['SUBSCRIBE secret/x qos 0', 'SUBSCRIBE open/# qos 0'])
      channel.drop() // the broker closed the connection at secret/x: open/# got no SUBACK either
      subs.disconnected()
      channel.connected = true
      subs.connected(false)
      // secret/x was the oldest unanswered: a suspect, sent alone once open/# has its SUBACK.
      expect(channel.take()).toEqual(['SUBSCRIBE open/# qos 0'])
      channel.answer('open/#')
      expect(channel.take()).toEqual(['SUBSCRIBE secret/x qos 0'])
      channel.drop()
      subs.disconnected()
      expect(events.lines.filter(l => l.startsWith('refused'))).toEqual([`refused ${secret.subId} SUBSCRIBE_REFUSED`])
      channel.connected = true
      subs.connected(false)
      expect(channel.take()).toEqual(['SUBSCRIBE open/# qos 0'])
      channel.answer('open/#')
      expect(events.lines.filter(l => l.startsWith('active'))).toContain(`active ${open.subId}`)
    })

    it('suspects go one at a time, so an innocent one that shared the fatal frame is cleared, not refused', () => {
      const { channel, events, subs, link, tick } = setup()
      const innocent = subscription(link, 'fine/1')
      const secret = subscription(link, 'secret/y')
      subs.add(innocent)
      subs.add(secret)
      tick()
      expect(channel.take()).toEqual(['SUBSCRIBE fine/1 qos 0', 'SUBSCRIBE secret/y qos 0'])
      channel.drop() // RabbitMQ's Web MQTT dropped fine/1's SUBACK with the frame secret/y closed
      subs.disconnected()
      channel.connected = true
      subs.connected(false)
      expect(channel.take()).toEqual(['SUBSCRIBE secret/y qos 0']) // fine/1, the suspect, waits
      channel.drop()
      subs.disconnected()
      channel.connected = true
      subs.connected(false)
      expect(channel.take()).toEqual(['SUBSCRIBE fine/1 qos 0']) // both suspects now: one at a time
      channel.answer('fine/1')
      expect(channel.take()).toEqual(['SUBSCRIBE secret/y qos 0'])
      channel.drop()
      subs.disconnected()
      expect(events.lines.filter(l => l.startsWith('refused'))).toEqual([`refused ${secret.subId} SUBSCRIBE_REFUSED`])
    })

    it('is not refused when it is granted the next time, nor for a close long after it (a dead link)', () => {
      const { channel, events, subs, link, tick } = setup()
      subs.add(subscription(link, 'n/1'))
      tick()
      channel.drop()
      subs.disconnected()
      channel.connected = true
      subs.connected(false)
      channel.answer('n/1') // granted: it was the network
      subs.add(subscription(link, 'n/2'))
      tick()
      vi.advanceTimersByTime(10_000) // no SUBACK for 10 s, then keepalive finds the link dead
      channel.drop()
      subs.disconnected()
      channel.connected = true
      subs.connected(false)
      channel.drop()
      subs.disconnected()
      expect(events.lines.filter(l => l.startsWith('refused'))).toEqual([])
    })
  })

  it('tells a subscription it is active once every one of its filters is granted', () => {
    const { channel, events, subs, link, tick } = setup()
    const both = subscription(link, ['m/a', 'm/b'])
    subs.add(both)
    tick()
    channel.answer('m/a')
    expect(events.lines.filter(l => l.startsWith('active'))).toEqual([])
    channel.answer('m/b')
    expect(events.lines.filter(l => l.startsWith('active'))).toEqual([`active ${both.subId}`])
    expect(events.lines).toContain(`granted [${both.subId}]`)
  })

  it('sends nothing while disconnected, and everything on connect', () => {
    const { channel, subs, link, tick } = setup()
    channel.connected = false
    subs.add(subscription(link, 'd/1'))
    tick()
    expect(channel.sent).toEqual([])
    expect(subs.brokerFilters()).toEqual([{ filter: 'd/1', qos: 0, state: 'pending' }])
    channel.connected = true
    subs.connected(false)
    expect(channel.take()).toEqual(['SUBSCRIBE d/1 qos 0'])
  })

  it('a SUBSCRIBE lost with the connection is sent again on the next one, also when the broker kept the session', () => {
    const { channel, subs, link, tick } = setup()
    const s = subscription(link, 'k/#')
    subs.add(s)
    tick()
    channel.drop()
    subs.disconnected()
    channel.connected = true
    subs.connected(true)
    expect(channel.take()).toEqual(['SUBSCRIBE k/# qos 0', 'SUBSCRIBE k/# qos 0'])
  })

  it('a lingering filter is forgotten, not unsubscribed, when the broker starts a new session', () => {
    const { channel, subs, link, tick } = setup()
    const s = subscription(link, 'g/#')
    subs.add(s)
    tick()
    channel.answer('g/#')
    subs.remove(s)
    tick()
    channel.drop()
    subs.disconnected()
    channel.connected = true
    channel.take()
    subs.connected(false)
    vi.advanceTimersByTime(UNSUBSCRIBE_LINGER_MS * 2)
    expect(channel.sent).toEqual([])
    expect(subs.brokerFilters()).toEqual([])
  })

  it('an answer to a superseded SUBSCRIBE is ignored', () => {
    const { channel, events, subs, link, tick } = setup()
    const low = subscription(link, 'v', 0)
    subs.add(low)
    tick()
    subs.add(subscription(link, 'v', 1))
    tick()
    // Both SUBSCRIBEs wait; the refusal of the first (superseded) must not fail anyone.
    expect(channel.ids('v')).toHaveLength(2)
    channel.answerOldest('v', { refused: 0x80 })
    expect(events.lines.filter(l => l.startsWith('refused'))).toEqual([])
    expect(subs.brokerFilters()).toEqual([{ filter: 'v', qos: 1, state: 'pending' }])
  })

  it('dispose stops the tick pass and every linger: nothing is sent afterwards', () => {
    const { channel, subs, link, tick } = setup()
    const s = subscription(link, 'z/#')
    subs.add(s)
    tick()
    channel.answer('z/#')
    subs.remove(s)
    subs.add(subscription(link, 'y'))
    channel.take()
    subs.dispose()
    expect(vi.getTimerCount()).toBe(0)
    vi.advanceTimersByTime(UNSUBSCRIBE_LINGER_MS * 2)
    expect(channel.sent).toEqual([])
  })

  it('serves two hundred subscriptions of one tick with one SUBSCRIBE each', () => {
    const { channel, subs, link, tick } = setup()
    for (let i = 0; i < 200; i++) subs.add(subscription(link, `many/${i}`))
    tick()
    expect(channel.sent).toHaveLength(200)
    expect(new Set(channel.sent).size).toBe(200)
  })
})
