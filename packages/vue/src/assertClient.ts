import { PubSubError, type PubSub } from '@tabmq/core'

/** A clear error now rather than a `topic is not a function` in the first component that subscribes. */
export function assertClient(pubsub: unknown, caller: string): asserts pubsub is PubSub {
  const candidate = pubsub as Partial<PubSub> | null | undefined
  if (typeof candidate?.topic !== 'function' || typeof candidate.publish !== 'function') {
    throw new PubSubError('INVALID_OPTIONS', `${caller} needs the client from createPubSub() of @tabmq/core.`)
  }
}
