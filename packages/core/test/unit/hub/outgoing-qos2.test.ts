import { describe, expect, it } from 'vitest'
import { PubSubError } from '../../../src/errors'
import type { QueuedPublish } from '../../../src/hub/offline-queue'
import { OutgoingPublishes, type Send, type SendOutcome } from '../../../src/hub/outgoing-publishes'

function connection() {
  const sent: Array<{ topic: string; dup: boolean; done: (o: SendOutcome) => void }> = []
  const send: Send = (item, dup, done) => void sent.push({ topic: item.topic, dup, done })
  return { sent, send, topics: () => sent.map(s => `${s.topic}${s.dup ? ' (dup)' : ''}`) }
}

function item(topic: string, qos: 1 | 2 = 2): QueuedPublish & { settled: string[] } {
  const settled: string[] = []
  return { topic, payload: new Uint8Array([1]), options: { qos }, settled, resolve: () => void settled.push('resolved'), reject: e => void settled.push(e.code) }
}

describe('OutgoingPublishes: QoS 2 and publishes kept from an earlier life', () => {
  it('a QoS 2 publish the broker answered with PUBREC is never published again; without the session it resolves (the broker owns it)', () => {
    const final: string[] = []
    const out = new OutgoingPublishes(10, { final: i => void final.push(i.topic) })
    const first = connection()
    const [a, b] = [item('a'), item('b')]
    out.publish(a, first.send)
    out.publish(b, first.send)
    a.sent = { packetId: 1, clientId: 'c' }
    a.released = true // PUBREC came, PUBREL went, no PUBCOMP before the connection died
    b.sent = { packetId: 2, clientId: 'c' }
    out.disconnected()
    const second = connection()
    out.connected(second.send)
    expect(second.topics()).toEqual(['b (dup)'])
    expect(a.settled).toEqual(['resolved'])
    expect(final).toEqual(['a'])
  })

  it('with the session kept, the session’s publishes are resumed (not sent anew) and settle through resume()', () => {
    const out = new OutgoingPublishes(10)
    const first = connection()
    const [a, b, c] = [item('a'), item('b'), item('c', 1)]
    for (const i of [a, b, c]) out.publish(i, first.send)
    a.sent = { packetId: 1, clientId: 'fixed' }
    b.sent = { packetId: 2, clientId: 'other-session' }
    out.disconnected()
    expect(out.resumable('fixed')).toEqual([a])
    const done = out.resume(a)
    const second = connection()
    out.connected(second.send)
    expect(second.topics()).toEqual(['b (dup)', 'c (dup)'])
    done('acknowledged')
    expect(a.settled).toEqual(['resolved'])
  })

  it('restored publishes go first, outside the bound; only broker outcomes are final, a close is not', () => {
    const final: string[] = []
    const lost: string[] = []
    const out = new OutgoingPublishes(1, { final: i => void final.push(i.topic), lost: i => void lost.push(i.topic) })
    const [r1, r2, n] = [item('r1', 1), item('r2'), item('n', 1)]
    r2.sent = { packetId: 9, clientId: 'old' }
    expect(out.queue(n)).toBe(true)
    out.restore([r1, r2])
    expect(out.queue(item('full', 1))).toBe(false)
    const conn = connection()
    out.connected(conn.send)
    expect(conn.topics()).toEqual(['r1', 'r2 (dup)', 'n'])
    conn.sent[0]!.done('acknowledged')
    conn.sent[1]!.done(new PubSubError('PUBLISH_REFUSED', 'no'))
    conn.sent[2]!.done('lost')
    expect(lost).toEqual(['n'])
    out.rejectAll(new PubSubError('CLOSED', 'closed'))
    expect(final).toEqual(['r1', 'r2'])
    expect(n.settled).toEqual(['CLOSED'])
  })
})

describe('OutgoingPublishes: the send window (the broker’s receive maximum)', () => {
  const qos2Window = { size: 2, counts: (i: QueuedPublish) => i.options.qos === 2, waits: (i: QueuedPublish) => (i.options.qos ?? 0) > 0 }

  it('no more QoS 2 publishes than the window await their PUBCOMP; the rest follow in publish order as room frees', () => {
    const out = new OutgoingPublishes(10)
    const conn = connection()
    out.connected(conn.send, qos2Window)
    const [a, b, c, d, e] = [item('a'), item('b'), item('c', 1), item('d'), item('e', 1)]
    for (const i of [a, b, c, d, e]) out.publish(i, conn.send)
    // c takes no place in the window but waits for room (Mosquitto drops it while its quota is used up).
    expect(conn.topics()).toEqual(['a', 'b'])
    expect(out.queued).toBe(3)
    conn.sent[0]!.done('acknowledged')
    expect(conn.topics()).toEqual(['a', 'b', 'c', 'd'])
    conn.sent[1]!.done('acknowledged')
    expect(conn.topics()).toEqual(['a', 'b', 'c', 'd', 'e'])
    expect(out.queued).toBe(0)
  })

  it('held publishes wait for the next connection when this one goes (QoS 0 among them is dropped with CLOSED), after those lost in flight', () => {
    const lost: string[] = []
    const out = new OutgoingPublishes(10, { lost: i => void lost.push(i.topic) })
    const first = connection()
    out.connected(first.send, qos2Window)
    const [a, b, c, z] = [item('a'), item('b'), item('c'), item('z', 1)]
    z.options = { qos: 0 }
    for (const i of [a, b, c, z]) out.publish(i, first.send)
    out.disconnected()
    expect(z.settled).toEqual(['CLOSED'])
    expect(lost).toEqual(['a', 'b', 'c'])
    const second = connection()
    out.connected(second.send, qos2Window)
    // a was the oldest in flight at the close: a suspect goes alone first (see outgoing-publishes.test.ts).
    expect(second.topics()).toEqual(['a (dup)'])
    second.sent[0]!.done('acknowledged')
    // The window (2) has room for b and c, in order.
    expect(second.topics()).toEqual(['a (dup)', 'b (dup)', 'c'])
  })
})
