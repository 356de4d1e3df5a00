import type { PubSub } from '../../create-pubsub.js'
import { PubSubError } from '../../errors.js'
import type { Subscription } from '../../observable.js'
import type { Message, Payload } from '../../types.js'

/** A random id for correlating a request with its response: unique across the tabs sharing a connection. */
export function requestId(): string {
  const b = new Uint8Array(8)
  crypto.getRandomValues(b)
  return Array.from(b, x => x.toString(16).padStart(2, '0')).join('')
}

export interface RequestResponseOptions<R> {
  /** The filter the answer arrives on. */
  responses: string
  /** Where the request goes, and what it says. */
  topic: string
  payload: Payload
  /** Returns the answer when `message` is the response to this request, else undefined; may throw to reject. */
  match(message: Message): R | undefined
  timeoutMs: number
  what: string
}

/**
 * Subscribes to the responses, publishes the request once the subscription is granted (so the
 * answer cannot be missed), and resolves with the first matching response.
 *
 * @example
 * const twin = await requestResponse(pubsub, { responses: '$iothub/twin/res/#', topic, payload: '', match, timeoutMs: 10_000, what: 'twin GET' })
 */
export function requestResponse<R>(pubsub: PubSub, o: RequestResponseOptions<R>): Promise<R> {
  return new Promise<R>((resolve, reject) => {
    let sent = false
    let settled = false
    // Unset while `subscribe` runs: a closed client reports its error from inside that call.
    let sub: Subscription | undefined
    const timer = setTimeout(() => done(new PubSubError('TIMEOUT', `${o.what}: no response within ${o.timeoutMs} ms.`)), o.timeoutMs)
    function done(error: unknown, value?: R): void {
      if (settled) return
      settled = true
      clearTimeout(timer)
      sub?.unsubscribe()
      if (error) reject(error)
      else resolve(value as R)
    }
    sub = pubsub
      .subscribe(o.responses, {
        qos: 1,
        codec: 'binary',
        onStatus: s => {
          if (s.status !== 'active' || sent) return
          sent = true
          pubsub.publish(o.topic, o.payload, { qos: 1 }).catch(done)
        },
      })
      .subscribe({
        next: m => {
          try {
            const answer = o.match(m)
            if (answer !== undefined) done(undefined, answer)
          } catch (error) {
            done(error)
          }
        },
        error: done,
      })
    if (settled) sub.unsubscribe()
  })
}
