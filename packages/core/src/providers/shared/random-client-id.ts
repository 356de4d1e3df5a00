/** A client id no other connection has: brokers kick off the older of two clients with the same id. */
export function randomClientId(prefix = 'tabmq_'): string {
  const bytes = new Uint8Array(8)
  crypto.getRandomValues(bytes)
  return prefix + Array.from(bytes, b => b.toString(16).padStart(2, '0')).join('')
}
