import type { QueuedPublish } from './offline-queue.js'
import { type IStore, type MqttClient, type Packet, Store } from './mqtt-client.js'

/** What the publish store asks of the connection. */
export interface PublishStoreEvents {
  /** The PUBLISH of QoS 2 `item` goes out with `packetId`: resolves once that is recorded. */
  publishing(item: QueuedPublish, packetId: number): Promise<void> | void
  /** PUBREC came for QoS 2 `item`: resolves once that is recorded; its PUBREL waits for it. */
  releasing(item: QueuedPublish): Promise<void> | void
  /** A kept session (clean: false) connected: the QoS 2 publishes of this session to complete in it, in order. */
  resumable(): QueuedPublish[]
  /** `item`'s PUBLISH as this connection sends it (payload, properties), with packet id `packetId`. */
  publishPacket(item: QueuedPublish, packetId: number): Packet
  /** `item` goes out again in the kept session; returns what to call with mqtt.js's outcome. */
  resume(item: QueuedPublish): (error?: Error) => void
  warn(message: string): void
}

/**
 * mqtt.js's store of outgoing packets for one client, with the hooks QoS 2 needs to be exactly once
 * across a lost connection or a reload:
 * - mqtt.js puts a packet here before it writes it to the network, and writes it when `put` calls
 *   back: so a PUBLISH leaves only once its packet id is recorded, and a PUBREL only once the
 *   release is (MQTT 3.1.1 4.3.3: once PUBREL is sent, the PUBLISH must never be sent again);
 * - after the CONNACK of a kept session (clean: false), mqtt.js sends what this store streams
 *   before anything else: the session's unfinished QoS 2 publishes, PUBLISH again with the same
 *   packet id (DUP) or PUBREL, as MQTT requires for the broker to deliver each once. Also when the
 *   CONNACK says the session was not kept: aedes says so of a session without subscriptions yet
 *   keeps its unreleased QoS 2 packet ids, and takes a new publish under one of them for a repeat
 *   (dropped). Where the broker truly kept nothing, these are new publishes under free ids.
 * Packets go to mqtt.js in the order they were put, whatever the recording takes.
 *
 * @example
 * client.outgoingStore = new PublishStore(client, events)   // before client.connect()
 * store.sending = item; client.publish(...); store.sending = undefined
 */
export class PublishStore implements IStore {
  /** Set around `client.publish`: the publish whose PUBLISH is put next. */
  sending: QueuedPublish | undefined
  private readonly inner = new Store()
  private readonly byPacketId = new Map<number, QueuedPublish>()
  private order: Promise<void> = Promise.resolve()

  constructor(
    private readonly client: MqttClient,
    private readonly events: PublishStoreEvents,
  ) {}

  put(packet: Packet, cb: () => void): this {
    let record: (() => Promise<void> | void) | undefined
    if (packet.cmd === 'publish') {
      const item = this.sending
      this.sending = undefined
      const id = packet.messageId
      if (item && packet.qos === 2 && id !== undefined) {
        this.byPacketId.set(id, item)
        record = () => this.events.publishing(item, id)
      }
    } else if (packet.cmd === 'pubrel') {
      const item = packet.messageId === undefined ? undefined : this.byPacketId.get(packet.messageId)
      if (item) record = () => this.events.releasing(item)
    }
    // Records start at once (IndexedDB queues them in order); packets go on in the order they came.
    const recorded = record ? Promise.resolve().then(record) : undefined
    this.order = this.order.then(async () => {
      if (recorded) {
        try {
          await recorded
        } catch (error) {
          // Better sent without the record than never sent: the guarantee degrades to at least once.
          this.events.warn(`Could not record a QoS 2 publish's progress (${(error as Error)?.message}); it is sent anyway.`)
        }
      }
      this.inner.put(packet, cb)
    })
    return this
  }

  createStream(): ReturnType<IStore['createStream']> {
    if (this.client.options.clean === false) {
      for (const item of this.events.resumable()) {
        const sent = item.sent
        if (!sent) continue
        const { packetId } = sent
        const packet: Packet = item.released ? { cmd: 'pubrel', messageId: packetId } : this.events.publishPacket(item, packetId)
        this.byPacketId.set(packetId, item)
        // mqtt.js picks up this callback when it streams the packet, and calls it on PUBCOMP (or a refusal).
        this.client.outgoing[packetId] = { volatile: false, cmd: packet.cmd as 'publish' | 'pubrel', cb: this.events.resume(item) }
        this.inner.put(packet, () => {})
      }
    }
    return this.inner.createStream()
  }

  del(packet: Pick<Packet, 'messageId'>, cb: Parameters<IStore['del']>[1]): this {
    if (packet.messageId !== undefined) this.byPacketId.delete(packet.messageId)
    this.inner.del(packet, cb)
    return this
  }

  get(packet: Pick<Packet, 'messageId'>, cb: Parameters<IStore['get']>[1]): this {
    this.inner.get(packet, cb)
    return this
  }

  close(cb: () => void): void {
    this.inner.close(cb)
  }
}
