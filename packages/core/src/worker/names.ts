/**
 * The names the dedicated workers of one worker script share: Web Locks and BroadcastChannels,
 * scoped like a SharedWorker (same script path, same worker name), with a protocol version so
 * that tabs of two releases never relay to each other.
 */
export interface ElectionNames {
  /** Held by the host: the election. Candidates take it if free, or steal it from a host that stopped answering. */
  readonly host: string
  /** Serialises elections, so that candidates starting together find the host the first one became. */
  readonly elect: string
  /** Where candidates ask for the host and hosts announce themselves. */
  readonly discovery: string
  /** Held by host `id` while it serves: relays watch it to learn the host is gone. */
  alive(id: string): string
  /** The BroadcastChannel between the host and relay `id`: one per relay, so deliveries reach only their tab. */
  link(id: string): string
  /** Held by relay `id` while it lives: the host drops the link when it comes free. */
  relay(id: string): string
}

export function electionNames(scriptPath: string, workerName: string): ElectionNames {
  const prefix = `tabmq:e1:${scriptPath}#${workerName}`
  return {
    host: `${prefix}:host`,
    elect: `${prefix}:elect`,
    discovery: prefix,
    alive: id => `${prefix}:alive:${id}`,
    link: id => `${prefix}:link:${id}`,
    relay: id => `${prefix}:relay:${id}`,
  }
}

export function randomId(): string {
  const b = new Uint8Array(8)
  crypto.getRandomValues(b)
  return Array.from(b, x => x.toString(16).padStart(2, '0')).join('')
}
