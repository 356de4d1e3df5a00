import { EventEmitter } from 'node:events'
import { describe, expect, it } from 'vitest'
import type { MqttClient, Packet } from '../../../src/hub/mqtt-client'
import type { QueuedPublish } from '../../../src/hub/offline-queue'
import { PublishStore, type PublishStoreEvents } from '../../../src/hub/publish-store'
import { sleep } from '../../helpers'

/** What the store needs of an mqtt.js client: its events, its options and its table of outgoing callbacks. */
function fakeClient(clean = true): MqttClient {
  return Object.assign(new EventEmitter(), { outgoing: {}, options: { clean } }) as unknown as MqttClient
}

const item = (topic: string): QueuedPublish => ({ topic, payload: new Uint8Array([1]), options: { qos: 2 }, resolve: () => {}, reject: () => {} })
const publish = (topic: string, messageId: number, qos: 1 | 2 = 2): Packet => ({ cmd: 'publish', topic, payload: Buffer.from('x'), qos, dup: false, retain: false, messageId })

/** Events whose records resolve when the test says so. */
function events(resumable: QueuedPublish[] = []) {
  const log: string[] = []
  const pending: Array<() => void> = []
  const record = (what: string) => {
    log.push(`record ${what}`)
    return new Promise<void>(r => pending.push(() => (log.push(`recorded ${what}`), r())))
  }
  const ev: PublishStoreEvents = {
    publishing: (i, id) => record(`${i.topic} sent as ${id}`),
    releasing: i => record(`${i.topic} released`),
    resumable: () => resumable,
    publishPacket: (i, id) => ({ ...publish(i.topic, id), dup: true }),
    resume: i => err => void log.push(`${i.topic} done ${err ? 'refused' : 'ok'}`),
    warn: m => void log.push(`warn ${m}`),
  }
  return { ev, log, release: () => pending.shift()?.() }
}

describe('PublishStore', () => {
  it('a QoS 2 PUBLISH leaves only once its packet id is recorded, a PUBREL only once the release is, and packets keep their order', async () => {
    const client = fakeClient()
    const { ev, log, release } = events()
    const store = new PublishStore(client, ev)
    const a = item('a')
    store.sending = a
    store.put(publish('a', 11), () => void log.push('PUBLISH a out'))
    // A QoS 1 publish put next waits behind a: mqtt.js writes packets in the order they were put.
    store.sending = item('b')
    store.put(publish('b', 12, 1), () => void log.push('PUBLISH b out'))
    await sleep(0)
    expect(log).toEqual(['record a sent as 11'])
    release()
    await sleep(0)
    expect(log).toEqual(['record a sent as 11', 'recorded a sent as 11', 'PUBLISH a out', 'PUBLISH b out'])
    store.put({ cmd: 'pubrel', messageId: 11 }, () => void log.push('PUBREL a out'))
    await sleep(0)
    expect(log.slice(4)).toEqual(['record a released'])
    release()
    await sleep(0)
    expect(log.slice(4)).toEqual(['record a released', 'recorded a released', 'PUBREL a out'])
  })

  it('a record that fails is a warning: the packet still goes', async () => {
    const client = fakeClient()
    const { ev, log } = events()
    ev.publishing = async () => {
      throw new Error('disk full')
    }
    const store = new PublishStore(client, ev)
    store.sending = item('a')
    store.put(publish('a', 3), () => void log.push('PUBLISH a out'))
    await sleep(0)
    expect(log).toEqual([`warn Could not record a QoS 2 publish's progress (disk full); it is sent anyway.`, 'PUBLISH a out'])
  })

  it('on a kept session (clean: false), it streams the session’s unfinished QoS 2 publishes with their packet ids: PUBLISH (DUP) or PUBREL', async () => {
    const client = fakeClient(false)
    const [a, b] = [item('a'), item('b')]
    a.sent = { packetId: 40, clientId: 'c' }
    b.sent = { packetId: 41, clientId: 'c' }
    b.released = true
    const { ev, log } = events([a, b])
    const store = new PublishStore(client, ev)
    const stream = store.createStream()
    const packets: Packet[] = []
    for (let p = stream.read(1); p; p = stream.read(1)) packets.push(p)
    expect(packets.map(p => [p.cmd, p.messageId, (p as { dup?: boolean }).dup])).toEqual([
      ['publish', 40, true],
      ['pubrel', 41, undefined],
    ])
    // mqtt.js calls these when the broker answers.
    client.outgoing[40]!.cb(undefined as never)
    client.outgoing[41]!.cb(Object.assign(new Error('refused'), { code: 0x92 }))
    expect(log).toEqual(['a done ok', 'b done refused'])
  })

  it('on a clean start (clean: true), nothing is resumed: those publishes are the connection’s to settle', () => {
    const client = fakeClient(true)
    const a = item('a')
    a.sent = { packetId: 40, clientId: 'c' }
    const store = new PublishStore(client, events([a]).ev)
    expect(store.createStream().read(1)).toBeNull()
    expect(client.outgoing).toEqual({})
  })
})
