import { describe, expect, it, vi } from 'vitest'
import { PubSubError } from '../../../src/errors'
import type { QueuedPublish } from '../../../src/hub/offline-queue'
import { OutgoingPublishes, type Send, type SendOutcome } from '../../../src/hub/outgoing-publishes'
import type { QoS } from '../../../src/types'

/** One connection as the publishes see it: records each PUBLISH and holds its outcome until the test gives it. */
function connection() {
  const sent: Array<{ topic: string; dup: boolean; done: (o: SendOutcome) => void }> = []
  const send: Send = (item, dup, done) => void sent.push({ topic: item.topic, dup, done })
  return { sent, send, topics: () => sent.map(s => `${s.topic}${s.dup ? ' (dup)' : ''}`) }
}

/** A publish whose promise settles are recorded. */
function item(topic: string, qos: QoS = 1): QueuedPublish & { settled: string[] } {
  const settled: string[] = []
  return { topic, payload: new Uint8Array([1]), options: { qos }, settled, resolve: () => void settled.push('resolved'), reject: e => void settled.push(e.code) }
}

describe('OutgoingPublishes', () => {
  it('publishes in flight when the connection dies are sent again, with DUP and in their order, before those queued meanwhile', () => {
    const out = new OutgoingPublishes(10)
    const first = connection()
    const [a, b, c, d] = [item('a'), item('b'), item('c'), item('d')]
    out.publish(a, first.send)
    out.publish(b, first.send)
    out.publish(c, first.send)
    first.sent[1]!.done('acknowledged') // b made it
    out.disconnected()
    out.queue(d) // published while disconnected
    expect(out.queued).toBe(3)
    const second = connection()
    out.connected(second.send)
    // a, the oldest in flight at the close, is a suspect: it goes alone, then the rest.
    expect(second.topics()).toEqual(['a (dup)'])
    second.sent[0]!.done('acknowledged')
    expect(second.topics()).toEqual(['a (dup)', 'c (dup)', 'd'])
    for (const s of second.sent.slice(1)) s.done('acknowledged')
    // The first connection's late outcomes change nothing: each publish settles once.
    first.sent[0]!.done('lost')
    first.sent[2]!.done(new PubSubError('PUBLISH_REFUSED', 'late'))
    expect([a, b, c, d].map(i => i.settled)).toEqual([['resolved'], ['resolved'], ['resolved'], ['resolved']])
  })

  it('a publish lost while the connection still looked alive (found by keepalive) waits for the next connection', () => {
    const out = new OutgoingPublishes(10)
    const first = connection()
    const a = item('a')
    out.publish(a, first.send)
    first.sent[0]!.done('lost') // mqtt.js flushes its callbacks before it reports the close
    out.disconnected()
    expect(a.settled).toEqual([])
    const second = connection()
    out.connected(second.send)
    expect(second.topics()).toEqual(['a (dup)'])
    second.sent[0]!.done('acknowledged')
    expect(a.settled).toEqual(['resolved'])
  })

  it('QoS 0 promises nothing: lost with the connection it rejects with CLOSED instead of going out late', () => {
    const out = new OutgoingPublishes(10)
    const first = connection()
    const z = item('z', 0)
    out.publish(z, first.send)
    first.sent[0]!.done('lost')
    expect(z.settled).toEqual(['CLOSED'])
    expect(out.queued).toBe(0)
  })

  it('a refusal by the broker rejects that publish alone', () => {
    const out = new OutgoingPublishes(10)
    const conn = connection()
    const [a, b] = [item('a'), item('b')]
    out.publish(a, conn.send)
    out.publish(b, conn.send)
    conn.sent[0]!.done(new PubSubError('NOT_AUTHORIZED', 'no'))
    conn.sent[1]!.done('acknowledged')
    expect([a.settled, b.settled]).toEqual([['NOT_AUTHORIZED'], ['resolved']])
  })

  it('publishes lost in flight are kept even when the queue is full; new ones are refused', () => {
    const out = new OutgoingPublishes(1)
    const conn = connection()
    const [a, b, c, d] = [item('a'), item('b'), item('c'), item('d')]
    for (const i of [a, b, c]) out.publish(i, conn.send)
    out.disconnected()
    out.queue(d)
    const e = item('e')
    out.queue(e)
    expect(e.settled).toEqual(['QUEUE_FULL'])
    expect(out.queued).toBe(4)
  })

  it('closing rejects what is in flight and what waits', () => {
    const out = new OutgoingPublishes(10)
    const conn = connection()
    const [a, b, c] = [item('a'), item('b'), item('c')]
    out.publish(a, conn.send)
    out.publish(b, conn.send)
    out.disconnected()
    const again = connection()
    out.connected(again.send)
    out.queue(c)
    out.rejectAll(new PubSubError('CLOSED', 'closed'))
    again.sent[0]!.done('acknowledged') // too late
    expect([a.settled, b.settled, c.settled]).toEqual([['CLOSED'], ['CLOSED'], ['CLOSED']])
    expect(out.queued + out.unacknowledged).toBe(0)
  })

  it('a publish the broker answers by closing the connection (RabbitMQ, no write permission) is refused for its tab after closing it alone twice; the others go on', () => {
    const out = new OutgoingPublishes(10)
    const denied = item('secret/x')
    const fine = item('open/1')
    let conn = connection()
    out.publish(denied, conn.send)
    out.publish(fine, conn.send)
    const closes = () => {
      out.disconnected()
      conn = connection()
      out.connected(conn.send)
    }
    closes() // 1st close: the oldest in flight becomes a suspect
    expect(conn.topics()).toEqual(['secret/x (dup)']) // alone
    closes() // 2nd: alone in flight at the close
    expect(conn.topics()).toEqual(['secret/x (dup)'])
    expect(denied.settled).toEqual([])
    closes() // 3rd: refused, and the next connection carries on with the others
    expect(denied.settled).toEqual(['PUBLISH_REFUSED'])
    expect(conn.topics()).toEqual(['open/1 (dup)'])
    conn.sent[0]!.done('acknowledged')
    expect(fine.settled).toEqual(['resolved'])
  })

  it('a suspect that is acknowledged is cleared, and a publish sent long before a close is no suspect', () => {
    vi.useFakeTimers()
    try {
      const out = new OutgoingPublishes(10)
      const a = item('a')
      let conn = connection()
      out.publish(a, conn.send)
      out.disconnected()
      conn = connection()
      out.connected(conn.send)
      conn.sent[0]!.done('acknowledged')
      const b = item('b')
      const c = item('c')
      out.publish(b, conn.send)
      out.publish(c, conn.send)
      vi.advanceTimersByTime(60_000) // a keepalive later: the close does not answer b
      out.disconnected()
      conn = connection()
      out.connected(conn.send)
      expect(conn.topics()).toEqual(['b (dup)', 'c (dup)']) // no suspect: both at once
      expect(a.settled).toEqual(['resolved'])
    } finally {
      vi.useRealTimers()
    }
  })
})
