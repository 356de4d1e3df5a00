import { PubSubError } from '../errors.js'
import { webLocks } from '../transports/locks.js'
import type { QueuedPublish } from './offline-queue.js'
import type { OutboxStorage, StoredPublish } from './outbox-storage.js'

export interface DurableOutboxOptions {
  /** The most publishes kept for this identity; more reject with QUEUE_FULL. */
  maxSize: number
  warn(message: string): void
}

/**
 * The durable copy of one connection's queued QoS 1/2 publishes (`offline: { persist: true }`):
 * what would be lost when the last tab closes or reloads is kept in storage (IndexedDB) under the
 * connection's identity key, and restored by the next connection of that identity, in this hub or
 * a later one. A record goes when the broker has the publish (PUBACK; for QoS 2, PUBREC marks it
 * released and PUBCOMP removes it) or refuses it; never when a connection merely closes.
 *
 * Restoring is exclusive: only the holder of the identity's outbox Web Lock loads the records, so
 * two hubs of one origin (a host replaced while frozen, two worker scripts) never both send them.
 * Keeping needs no lock: a record written by a hub that does not hold it goes out from that hub's
 * memory, or is restored by the next holder if that hub dies first.
 *
 * @example
 * const outbox = new DurableOutbox(connection.key, indexedDbOutboxStorage(), { maxSize: 1000, warn })
 * await outbox.start(items => outgoing.restore(items))
 * outbox.keep(item)      // a publish queued while offline
 * outbox.forget(item)    // the broker acknowledged it
 */
export class DurableOutbox {
  /** Record ids of the publishes kept, once written (undefined when the write failed). */
  private readonly ids = new WeakMap<QueuedPublish, Promise<number | undefined>>()
  /** Records this outbox has in memory: a later restore skips them. */
  private readonly known = new Set<number>()
  /**
   * Publishes by the tab's ref, while this outbox holds them, and the refs it has seen settle: a tab
   * whose hub died sends its unanswered publishes again, and a copy restored from storage must not
   * go out twice.
   */
  private readonly refs = new Map<string, QueuedPublish | 'settled'>()
  /** Records written (stats); `kept` also counts those being written (the bound). */
  private stored = 0
  private kept = 0
  private lock: { release(): void } | undefined
  private readonly abort = new AbortController()
  private disposed = false

  constructor(
    readonly key: string,
    private readonly storage: OutboxStorage,
    private readonly options: DurableOutboxOptions,
  ) {}

  /** Publishes kept in storage for this identity, as far as this outbox knows (written, not yet removed). */
  get size(): number {
    return this.stored
  }

  /** Whether one more publish may be kept. */
  get full(): boolean {
    return this.kept >= this.options.maxSize
  }

  /**
   * Takes the identity's outbox lock and restores its records through `restore`. Resolves once they
   * are restored, or at once when another hub holds the lock (they are restored if it is released).
   */
  start(restore: (items: QueuedPublish[]) => void): Promise<void> {
    const locks = webLocks()
    if (!locks) return this.restoreInto(restore)
    const name = `tabmq:outbox:${this.key}`
    return new Promise<void>(ready => {
      // The lock is held until dispose(): the callback's promise settles then.
      const holding = () =>
        new Promise<void>(release => {
          if (this.disposed) return release()
          this.lock = { release }
          void this.restoreInto(restore).finally(ready)
        })
      locks
        .request(name, { ifAvailable: true }, lock => {
          if (lock) return holding()
          ready() // another hub restores them now; this one does if that one lets go first
          locks.request(name, { signal: this.abort.signal }, holding).catch(() => {})
          return undefined
        })
        .catch(() => ready())
    })
  }

  private async restoreInto(restore: (items: QueuedPublish[]) => void): Promise<void> {
    try {
      const items = await this.load()
      if (!this.disposed && items.length > 0) restore(items)
    } catch (error) {
      this.options.warn(`Could not restore the offline publishes kept for this connection (${(error as Error)?.message}).`)
    }
  }

