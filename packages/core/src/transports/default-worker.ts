/**
 * The worker tabmq starts when the app gives no `worker` factory. The `new SharedWorker(new URL(...,
 * import.meta.url))` shape is what Vite and webpack recognise to bundle the worker from a package.
 */
export function defaultSharedWorker(): SharedWorker {
  return new SharedWorker(new URL('../worker.js', import.meta.url), { type: 'module', name: 'tabmq' })
}

export function defaultDedicatedWorker(): Worker {
  return new Worker(new URL('../worker.js', import.meta.url), { type: 'module', name: 'tabmq' })
}
