import { PubSubError } from '../errors.js'
import type { OutboxStorage, StoredPublish } from './outbox-storage.js'

const DATABASE = 'tabmq-outbox'
const STORE = 'publishes'

/** Whether this context has IndexedDB (browsers and their workers; not Node). */
export function hasIndexedDb(): boolean {
  return typeof (globalThis as { indexedDB?: unknown }).indexedDB === 'object'
}

const done = (request: IDBRequest): Promise<unknown> =>
  new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result)
    request.onerror = () => reject(request.error)
  })

const committed = (tx: IDBTransaction): Promise<void> =>
  new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve()
    tx.onerror = () => reject(tx.error)
    tx.onabort = () => reject(tx.error ?? new DOMException('aborted', 'AbortError'))
  })

/** A storage failure as the app sees it: a full disk or quota is a full queue. */
function storageError(error: unknown): PubSubError {
  const name = (error as { name?: string })?.name
  if (name === 'QuotaExceededError') return new PubSubError('QUEUE_FULL', 'The browser refused to store more offline publishes (storage quota): wait for the connection, or free some storage.', { cause: error })
  return new PubSubError('INTERNAL', `IndexedDB failed to keep an offline publish (${name ?? 'error'}).`, { cause: error })
}

/**
 * The durable outbox in IndexedDB: one database per origin (`tabmq-outbox`), one record per
 * publish with its identity key, an increasing id for the publish order. A transaction has
 * committed (the browser process holds it) before its promise resolves, so a tab crashing or
 * closing the moment after loses nothing.
 *
 * @example
 * const storage = indexedDbOutboxStorage()
 * const id = await storage.add(connectionKey, { topic, payload, options })
 */
export function indexedDbOutboxStorage(): OutboxStorage {
  let db: Promise<IDBDatabase> | undefined
  const open = () =>
    (db ??= new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open(DATABASE, 1)
      request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: 'id', autoIncrement: true }).createIndex('key', 'key')
      request.onsuccess = () => {
        const opened = request.result
        // Another context upgrading the database: let it, and open again next time.
        opened.onversionchange = () => {
          opened.close()
          db = undefined
        }
        resolve(opened)
      }
      request.onerror = () => reject(request.error)
      request.onblocked = () => reject(new DOMException('blocked', 'AbortError'))
    }).catch(error => {
      db = undefined
      throw storageError(error)
    }))

  const write = async <T>(work: (store: IDBObjectStore) => Promise<T> | T): Promise<T> => {
    const tx = (await open()).transaction(STORE, 'readwrite')
    try {
      const result = await Promise.all([work(tx.objectStore(STORE)), committed(tx)])
      return result[0]
    } catch (error) {
      throw error instanceof PubSubError ? error : storageError(error)
    }
  }

  return {
    async load(key) {
      const tx = (await open()).transaction(STORE, 'readonly')
      // An index lists equal keys in primary-key order: the publish order.
      const records = (await done(tx.objectStore(STORE).index('key').getAll(IDBKeyRange.only(key)))) as Array<StoredPublish & { key: string }>
      return records.map(({ key: _, ...r }) => r)
    },
    add: (key, publish) => write(store => done(store.add({ ...publish, key })) as Promise<number>),
    update: (id, changes) =>
      write(async store => {
        const record = (await done(store.get(id))) as StoredPublish | undefined
        if (record) await done(store.put({ ...record, ...changes }))
      }),
    delete: id => write(store => void done(store.delete(id))),
  }
}