  /**
   * The publish this outbox holds (or held) under the tab's `ref`: a tab that sent it to a hub that
   * died sends it again. `'settled'`: the broker had it already.
   */
  find(ref: string | undefined): QueuedPublish | 'settled' | undefined {
    return ref === undefined ? undefined : this.refs.get(ref)
  }

  /** A publish sent again by its tab joins the copy this outbox holds: both settle together. */
  join(held: QueuedPublish, resolve: () => void, reject: (error: PubSubError) => void): void {
    const [r, j] = [held.resolve, held.reject]
    held.resolve = () => (r(), resolve())
    held.reject = error => (j(error), reject(error))
  }

  /** Keeps `item` in storage (it is queued in memory already); a failure to store is a warning, the publish goes on. */
  keep(item: QueuedPublish): void {
    if (this.ids.has(item)) return
    if (item.ref !== undefined) this.refs.set(item.ref, item)
    const record: Omit<StoredPublish, 'id'> = { topic: item.topic, payload: item.payload, options: item.options, ref: item.ref, sent: item.sent, released: item.released }
    this.kept++
    const id = this.storage.add(this.key, record).then(
      id => {
        this.known.add(id)
        this.stored++
        return id
      },
      error => {
        this.kept--
        this.options.warn(`An offline publish to "${item.topic}" is kept in memory only: ${(error as Error)?.message}`)
        return undefined
      },
    )
    this.ids.set(item, id)
  }

  /** QoS 2 `item` goes out with a packet id: recorded before the PUBLISH leaves. */
  async sent(item: QueuedPublish): Promise<void> {
    const id = await this.ids.get(item)
    if (id !== undefined) await this.storage.update(id, { sent: item.sent })
  }

  /** PUBREC came for QoS 2 `item`: recorded before its PUBREL leaves. */
  async released(item: QueuedPublish): Promise<void> {
    const id = await this.ids.get(item)
    if (id !== undefined) await this.storage.update(id, { released: true })
  }

  /** The broker acknowledged `item` or refused it for good: its record goes. */
  forget(item: QueuedPublish): void {
    const id = this.ids.get(item)
    if (!id) return
    if (item.ref !== undefined) this.refs.set(item.ref, 'settled')
    this.ids.delete(item)
    void id
      .then(id => {
        if (id === undefined) return
        this.known.delete(id)
        this.stored--
        this.kept--
        return this.storage.delete(id)
      })
      .catch(error => this.options.warn(`Could not remove a delivered publish from the offline outbox (${(error as Error)?.message}); it may be sent again.`))
  }

  /** The connection is closed: let another connection of this identity restore what is left. */
  dispose(): void {
    this.disposed = true
    this.abort.abort()
    this.lock?.release()
  }

  /** The records not in memory here, as publishes nobody waits for any more (their tabs are gone). */
  private async load(): Promise<QueuedPublish[]> {
    const records = (await this.storage.load(this.key)).filter(r => !this.known.has(r.id))
    const items: QueuedPublish[] = []
    for (const r of records) {
      // Its tab sent it here again before this restore (a late lock): that copy is the one to keep.
      if (r.ref !== undefined && this.refs.has(r.ref)) {
        void this.storage.delete(r.id).catch(() => {})
        continue
      }
      const item: QueuedPublish = { topic: r.topic, payload: r.payload, options: r.options, ref: r.ref, sent: r.sent, released: r.released, resolve: () => {}, reject: () => {} }
      if (r.ref !== undefined) this.refs.set(r.ref, item)
      this.known.add(r.id)
      this.ids.set(item, Promise.resolve(r.id))
      items.push(item)
    }
    this.stored += items.length
    this.kept += items.length
    return items
  }
}

/** The error for a publish the durable outbox has no room for. */
export function outboxFull(maxSize: number, topic: string): PubSubError {
  return new PubSubError('QUEUE_FULL', `The offline outbox is full (${maxSize} publishes kept for this connection): wait for the connection, or raise offline.maxSize.`, { details: { topic } })
}
