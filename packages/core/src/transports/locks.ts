/** Web Locks, where the environment has them (browsers; not Node). */
export function webLocks(): LockManager | undefined {
  return (globalThis as { navigator?: { locks?: LockManager } }).navigator?.locks
}

/**
 * Takes lock `name` and holds it until `release` is called or the context dies. Resolves once held.
 *
 * @example
 * const release = await holdLock('tabmq:tab:123')
 */
export async function holdLock(name: string): Promise<() => void> {
  const locks = webLocks()
  if (!locks) return () => {}
  let release!: () => void
  const released = new Promise<void>(r => (release = r))
  await new Promise<void>(held => void locks.request(name, () => (held(), released)))
  return release
}

/** Calls `onFree` when lock `name` becomes free: its holder released it or died. Returns a cancel. */
export function whenLockFree(name: string, onFree: () => void): () => void {
  const locks = webLocks()
  if (!locks) return () => {}
  const controller = new AbortController()
  locks.request(name, { signal: controller.signal }, () => onFree()).catch(() => {})
  return () => controller.abort()
}
