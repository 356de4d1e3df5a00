import { describe, expect, it } from 'vitest'
import { DurableOutbox } from '../../../src/hub/durable-outbox'
import type { QueuedPublish } from '../../../src/hub/offline-queue'
import { memoryOutboxStorage } from '../../../src/hub/outbox-storage'
import { sleep } from '../../helpers'

const item = (topic: string, qos: 1 | 2 = 1): QueuedPublish => ({ topic, payload: new TextEncoder().encode(topic), options: { qos }, resolve: () => {}, reject: () => {} })
const settle = () => sleep(0)

describe('DurableOutbox (Node has no Web Locks: it restores at once)', () => {
  it('keeps publishes under the identity key, forgets them when the broker has them, and a later outbox restores the rest in order', async () => {
    const storage = memoryOutboxStorage()
    const warnings: string[] = []
    const first = new DurableOutbox('mqtt|ws://b/mqtt|*|', storage, { maxSize: 10, warn: m => void warnings.push(m) })
    await first.start(() => expect.unreachable('nothing kept yet'))
    const [a, b, c] = [item('a'), item('b', 2), item('c')]
    for (const i of [a, b, c]) first.keep(i)
    await settle()
    expect(first.size).toBe(3)
    // QoS 2 progress is recorded on the record.
    b.sent = { packetId: 7, clientId: 'tabmq_1' }
    await first.sent(b)
    first.forget(a)
    await settle()
    expect(first.size).toBe(2)

    // Another identity sees nothing of it.
    const other = new DurableOutbox('mqtt|ws://b/mqtt|*|someone', storage, { maxSize: 10, warn: () => {} })
    await other.start(() => expect.unreachable('another identity'))

    // A later hub (the page reloaded): the rest, in order, with what QoS 2 had reached.
    first.dispose()
    const restored: QueuedPublish[] = []
    const second = new DurableOutbox('mqtt|ws://b/mqtt|*|', storage, { maxSize: 10, warn: () => {} })
    await second.start(items => void restored.push(...items))
    expect(restored.map(i => [i.topic, i.options.qos, i.sent?.packetId])).toEqual([
      ['b', 2, 7],
      ['c', 1, undefined],
    ])
    expect(second.size).toBe(2)
    second.forget(restored[0]!)
    second.forget(restored[1]!)
    await settle()
    expect(storage.records.size).toBe(0)
    expect(warnings).toEqual([])
  })

  it('is bounded: full at maxSize, counting publishes still being written and those restored', async () => {
    const storage = memoryOutboxStorage()
    const outbox = new DurableOutbox('k', storage, { maxSize: 2, warn: () => {} })
    await outbox.start(() => {})
    outbox.keep(item('a'))
    expect(outbox.full).toBe(false)
    outbox.keep(item('b'))
    expect(outbox.full).toBe(true) // before the writes complete
    outbox.dispose()
    const later = new DurableOutbox('k', storage, { maxSize: 2, warn: () => {} })
    await later.start(() => {})
    expect(later.full).toBe(true)
  })

  it('a release is recorded, and a record the outbox holds in memory is not restored to it twice', async () => {
    const storage = memoryOutboxStorage()
    const outbox = new DurableOutbox('k', storage, { maxSize: 5, warn: () => {} })
    await outbox.start(() => {})
    const b = item('b', 2)
    outbox.keep(b)
    await outbox.released(b)
    expect([...storage.records.values()].map(r => [r.topic, r.released])).toEqual([['b', true]])
    const restored: QueuedPublish[] = []
    await outbox.start(items => void restored.push(...items))
    expect(restored).toEqual([])
  })

  it('a storage that fails keeps the publish in memory with a warning, and does not count it', async () => {
    const storage = memoryOutboxStorage()
    storage.add = async () => {
      throw new Error('QuotaExceededError')
    }
    const warnings: string[] = []
    const outbox = new DurableOutbox('k', storage, { maxSize: 5, warn: m => void warnings.push(m) })
    await outbox.start(() => {})
    outbox.keep(item('a'))
    await settle()
    expect(outbox.size).toBe(0)
    expect(outbox.full).toBe(false)
    expect(warnings).toEqual(['An offline publish to "a" is kept in memory only: QuotaExceededError'])
  })
})

describe('DurableOutbox: a tab sends its unanswered publishes again to a new hub', () => {
  it('the copy restored from storage is found by the tab’s ref and joined, so the publish goes out once and the tab hears the outcome', async () => {
    const storage = memoryOutboxStorage()
    const first = new DurableOutbox('k', storage, { maxSize: 5, warn: () => {} })
    await first.start(() => {})
    first.keep({ ...item('a'), ref: 'tab1-a:0' })
    await settle()
    first.dispose() // the hub died

    const second = new DurableOutbox('k', storage, { maxSize: 5, warn: () => {} })
    const restored: QueuedPublish[] = []
    await second.start(items => void restored.push(...items))
    const held = second.find('tab1-a:0')
    expect(held).toBe(restored[0])
    const heard: string[] = []
    second.join(held as QueuedPublish, () => void heard.push('resolved'), e => void heard.push(e.code))
    ;(held as QueuedPublish).resolve()
    second.forget(held as QueuedPublish)
    expect(heard).toEqual(['resolved'])
    // Sent again after that: the broker has it already.
    expect(second.find('tab1-a:0')).toBe('settled')
    expect(second.find(undefined)).toBeUndefined()
  })

  it('a record whose tab sent it again before a late restore is dropped: the tab’s copy is kept', async () => {
    const storage = memoryOutboxStorage()
    await storage.add('k', { topic: 'a', payload: new Uint8Array([1]), options: { qos: 1 }, ref: 'r:0' })
    const outbox = new DurableOutbox('k', storage, { maxSize: 5, warn: () => {} })
    outbox.keep({ ...item('a'), ref: 'r:0' }) // arrived first
    const restored: QueuedPublish[] = []
    await outbox.start(items => void restored.push(...items))
    await settle()
    expect(restored).toEqual([])
    expect([...storage.records.values()].map(r => r.ref)).toEqual(['r:0'])
    expect(storage.records.size).toBe(1)
  })
})
