import type { PublishOptions } from '../types.js'

/** One publish kept in the durable outbox. */
export interface StoredPublish {
  /** Its key in the store; increasing, so the publish order. */
  id: number
  topic: string
  payload: Uint8Array
  options: PublishOptions
  /** The tab's name for the publish: a tab that sends it again to a new hub joins this record. */
  ref?: string | undefined
  /** QoS 2: the PUBLISH went out with this packet id, in the MQTT session of this client id. */
  sent?: { packetId: number; clientId: string } | undefined
  /** QoS 2: the broker answered PUBREC (it owns the message): the PUBLISH is never sent again. */
  released?: boolean | undefined
}

/** Where the durable outbox keeps publishes, per connection identity key: IndexedDB in a worker. */
export interface OutboxStorage {
  /** Every publish kept for `key`, in publish order. */
  load(key: string): Promise<StoredPublish[]>
  /** Keeps a publish; resolves with its id once it is stored. */
  add(key: string, publish: Omit<StoredPublish, 'id'>): Promise<number>
  /** Records how far a QoS 2 publish got (nothing when it is gone already). */
  update(id: number, changes: Pick<StoredPublish, 'sent' | 'released'>): Promise<void>
  delete(id: number): Promise<void>
}

/**
 * An outbox storage in memory: for tests, and for a hub that wants the outbox's bookkeeping
 * without persistence. Records are cloned in and out, as IndexedDB would.
 *
 * @example
 * createHub({ outboxStorage: memoryOutboxStorage() })
 */
export function memoryOutboxStorage(): OutboxStorage & { readonly records: Map<number, StoredPublish & { key: string }> } {
  const records = new Map<number, StoredPublish & { key: string }>()
  let nextId = 1
  return {
    records,
    async load(key) {
      return [...records.values()].filter(r => r.key === key).map(({ key: _, ...r }) => structuredClone(r))
    },
    async add(key, publish) {
      const id = nextId++
      records.set(id, structuredClone({ ...publish, id, key }))
      return id
    },
    async update(id, changes) {
      const r = records.get(id)
      if (r) records.set(id, { ...r, ...structuredClone(changes) })
    },
    async delete(id) {
      records.delete(id)
    },
  }
}
