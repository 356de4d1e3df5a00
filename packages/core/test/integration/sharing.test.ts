import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestBroker, type TestBroker } from '@tabmq/broker/testing'
import { Collector, outsider, tabs, waitActive, waitState, sleep } from '../helpers'

// Every test here runs against aedes (MQTT 3.1.1) and Mosquitto (3.1.1 and 5).
const matrix = [
  ['aedes', 4],
  ['mosquitto', 4],
  ['mosquitto', 5],
] as const

describe.each(matrix)('%s, protocol %i', (kind, version) => {
  let broker: TestBroker
  beforeAll(async () => {
    broker = await startTestBroker(kind)
  })
  afterAll(() => broker.close())

  it('tabs with the same config share one broker connection and each gets every message', async () => {
    const { clients } = tabs(broker, version, 3)
    const seen = clients.map(() => new Collector())
    clients.forEach((c, i) => void c.subscribe('share/+/temp', { qos: 1 }).subscribe(seen[i]!.observer))
    await waitActive(clients[0]!, 'share/+/temp')
    await broker.waitFor(() => broker.connectedClients().filter(id => id.startsWith('tabmq_')).length === 1, 5000, 'one tabmq connection')
    expect(broker.subscribeCount('share/+/temp')).toBe(1)
    const device = await outsider(broker)
    device.publish('share/d1/temp', JSON.stringify({ t: 21.5 }), { qos: 1 })
    for (const s of seen) await s.waitFor(c => c.messages.length === 1, 'the reading')
    expect(seen[0]!.messages[0]!.data).toEqual({ t: 21.5 })
    expect(seen.every(s => s.messages[0]!.payload instanceof Uint8Array)).toBe(true)
    device.end(true)
    await Promise.all(clients.map(c => c.close()))
    await broker.waitFor(() => broker.connectedClients().every(id => !id.startsWith('tabmq_')), 5000, 'tabmq gone')
  })

  it('SUBSCRIBEs a filter once however many observers, and UNSUBSCRIBEs when the last leaves', async () => {
    const { clients } = tabs(broker, version, 2)
    const [a, b] = clients as [typeof clients[0], typeof clients[0]]
    const subA = a.subscribe('refs/#').subscribe(new Collector().observer)
    const subA2 = a.subscribe('refs/#').subscribe(new Collector().observer)
    const subB = b.subscribe('refs/#').subscribe(new Collector().observer)
    await waitActive(a, 'refs/#')
    let stats = await a.getStats()
    expect(stats.tabs).toBe(2)
    expect(stats.connections).toHaveLength(1)
    expect(stats.connections[0]!.filters).toEqual([{ filter: 'refs/#', refs: 3, qos: 0 }])
    await broker.waitFor(() => broker.subscriptions().some(s => s.filter === 'refs/#'), 5000, 'refs/# at the broker')
    expect(broker.subscribeCount('refs/#')).toBe(1)
    subA.unsubscribe()
    subB.unsubscribe()
    await sleep(100)
    expect(broker.subscriptions().some(s => s.filter === 'refs/#')).toBe(true)
    subA2.unsubscribe()
    await broker.waitFor(() => !broker.subscriptions().some(s => s.filter === 'refs/#'), 5000, 'refs/# released')
    stats = await a.getStats()
    expect(stats.connections[0]!.filters).toEqual([])
    await Promise.all(clients.map(c => c.close()))
  })

  it('an unsubscribe followed at once by a subscribe (StrictMode, reloads) costs the broker nothing', async () => {
    const { clients } = tabs(broker, version, 1)
    const a = clients[0]!
    // StrictMode's double mount: subscribe, unsubscribe, subscribe in one tick.
    a.subscribe('linger/#').subscribe(new Collector().observer).unsubscribe()
    const first = a.subscribe('linger/#').subscribe(new Collector().observer)
    await waitActive(a, 'linger/#')
    expect(broker.subscribeCount('linger/#')).toBe(1)
    // Later, a quick unsubscribe/subscribe of an active filter: no UNSUBSCRIBE reaches the broker. On
    // MQTT 3.1.1 the newcomer's retained messages cost one repeated SUBSCRIBE (no new subscription).
    first.unsubscribe()
    const again = new Collector()
    a.subscribe('linger/#').subscribe(again.observer)
    await sleep(400)
    expect(broker.subscribeCount('linger/#')).toBe(version === 5 ? 1 : 2)
    expect(broker.subscriptions().filter(s => s.filter === 'linger/#')).toHaveLength(1)
    const device = await outsider(broker)
    await device.publishAsync('linger/x', '1', { qos: 1 })
    await again.waitFor(c => c.messages.length === 1, 'the message after the quick resubscribe')
    device.end(true)
    await a.close()
  })

  it('a tab that closes takes its subscriptions with it; the others keep theirs', async () => {
    const { clients } = tabs(broker, version, 2)
    const [a, b] = clients as [typeof clients[0], typeof clients[0]]
    const seenB = new Collector()
    a.subscribe('leave/a').subscribe(new Collector().observer)
    b.subscribe('leave/b').subscribe(seenB.observer)
    await waitActive(a, 'leave/a')
    await waitActive(b, 'leave/b')
    await a.close()
    await broker.waitFor(() => !broker.subscriptions().some(s => s.filter === 'leave/a'), 5000, 'leave/a released')
    expect(broker.subscriptions().some(s => s.filter === 'leave/b')).toBe(true)
    const device = await outsider(broker)
    device.publish('leave/b', 'still here')
    await seenB.waitFor(c => c.messages.length === 1, 'b still receives')
    expect(seenB.messages[0]!.data).toBe('still here')
    device.end(true)
    await b.close()
  })

  it('a late subscriber gets the retained message at once, and nobody gets it twice', async () => {
    const device = await outsider(broker)
    await device.publishAsync('retained/dev1/status', JSON.stringify({ online: true }), { qos: 1, retain: true })
    const { clients } = tabs(broker, version, 2)
    const [a, b] = clients as [typeof clients[0], typeof clients[0]]
    const first = new Collector()
    a.subscribe('retained/+/status').subscribe(first.observer)
    await first.waitFor(c => c.messages.length === 1, 'the retained status for the first subscriber')
    expect(first.messages[0]!.retain).toBe(true)
    await waitActive(a, 'retained/+/status')
    const late = new Collector()
    b.subscribe('retained/+/status').subscribe(late.observer)
    await late.waitFor(c => c.messages.length === 1, 'the retained status for the late subscriber')
    expect(late.messages[0]!.data).toEqual({ online: true })
    expect(late.messages[0]!.retain).toBe(true)
    // A live update reaches both once; the first subscriber did not get the replay again.
    await device.publishAsync('retained/dev1/status', JSON.stringify({ online: false }), { qos: 1, retain: true })
    await first.waitFor(c => c.messages.length === 2, 'the update')
    await late.waitFor(c => c.messages.length === 2, 'the update')
    await sleep(200)
    expect(first.messages.map(m => m.data)).toEqual([{ online: true }, { online: false }])
    expect(late.messages.map(m => m.data)).toEqual([{ online: true }, { online: false }])
    // Clear it, so the broker forgets it for later tests.
    await device.publishAsync('retained/dev1/status', '', { qos: 1, retain: true })
    device.end(true)
    await Promise.all(clients.map(c => c.close()))
  })

  it('overlapping filters deliver each message once per observer, with one broker subscription', async () => {
    const { clients } = tabs(broker, version, 2)
    const [a, b] = clients as [typeof clients[0], typeof clients[0]]
    const both = new Collector()
    const wide = new Collector()
    const narrow = new Collector()
    a.subscribe(['over/#', 'over/+']).subscribe(both.observer)
    a.subscribe('over/#').subscribe(wide.observer)
    b.subscribe('over/+').subscribe(narrow.observer)
    await waitActive(a, 'over/#')
    await waitActive(b, 'over/+')
    const stats = await a.getStats()
    expect(stats.connections[0]!.brokerFilters.map(f => f.filter)).toEqual(['over/#'])
    const device = await outsider(broker)
    await device.publishAsync('over/x', '1', { qos: 1 })
    await device.publishAsync('over/x/y', '2', { qos: 1 })
    await both.waitFor(c => c.messages.length >= 2, 'both messages')
    await narrow.waitFor(c => c.messages.length >= 1, 'the narrow one')
    await sleep(200)
    expect(both.topics()).toEqual(['over/x', 'over/x/y'])
    expect(wide.topics()).toEqual(['over/x', 'over/x/y'])
    expect(narrow.topics()).toEqual(['over/x'])
    // When the covering filter leaves, the narrow one gets a broker subscription of its own.
    await a.close()
    await broker.waitFor(() => broker.subscriptions().some(s => s.filter === 'over/+') && !broker.subscriptions().some(s => s.filter === 'over/#'), 5000, 'over/+ alone')
    await device.publishAsync('over/z', '3', { qos: 1 })
    await narrow.waitFor(c => c.messages.length === 2, 'after the hand-over')
    device.end(true)
    await b.close()
  })

  it('handing a filter over to a new cover loses nothing, repeats nothing, and replays retained to the newcomer only', async () => {
    const device = await outsider(broker, version)
    await device.publishAsync('ho/status', 'retained', { qos: 1, retain: true })
    const { clients } = tabs(broker, version, 2)
    const [a, b] = clients as [typeof clients[0], typeof clients[0]]
    const narrow = new Collector()
    a.subscribe('ho/+', { qos: 1 }).subscribe(narrow.observer)
    await narrow.waitFor(c => c.messages.length === 1, 'the retained message for the first observer')
    await waitActive(a, 'ho/+')
    // A steady stream while a second tab subscribes to the cover `ho/#`.
    const sent: string[] = []
    const stream = (async () => {
      for (let i = 0; i < 40; i++) {
        sent.push(String(i))
        await device.publishAsync('ho/live', String(i), { qos: 1 })
        await sleep(10)
      }
    })()
    await sleep(100)
    const wide = new Collector()
    b.subscribe('ho/#', { qos: 1 }).subscribe(wide.observer)
    await stream
    await sleep(500)
    const live = (c: Collector) => c.messages.filter(m => m.topic === 'ho/live').map(m => m.data as number)
    expect(live(narrow)).toEqual(sent.map(Number))
    expect(narrow.messages.filter(m => m.topic === 'ho/status')).toHaveLength(1)
    expect(wide.messages.filter(m => m.topic === 'ho/status')).toHaveLength(1)
    const w = live(wide)
    expect(new Set(w).size).toBe(w.length)
    expect(w.at(-1)).toBe(39)
    const stats = await a.getStats()
    expect(stats.connections[0]!.brokerFilters.map(f => f.filter)).toEqual(['ho/#'])
    await device.publishAsync('ho/status', '', { qos: 1, retain: true })
    device.end(true)
    await Promise.all(clients.map(c => c.close()))
  })

  it('publishes reach other tabs and outside clients; QoS 1 resolves on PUBACK', async () => {
    const { clients } = tabs(broker, version, 2)
    const [a, b] = clients as [typeof clients[0], typeof clients[0]]
    const seen = new Collector()
    b.subscribe('pub/#', { codec: 'json' }).subscribe(seen.observer)
    await waitActive(b, 'pub/#')
    await waitState(a, 'connected')
    await a.publish('pub/obj', { on: true }, { qos: 1 })
    await a.publish(['pub/t1', 'pub/t2'], 'text', { qos: 0 })
    await a.publish('pub/bytes', new Uint8Array([1, 2, 3]), { qos: 2 })
    await seen.waitFor(c => c.messages.length === 4, 'four messages')
    const byTopic = Object.fromEntries(seen.messages.map(m => [m.topic, m]))
    expect(byTopic['pub/obj']!.data).toEqual({ on: true })
    expect(new TextDecoder().decode(byTopic['pub/t1']!.payload)).toBe('text')
    expect(byTopic['pub/t1']!.error?.code).toBe('INVALID_PAYLOAD') // "text" is not JSON
    expect([...byTopic['pub/bytes']!.payload]).toEqual([1, 2, 3])
    await Promise.all(clients.map(c => c.close()))
  })

  it('a refused subscription fails alone; the others and other tabs carry on', async () => {
    const guarded = await startTestBroker(kind, { denySubscribe: ['secret/#'] })
    try {
      const { clients } = tabs(guarded, version, 2)
      const [a, b] = clients as [typeof clients[0], typeof clients[0]]
      const ok = new Collector()
      const other = new Collector()
      const denied = new Collector()
      a.subscribe('open/#').subscribe(ok.observer)
      b.subscribe('open/#').subscribe(other.observer)
      a.subscribe('secret/#').subscribe(denied.observer)
      await denied.waitFor(c => c.errors.length === 1, 'the refusal')
      expect((denied.errors[0] as { code: string }).code).toMatch(/SUBSCRIBE_REFUSED|NOT_AUTHORIZED/)
      expect((denied.errors[0] as Error).message).toContain('secret/#')
      const device = await outsider(guarded)
      await device.publishAsync('open/1', 'x', { qos: 1 })
      await ok.waitFor(c => c.messages.length === 1, 'open/# still works')
      await other.waitFor(c => c.messages.length === 1, 'the other tab still works')
      const stats = await a.getStats()
      expect(stats.connections[0]!.filters.map(f => f.filter)).toEqual(['open/#'])
      device.end(true)
      await Promise.all(clients.map(c => c.close()))
    } finally {
      await guarded.close()
    }
  })
})
