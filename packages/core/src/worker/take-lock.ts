/** A Web Lock this context holds until `release()`, or until another context steals it. */
export interface HeldLock {
  release(): void
  /** Resolves if another context takes the lock with `steal: true` (the holder learns it when it runs again). */
  readonly lost: Promise<void>
}

/**
 * Requests lock `name` with `options` and resolves once it is held; `null` when `ifAvailable` was
 * asked and the lock is taken. A steal by someone else resolves `lost`: Web Locks tell the holder
 * only by rejecting its request with an AbortError.
 *
 * @example
 * const host = await takeLock(navigator.locks, 'tabmq:e1:/worker.js:host', { ifAvailable: true })
 * if (host) void host.lost.then(stopServing)
 */
export function takeLock(locks: LockManager, name: string, options: LockOptions = {}): Promise<HeldLock | null> {
  return new Promise((resolve, reject) => {
    let release!: () => void
    const released = new Promise<void>(r => (release = r))
    let onLost!: () => void
    const lost = new Promise<void>(r => (onLost = r))
    let granted = false
    locks
      .request(name, options, lock => {
        if (!lock) return void resolve(null)
        granted = true
        resolve({ release, lost })
        return released
      })
      .catch((error: unknown) => (granted ? onLost() : reject(error)))
  })
}
