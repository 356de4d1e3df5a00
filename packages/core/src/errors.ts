/**
 * Stable error codes. Apps branch on `code`, never on `message`.
 */
export type PubSubErrorCode =
  /** A topic name to publish to is malformed (wildcards, empty, U+0000, over 65535 bytes). */
  | 'INVALID_TOPIC'
  /** A topic filter to subscribe to is malformed (`#` not last, `+` sharing a level, ...). */
  | 'INVALID_FILTER'
  /** QoS is not 0, 1 or 2. */
  | 'INVALID_QOS'
  /** A payload cannot be serialised (a function, a cyclic object, a symbol, ...). */
  | 'INVALID_PAYLOAD'
  /** An option given to `createPubSub` or a provider is missing or malformed. */
  | 'INVALID_OPTIONS'
  /** A payload exceeds the platform's or broker's limit. */
  | 'PAYLOAD_TOO_LARGE'
  /** The broker refused the user name or password. Retrying will not help. */
  | 'BAD_CREDENTIALS'
  /** The broker refused the connection, a publish or a subscription for lack of rights. */
  | 'NOT_AUTHORIZED'
  /** The broker refused the connection for another reason (protocol, client id, server busy). */
  | 'CONNECTION_REFUSED'
  /** The broker could not be reached (DNS, TCP, WebSocket upgrade, connect timeout). */
  | 'UNREACHABLE'
  /** The broker refused a subscription (SUBACK failure). */
  | 'SUBSCRIBE_REFUSED'
  /** The broker refused a publish (PUBACK/PUBREC reason code of 0x80 or more). */
  | 'PUBLISH_REFUSED'
  /** A QoS 0 publish while disconnected (QoS 0 is not queued unless `offline.qos0` is set). */
  | 'NOT_CONNECTED'
  /** The offline publish queue is full. */
  | 'QUEUE_FULL'
  /** The client was closed, or the connection closed before the operation completed. */
  | 'CLOSED'
  /** An operation took longer than its time limit. */
  | 'TIMEOUT'
  /** The worker could not be started or stopped answering. */
  | 'WORKER_FAILED'
  /** A provider (credentials, signing, provisioning) failed. */
  | 'PROVIDER_ERROR'
  /** Anything else: a bug in tabmq. Please report it. */
  | 'INTERNAL'

/** The plain shape of a `PubSubError`, as it crosses a MessagePort. */
export interface PubSubErrorData {
  code: PubSubErrorCode
  message: string
  /** Extra, secret-free facts: the topic, the reason code, ... */
  details?: Record<string, unknown>
}

/**
 * The one error class of tabmq: every failure has a stable `code`.
 *
 * @example
 * try { await pubsub.publish('a/+', 'x') }
 * catch (e) { if (e instanceof PubSubError && e.code === 'INVALID_TOPIC') showHint(e.message) }
 */
export class PubSubError extends Error {
  override readonly name = 'PubSubError'
  readonly code: PubSubErrorCode
  readonly details: Record<string, unknown> | undefined

  constructor(code: PubSubErrorCode, message: string, options?: { cause?: unknown; details?: Record<string, unknown> }) {
    super(message, options)
    this.code = code
    this.details = options?.details
  }

  /** The structured-clone-safe form, for results that cross a port. */
  toJSON(): PubSubErrorData {
    return this.details ? { code: this.code, message: this.message, details: this.details } : { code: this.code, message: this.message }
  }

  /** Rebuilds the class on the tab side (Comlink only carries name, message and stack). */
  static from(data: PubSubErrorData): PubSubError {
    return new PubSubError(data.code, data.message, data)
  }
}

/** Wraps anything thrown into a `PubSubError`, keeping one that already is. */
export function toPubSubError(error: unknown, fallback: PubSubErrorCode = 'INTERNAL'): PubSubError {
  if (error instanceof PubSubError) return error
  const message = error instanceof Error ? error.message : String(error)
  return new PubSubError(fallback, message, { cause: error })
}
